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


# ---- the labelled corpus -------------------------------------------------------------------

APPROX_BEFORE = ("超过", "超", "约", "近", "逾", "不到", "不足", "接近", "将近")
APPROX_AFTER = ("多", "余", "以上", "左右", "以下")
ARABIC = re.compile(r"\d+(?:\.\d+)?")
SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
FIGURE_KEYS = ("total", "parts", "from", "to", "by", "rate", "multiple", "part", "share", "figures")


@dataclass
class Gold:
    """A labelled paragraph: the paragraph, its relations, and the analysed text's gold spans."""

    paragraph: Paragraph
    stratum: str
    relations: list[dict[str, Any]]
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when every labelled relation holds (or there is none): any fail or warn is false."""
        return all(r.get("holds") is not False for r in self.relations)


def figures_of(relation: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in FIGURE_KEYS:
        value = relation.get(key)
        if value is not None:
            out += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return out


def locate(p: Paragraph, figure: str) -> tuple[int, int]:
    """The span of a gold figure in title + "\\n" + text ("T:" = in the title, "#n" = nth)."""
    source, offset = (p.title, 0) if figure.startswith("T:") else (p.text, len(p.title) + 1)
    surface, _, nth = figure.removeprefix("T:").partition("#")
    at = -1
    for _ in range(int(nth or 1)):
        at = source.find(surface, at + 1)
        if at < 0:
            raise ValueError(f"{p.id}: figure {figure!r} not found")
    return offset + at, offset + at + len(surface)


def load_corpus() -> list[Gold]:
    from ruamel.yaml import YAML

    labels: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CORPUS.glob("labels-*.yaml")):
        labels.update(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    corpus = []
    for line in (CORPUS / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        stratum = row.pop("stratum")
        p = Paragraph(**row)
        gold = Gold(p, stratum, labels[p.id] or [])
        for relation in gold.relations:
            for figure in figures_of(relation):
                gold.spans[figure] = locate(p, figure)
        corpus.append(gold)
    return corpus


# ---- running the product -------------------------------------------------------------------


@dataclass
class Result:
    """What the product said about one text: claim spans and findings."""

    claims: dict[str, tuple[int, int]]
    findings: list[Any]

    def claims_at(self, span: tuple[int, int]) -> set[str]:
        return {cid for cid, (s, e) in self.claims.items() if s < span[1] and span[0] < e}

    def flagged(self) -> list[Any]:
        return [f for f in self.findings if f.status in ("fail", "warn")]


def analyse(nlp: Any, text: str, date: str) -> Result:
    from factcheck.run import analyse_text

    analysis = analyse_text(text, published=date, nlp=nlp)
    return Result({c.id: (c.start, c.end) for c in analysis.claims}, list(analysis.findings))


def recognised(result: Result, spans: list[tuple[int, int]]) -> bool:
    """Some finding (any status) involves a claim at every figure of the relation."""
    wanted = [result.claims_at(span) for span in spans]
    if not all(wanted):
        return False
    return any(all(w & set(f.claims) for w in wanted) for f in result.findings)


# ---- injected errors -----------------------------------------------------------------------


@dataclass
class Figure:
    """A gold figure's Arabic number: where its digits are, its value and printed half-unit."""

    digits: tuple[int, int]
    number: str
    scale: Decimal
    approx: bool

    @property
    def value(self) -> Decimal:
        return Decimal(self.number) * self.scale

    @property
    def half(self) -> Decimal:
        return Decimal(1).scaleb(-len(self.number.partition(".")[2])) * self.scale / 2


def parse_figure(text: str, span: tuple[int, int]) -> Figure | None:
    """The first Arabic number of a gold surface, or None (Chinese numerals are not edited)."""
    m = ARABIC.search(text, span[0], span[1])
    if not m:
        return None
    rest = text[m.end() : span[1]]
    scale = next((v for k, v in SCALES.items() if rest.startswith(k)), Decimal(1))
    before = text[max(0, span[0] - 2) : span[0]]
    after = text[span[1] : span[1] + 2]
    approx = any(before.endswith(a) for a in APPROX_BEFORE) or any(
        after.startswith(a) or rest.endswith(a) for a in APPROX_AFTER
    )
    return Figure((m.start(), m.end()), m.group(), scale, approx)


def moved(number: str, units: int = 0, factor: Decimal | None = None) -> str:
    """A number moved by some units of its last printed digit, or scaled; same decimals."""
    places = len(number.partition(".")[2])
    unit = Decimal(1).scaleb(-places)
    value = Decimal(number) * factor if factor is not None else Decimal(number) + units * unit
    return f"{value.quantize(unit):f}" if places else str(int(value.to_integral_value()))


