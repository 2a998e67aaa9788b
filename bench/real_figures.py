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
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factcheck.figures import Figure

CORPUS = Path(__file__).resolve().parent / "real-figures"
# `python bench/x.py` puts bench/ first on the path, and the editable install would import another
# checkout's factcheck: measure the code of this one.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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
    paragraphs: list[Paragraph] = []
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


def _months(value: str) -> str:
    """A date value with quarters and halves as month ranges, so that equal periods compare equal."""

    def period(part: str, end: bool) -> str:
        m = re.fullmatch(r"(\d{4})-(Q[1-4]|H[12])", part)
        if m is None:
            return part
        first, last = {"Q": (3, 3), "H": (6, 6)}[m.group(2)[0]]
        n = int(m.group(2)[1])
        month = n * last if end else (n - 1) * first + 1
        return f"{m.group(1)}-{month:02d}"

    parts = value.split("/")
    start, stop = period(parts[0], False), period(parts[-1], True)
    return start if start == stop else f"{start}/{stop}"


def _same(a: Decimal | str | None, b: Decimal | str | None) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return _months(a) == _months(b)
    return a == b


def _differences(gold: Gold, found: Figure) -> list[str]:
    """The fields in which a found figure differs from its gold label, most serious first."""
    out = []
    if found.kind != gold.kind:
        out.append(f"kind {found.kind}")
    if not _same(found.value, gold.value):
        out.append(f"value {found.value}")
    if (found.unit or None) != gold.unit and gold.kind != "rank":  # no unit convention for ranks
        out.append(f"unit {found.unit}")
    if (found.start, found.end) != (gold.start, gold.end):
        out.append(f"span {found.text}")
    if found.approx != gold.approx:
        out.append(f"approx {found.approx}")
    if found.direction != gold.direction:
        out.append(f"direction {found.direction}")
    if not _same(found.value_max, gold.value_max):
        out.append(f"value_max {found.value_max}")
    return out


SERIOUS = ("kind", "value", "unit")


@dataclass
class Outcome:
    """One gold item (or one spurious figure) and what find_figures made of it."""

    verdict: str  # right / partial / wrong / missed; clean / claimed; spurious
    kind: str
    gold: Gold | None
    found: list[Figure]
    paragraph: Paragraph
    why: str = ""


def judge(paragraph: Paragraph, figures: list[Figure]) -> list[Outcome]:
    """Match the found figures of one paragraph against its gold labels."""
    outcomes = []
    used: set[int] = set()
    for gold in paragraph.figures:
        over = [
            (i, f)
            for i, f in enumerate(figures)
            if f.start < gold.end and f.end > gold.start and f.checkworthy
        ]
        used.update(i for i, _ in over)
        found = [f for _, f in over]
        if not gold.checkworthy:
            verdict = "claimed" if found else "clean"
            outcomes.append(Outcome(verdict, gold.kind, gold, found, paragraph))
            continue
        if not found:
            outcomes.append(Outcome("missed", gold.kind, gold, [], paragraph))
            continue
        every = [_differences(gold, f) for f in found]
        diffs = min(every, key=len)
        if not diffs:
            verdict = "right"
        elif _split_range(gold, found):
            verdict = "partial"
            diffs = ["range read as its two ends"]
        elif any(d.split()[0] in SERIOUS for ds in every for d in ds):
            # Any figure over the gold one with another value, kind or unit is a misreading.
            verdict = "wrong"
            diffs = [d for ds in every for d in ds]
        else:
            verdict = "partial"
        outcomes.append(Outcome(verdict, gold.kind, gold, found, paragraph, "; ".join(diffs)))
    for i, f in enumerate(figures):
        if f.checkworthy and i not in used:
            outcomes.append(Outcome("spurious", f.kind, None, [f], paragraph))
    return outcomes


def _split_range(gold: Gold, found: list[Figure]) -> bool:
    """A date range A/B found as two figures, A and B, each with its right value."""
    if not isinstance(gold.value, str) or "/" not in gold.value or len(found) != 2:
        return False
    ends = gold.value.split("/")
    return [f.value for f in sorted(found, key=lambda f: f.start)] == ends


def _describe(outcome: Outcome) -> str:
    g = outcome.gold
    found = ", ".join(
        f"{f.text} {f.kind} {f.value} {f.unit or ''} {f.approx or ''} {f.direction or ''}".rstrip()
        for f in outcome.found
    )
    context = ""
    if g is not None:
        text = outcome.paragraph.text
        context = text[max(0, g.start - 8) : g.end + 8]
        gold = f"{g.text} {g.kind} {g.value} {g.unit or ''} {g.approx or ''} {g.direction or ''}"
        return (
            f"[{outcome.paragraph.pid}] gold {gold.rstrip()} | found {found or '-'} | …{context}…"
        )
    f = outcome.found[0]
    text = outcome.paragraph.text
    return f"[{outcome.paragraph.pid}] {found} | …{text[max(0, f.start - 8) : f.end + 8]}…"


def evaluate(show: str | None) -> int:
    from factcheck.figures import find_figures
    from factcheck.text import normalize

    outcomes = []
    for paragraph in load_corpus():
        figures = find_figures(normalize(paragraph.text), paragraph.published, paragraph.text)
        outcomes.extend(judge(paragraph, figures))
    claims = ("right", "partial", "wrong", "missed")
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        table[o.kind][o.verdict] += 1
    print("| kind | gold | right | partial | wrong | missed | spurious |")
    print("|---|---|---|---|---|---|---|")
    total: Counter[str] = Counter()
    for kind in sorted(table, key=lambda k: (k in NON_CLAIMS, -sum(table[k].values()))):
        row = table[kind]
        if kind in NON_CLAIMS:
            continue
        gold = sum(row[v] for v in claims)
        total.update(row)
        print(
            f"| {kind} | {gold} | " + " | ".join(str(row[v]) for v in (*claims, "spurious")) + " |"
        )
    gold = sum(total[v] for v in claims)
    print(
        f"| **all** | {gold} | " + " | ".join(str(total[v]) for v in (*claims, "spurious")) + " |"
    )
    print("\n| non-claim | items | clean | claimed as a figure |")
    print("|---|---|---|---|")
    for kind in NON_CLAIMS:
        row = table.get(kind, Counter())
        print(f"| {kind} | {row['clean'] + row['claimed']} | {row['clean']} | {row['claimed']} |")
    print(
        f"\nright {total['right']}/{gold} ({total['right'] / max(gold, 1):.2f}); "
        f"wrong {total['wrong']}; spurious {total['spurious']} + "
        f"{sum(table[k]['claimed'] for k in NON_CLAIMS)} over non-claims"
    )
    if show:
        wanted = ("claimed", "spurious") if show == "spurious" else (show,)
        print(f"\n{show}:")
        for o in outcomes:
            if o.verdict in wanted:
                why = f" ({o.why})" if o.why else ""
                print(_describe(o) + why)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="print N draft paragraphs and stop")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of --sample")
    parser.add_argument("--topics", default=",".join(TOPICS), help="topics of --sample")
    parser.add_argument("--show", choices=("right", "partial", "wrong", "missed", "spurious"))
    args = parser.parse_args()
    if args.sample:
        sample(args.sample, args.seed, tuple(args.topics.split(",")))
        return 0
    return evaluate(args.show)


if __name__ == "__main__":
    raise SystemExit(main())
