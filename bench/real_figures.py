"""find_figures against hand-labelled figures from real 新闻联播 paragraphs (run by hand).

    python bench/real_figures.py [--show wrong|missed|spurious]
    python bench/real_figures.py --sample 90 > draft.txt   # how the paragraphs were drawn

Per kind: gold figures, right (exact span and value), wrong (overlaps a gold figure, value, kind
or unit differ), missed, spurious check-worthy figures (over no gold figure), and totals.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "real-figures"
MIRROR = Path("/work/.mirror/DuckBurnIncense+xin-wen-lian-bo/repo")
REPO = "DuckBurnIncense/xin-wen-lian-bo"
SEED = 8
NON_CLAIMS = ("slogan", "ordinal", "identifier", "none")
TOPICS = {
    "disaster": r"地震|洪水|洪涝|暴雨|台风|受灾|救援|遇难|失联|山火|泥石流|干旱",
    "sports": r"比赛|冠军|金牌|奖牌|运动员|奥运|亚运|联赛|世界杯|决赛|赛事",
    "diplomacy": r"会谈|会见|外交部|总统|总理|访问|建交|签署|联合国|双边",
    "statistics": r"国家统计局|统计|调查|监测|数据显示",
    "economy": r"亿元|万元|同比|增长|GDP|进出口|投资|消费|产值|营收",
}


@dataclass
class Gold:
    """One labelled figure (or non-figure) in a paragraph."""

    text: str
    occurrence: int
    kind: str
    value: Decimal | str | None
    unit: str | None
    approx: str | None
    direction: str | None
    value_max: Decimal | None
    note: str
    start: int = 0
    end: int = 0

    @property
    def checkworthy(self) -> bool:
        return self.kind not in NON_CLAIMS


@dataclass
class Paragraph:
    """A labelled paragraph and where it came from."""

    pid: str
    source: str
    published: str
    text: str
    figures: list[Gold] = field(default_factory=list)


def _paragraphs(markdown: str) -> list[str]:
    """The text of each <p> paragraph of a transcript's detailed news, tags removed."""
    body = markdown.split("## 详细新闻", 1)[-1]
    out = []
    for chunk in re.findall(r"<p[^>]*>(.*?)</p>", body, flags=re.S):
        for part in re.split(r"<br\s*/?>", chunk):
            text = html.unescape(re.sub(r"<[^>]+>", "", part)).strip()
            if text:
                out.append(text)
    return out


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={MIRROR}", *args], capture_output=True, text=True, check=True
    ).stdout


def sample(count: int, seed: int = SEED, topics: tuple[str, ...] = tuple(TOPICS)) -> None:
    """Print draft paragraphs: files drawn per year with a fixed seed, one paragraph per file.

    Paragraphs already in the corpus are skipped, so a later draw with another seed adds new ones.
    """
    rng = random.Random(seed)
    taken = {p.source.split(" ", 2)[1] + " " + p.source.split(" ", 3)[2] for p in load_corpus()}
    commit = _git("log", "-1", "--format=%H").strip()
    names = [n for n in _git("ls-tree", "--name-only", "HEAD", "news/").split() if n[5:9] >= "2022"]
    by_year: dict[str, list[str]] = defaultdict(list)
    for name in names:
        if re.fullmatch(r"news/\d{8}\.md", name):
            by_year[name[5:9]].append(name)
    files = [f for year in sorted(by_year) for f in rng.sample(by_year[year], 40)]
    rng.shuffle(files)
    wanted = {topic: count // len(topics) if topic in topics else 0 for topic in TOPICS}
    numeric = re.compile(r"\d|[零〇一二三四五六七八九十两百千万亿]{2,}")
    for name in files:
        paragraphs = _paragraphs(_git("show", f"HEAD:{name}"))
        order = list(range(len(paragraphs)))
        rng.shuffle(order)
        for index in order:
            text = paragraphs[index]
            if f"{name} p{index}" in taken:
                continue
            if not 40 <= len(text) <= 400 or len(numeric.findall(text)) < 3:
                continue
            topic = next((t for t, p in TOPICS.items() if re.search(p, text)), None)
            if topic is None or wanted[topic] == 0:
                continue
            wanted[topic] -= 1
            day = name[5:13]
            print(f"## {REPO}@{commit} {name} p{index} {topic}")
            print(f"published: {day[:4]}-{day[4:6]}-{day[6:]}")
            print(f"text: {text}\n")
            break



def _field(value: str) -> str | None:
    return value.strip() or None


def _gold(line: str, text: str) -> Gold:
    """One label line: text[#occurrence] | kind | value | unit | approx | direction | max | note."""
    cells = [c.strip() for c in line[2:].split("|")] + [""] * 8
    surface, _, occ = cells[0].partition("#")
    kind = cells[1]
    raw = _field(cells[2])
    value: Decimal | str | None = None
    if raw is not None and kind not in NON_CLAIMS:
        value = raw if kind == "date" else Decimal(raw)
    gold = Gold(
        surface,
        int(occ or 0),
        kind,
        value,
        _field(cells[3]),
        _field(cells[4]),
        _field(cells[5]),
        Decimal(cells[6]) if _field(cells[6]) else None,
        cells[7],
    )
    start = -1
    for _ in range(gold.occurrence + 1):
        start = text.find(surface, start + 1)
        if start < 0:
            raise ValueError(f"{surface!r} (occurrence {gold.occurrence}) not in: {text[:40]}")
    gold.start, gold.end = start, start + len(surface)
    return gold


def load_corpus(folder: Path = CORPUS) -> list[Paragraph]:
    """Every labelled paragraph of the batch files, in order."""
    paragraphs = []
    for path in sorted(folder.glob("batch-*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n## ")[0:]:
            lines = block.strip().removeprefix("## ").splitlines()
            if not lines:
                continue
            source, published, text = lines[0], lines[1], lines[2]
            paragraph = Paragraph(
                f"{path.stem}:{len(paragraphs)}",
                source,
                published.removeprefix("published: "),
                text.removeprefix("text: "),
            )
            for line in lines[3:]:
                if line.startswith("- "):
                    paragraph.figures.append(_gold(line, paragraph.text))
            paragraphs.append(paragraph)
    return paragraphs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="print N draft paragraphs and stop")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of --sample")
    parser.add_argument("--topics", default=",".join(TOPICS), help="topics of --sample")
    args = parser.parse_args()
    if args.sample:
        sample(args.sample, args.seed, tuple(args.topics.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