def breaks_sum(total: Figure, parts: list[Figure], edited: int, new: str) -> bool:
    """True when the edited exhaustive breakdown cannot add up at the printed precision."""
    low = high = Decimal(0)
    for i, part in enumerate(parts):
        number = new if i == edited else part.number
        value = Decimal(number) * part.scale
        low, high = low + value - part.half, high + value + part.half
    return low > total.value + total.half or high < total.value - total.half


@dataclass
class Injection:
    """One edited text and the edited figure's new span, to look for a fail involving it."""

    kind: str
    text: str
    span: tuple[int, int]


def edit(text: str, figure: Figure, new: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    s, e = figure.digits
    delta = len(new) - (e - s)
    return text[:s] + new + text[e:], (span[0], span[1] + delta)


def injections(gold: Gold, skips: Counter[str]) -> Iterator[Injection]:
    """The errors injected into one paragraph's holding relations (issue 9's recipe)."""
    text = gold.paragraph.analysed
    for relation in gold.relations:
        kind, holds = relation["type"], relation.get("holds")
        if holds is not True:
            continue
        if kind == "total_parts" and relation.get("exhaustive") is True:
            total_span = gold.spans[str(relation["total"])]
            part_spans = [gold.spans[str(p)] for p in relation["parts"]]
            total = parse_figure(text, total_span)
            parts = [parse_figure(text, s) for s in part_spans]
            if total is None or any(p is None for p in parts):
                skips["breakdown: Chinese numeral"] += 2
                continue
            if total.approx or any(p.approx for p in parts if p):
                skips["breakdown: approximate figure"] += 2
                continue
            known = [p for p in parts if p is not None]
            i = max(range(len(known)), key=lambda k: known[k].value)
            for label, units in (("part +2", 2), ("part -2", -2)):
                new = moved(known[i].number, units)
                if Decimal(new) <= 0 or not breaks_sum(total, known, i, new):
                    skips[f"{label}: still adds up within rounding"] += 1
                    continue
                yield Injection(label, *edit(text, known[i], new, part_spans[i]))
        elif kind == "change" and len(figures_of(relation)) >= 3:
            key = "to" if relation.get("to") is not None else "rate"
            if relation.get(key) is None:
                key = "multiple"
            span = gold.spans[str(relation[key])]
            figure = parse_figure(text, span)
            if figure is None:
                skips["change: Chinese numeral"] += 1
                continue
            if key == "rate":
                new = moved(figure.number, 10 * 10 ** len(figure.number.partition(".")[2]))
            else:
                new = moved(figure.number, factor=Decimal("1.1"))
            yield Injection(f"change {key} moved", *edit(text, figure, new, span))
        elif kind == "pp_change" and relation.get("to") is not None:
            span = gold.spans[str(relation["to"])]
            figure = parse_figure(text, span)
            if figure is None:
                skips["pp_change: Chinese numeral"] += 1
                continue
            new = moved(figure.number, 10 ** len(figure.number.partition(".")[2]))
            yield Injection("rate moved a point", *edit(text, figure, new, span))


def caught(result: Result, span: tuple[int, int]) -> bool:
    at = result.claims_at(span)
    return any(f.status == "fail" and at & set(f.claims) for f in result.findings)


# ---- the report ----------------------------------------------------------------------------


def per_mille(count: int, total: int) -> str:
    return f"{1000 * count / total:.1f}" if total else "-"


def run(show: bool, sample: int) -> int:
    from factcheck.pipeline import load_pipeline

    corpus = load_corpus()
    nlp = load_pipeline()
    n = len(corpus)
    false_alarms: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    true_alarms: list[tuple[str, str, str]] = []
    rec: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: list[tuple[str, str]] = []
    inj: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    inj_missed: list[tuple[str, str]] = []
    skips: Counter[str] = Counter()
    for gold in corpus:
        p = gold.paragraph
        result = analyse(nlp, p.analysed, p.date)
        for f in result.flagged():
            row = (p.id, f.status, f"{f.check}: {f.message}")
            (false_alarms[f"{f.status} {f.check}"] if gold.clean else true_alarms).append(row)
        for relation in gold.relations:
            kind = relation["type"]
            if kind == "total_parts" and relation.get("exhaustive") is True:
                kind = "total_parts (exhaustive)"
            spans = [gold.spans[f] for f in figures_of(relation)]
            hit = recognised(result, spans)
            rec[kind][0] += hit
            rec[kind][1] += 1
            if not hit:
                missed.append((p.id, f"{kind}: {' / '.join(figures_of(relation))}"))
        for injection in injections(gold, skips):
            edited = analyse(nlp, injection.text, p.date)
            hit = caught(edited, injection.span)
            inj[injection.kind][0] += hit
            inj[injection.kind][1] += 1
            if not hit:
                surface = injection.text[injection.span[0] : injection.span[1]]
                inj_missed.append((p.id, f"{injection.kind}: {surface}"))

    clean = sum(g.clean for g in corpus)
    alarmed = {r[0] for v in false_alarms.values() for r in v}
    print(f"Real text (issue 9): {n} labelled paragraphs, {clean} where every relation holds")
    print(
        "\nFalse alarms (fail/warn in a paragraph whose relations all hold), per 1,000 paragraphs"
    )
    for status in ("fail", "warn"):
        rows = [r for k, v in false_alarms.items() if k.startswith(status) for r in v]
        paragraphs = len({r[0] for r in rows})
        print(
            f"  {status}: {len(rows)} findings in {paragraphs} paragraphs = "
            f"{per_mille(len(rows), n)} findings, {per_mille(paragraphs, n)} paragraphs per 1,000"
        )
        for key in sorted(k for k in false_alarms if k.startswith(status)):
            print(f"    {key.split(' ', 1)[1]:<28} {len(false_alarms[key]):>4}")
    strata = Counter(g.stratum for g in corpus)
    hit_strata = Counter(g.stratum for g in corpus if g.paragraph.id in alarmed)
    print(
        "  paragraphs with a false fail/warn, by stratum: "
        + ", ".join(
            f"{k} {hit_strata[k]}/{v} ({per_mille(hit_strata[k], v)} per 1,000)"
            for k, v in strata.items()
        )
    )
    wrong = sum(1 for g in corpus if not g.clean)
    print(
        f"\nParagraphs with a relation that does not hold: {wrong}; their fail/warn findings: "
        f"{len(true_alarms)}"
    )
    print("\nRelations recognised (some finding covers all their figures, any status)")
    for kind in sorted(rec):
        hit, total = rec[kind]
        print(f"  {kind:<28} {hit:>4} / {total:<4} {100 * hit / total:5.1f}%")
    print("\nInjected errors caught (a fail involving the edited figure)")
    for kind in sorted(inj):
        hit, total = inj[kind]
        print(f"  {kind:<28} {hit:>4} / {total:<4} {100 * hit / total:5.1f}%")
    for reason, count in sorted(skips.items()):
        print(f"  skipped, {reason}: {count}")
    if show:
        print("\nFalse alarms:")
        for key in sorted(false_alarms):
            for pid, status, message in false_alarms[key]:
                print(f"  {pid} {status} {message}")
        print("\nFindings in paragraphs with a wrong relation:")
        for pid, status, message in true_alarms:
            print(f"  {pid} {status} {message}")
        print("\nRelations not recognised:")
        for pid, what in missed:
            print(f"  {pid} {what}")
        print("\nInjected errors missed:")
        for pid, what in inj_missed:
            print(f"  {pid} {what}")
    if sample:
        run_sample(nlp, {g.paragraph.id for g in corpus}, sample)
    return 0


def run_sample(nlp: Any, labelled: set[str], count: int) -> None:
    """Unlabelled paragraphs (official text, presumed right): every fail/warn is to be read."""
    _, paragraphs = all_paragraphs()
    pool = [p for p in paragraphs if p.id not in labelled and FIGURE.search(p.text)]
    chosen = random.Random(SAMPLE_SEED).sample(pool, count)
    rows = []
    for p in chosen:
        for f in analyse(nlp, p.analysed, p.date).flagged():
            rows.append((p, f))
    print(f"\nSample of {count} unlabelled paragraphs (seed {SAMPLE_SEED}):")
    for status in ("fail", "warn"):
        found = [(p, f) for p, f in rows if f.status == status]
        by_check = Counter(f.check for _, f in found)
        print(
            f"  {status}: {len(found)} = {per_mille(len(found), count)} per 1,000 "
            f"({', '.join(f'{k} {v}' for k, v in by_check.most_common()) or 'none'})"
        )
    for p, f in rows:
        print(f"  {p.id} {f.status} {f.check}: {f.message}\n      {p.title} | {p.text[:160]}")


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
