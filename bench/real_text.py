"""Consistency checks on hand-labelled real paragraphs of official text (issue 9; run by hand).

    python bench/real_text.py [--show] [--sample N]
    python bench/real_text.py --draw 400 > bench/real-text/paragraphs.jsonl   (how the corpus was drawn)

Runs every paragraph of bench/real-text/ through `analyse_text` with its title and publication
date, and prints false fails and warns per 1,000 paragraphs, gold relations recognised, and
injected errors caught. Labels are in bench/real-text/labels-*.yaml (schema in its README).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "real-text"
MIRROR = Path("/work/.mirror/DuckBurnIncense+xin-wen-lian-bo/repo")
REPO = "DuckBurnIncense/xin-wen-lian-bo"
YEARS = range(2022, 2027)
DRAW_SEED = 9
SAMPLE_SEED = 20269

# Cues for the relation-chosen half of the corpus (issue 9's list).
CUES = (
    "其中 包括 分别 合计 共计 总计 一共 占 比重 同比 比上年 增长 下降 百分点 倍 翻番 "
    "男 女 城镇 乡村 出席 缺席 第一产业 由"
).split()
FIGURE = re.compile(r"[0-9０-９]")
NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
STRONG_ONLY = re.compile(r"^\s*<strong>(.*?)</strong>\s*(<br\s*/?>)?\s*$", re.S)


@dataclass
class Paragraph:
    """One paragraph of a transcript item, with where it came from."""

    id: str
    source: dict[str, Any]
    title: str
    date: str
    text: str

    @property
    def analysed(self) -> str:
        """What the product is given: the title, a newline, the paragraph."""
        return self.title + "\n" + self.text


def git(*args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={MIRROR}", *args], check=True, capture_output=True, text=True
    ).stdout


def transcript_paragraphs(commit: str, name: str) -> Iterator[Paragraph]:
    """Paragraphs of the detailed items of one news/YYYYMMDD.md, titled by item (or 快讯 headline)."""
    body = git("show", f"{commit}:news/{name}")
    detail = body.split("## 详细新闻", 1)[-1]
    date = f"{name[:4]}-{name[4:6]}-{name[6:8]}"
    index = 0
    for item in re.split(r"^### ", detail, flags=re.M)[1:]:
        heading, _, rest = item.partition("\n")
        title = heading.strip()
        for raw in PARAGRAPH.findall(rest):
            strong = STRONG_ONLY.match(raw)
            if strong:  # a headline inside a 快讯 item titles the paragraphs under it
                title = html.unescape(TAG.sub("", strong.group(1))).strip() or title
                continue
            text = html.unescape(TAG.sub("", raw)).replace("\xa0", " ").strip()
            if not text:
                continue
            yield Paragraph(
                id=f"{name[:8]}-{index:03d}",
                source={"repo": REPO, "commit": commit, "file": f"news/{name}", "paragraph": index},
                title=title,
                date=date,
                text=text,
            )
            index += 1


def all_paragraphs() -> tuple[str, list[Paragraph]]:
    commit = git("rev-parse", "HEAD").strip()
    names = [
        n.split("/")[-1]
        for n in git("ls-tree", "--name-only", "HEAD", "news/").split()
        if re.fullmatch(r"news/\d{8}\.md", n) and int(n[5:9]) in YEARS
    ]
    paragraphs = [p for name in sorted(names) for p in transcript_paragraphs(commit, name)]
    return commit, paragraphs


def draw(count: int) -> list[Paragraph]:
    """Half random paragraphs with a figure, half with a relation cue; alternating, fixed seed."""
    _, paragraphs = all_paragraphs()
    with_figure = [p for p in paragraphs if FIGURE.search(p.text)]
    rng = random.Random(DRAW_SEED)
    randoms = rng.sample(with_figure, count)
    taken = {p.id for p in randoms}
    cued = [
        p
        for p in with_figure
        if p.id not in taken
        and len(NUMBER.findall(p.text)) >= 3
        and any(cue in p.text for cue in CUES)
    ]
    chosen = rng.sample(cued, count)
    half = count // 2
    out = []
    for a, b in zip(randoms[:half], chosen[: count - half], strict=False):
        out += [a, b]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw", type=int, help="print N drawn paragraphs as JSONL and stop")
    parser.add_argument("--show", action="store_true", help="list the false alarms and misses")
    parser.add_argument("--sample", type=int, default=0, help="also run N unlabelled paragraphs")
    args = parser.parse_args(argv)
    if args.draw:
        for p in draw(args.draw):
            print(json.dumps(p.__dict__, ensure_ascii=False))
        return 0
    return run(args.show, args.sample)


if __name__ == "__main__":
    sys.exit(main())
