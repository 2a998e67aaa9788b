"""Claim sheets (hand-checked gold in claims/*.yaml) and scoring the extractor against them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .claims import Claim
from .errors import InputError
from .measures import clean
from .verification_log import claim_value


@dataclass
class GoldFigure:
    """One figure of a claim sheet, located in its article."""

    id: str | None
    text: str
    start: int
    end: int
    kind: str
    value: Any
    unit: str | None
    measure: str | None
    checkworthy: bool
    direction: str | None = None
    approx: str | None = None
    verdict: str | None = None


@dataclass
class GoldRelation:
    """A consistency finding the run must produce."""

    check: str
    status: str
    figures: list[str]


@dataclass
class ClaimSheet:
    """A gold sheet and the article it describes."""

    path: Path
    article: Path
    text: str
    published: str | None
    script: str
    figures: list[GoldFigure]
    relations: list[GoldRelation]

    def by_id(self, figure_id: str) -> GoldFigure:
        return next(f for f in self.figures if f.id == figure_id)


def load_sheet(path: str | Path) -> ClaimSheet:
    """Read a claim sheet and locate each figure in its article (near + occurrence)."""
    from .text import read_article

    path = Path(path)
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    article = path.parent / data["article"]
    text = read_article(article).text
    figures = [_locate(text, entry, path) for entry in data.get("figures", [])]
    relations = [
        GoldRelation(r["check"], r["status"], list(r["figures"])) for r in data.get("relations", [])
    ]
    published = data.get("published")
    return ClaimSheet(
        path,
        article,
        text,
        str(published) if published else None,
        data.get("script", ""),
        figures,
        relations,
    )


def _locate(text: str, entry: dict[str, Any], path: Path) -> GoldFigure:
    near, wanted = entry["near"], entry["text"]
    at = -1
    for _ in range(int(entry.get("occurrence") or 1)):
        at = text.find(near, at + 1)
        if at < 0:
            raise InputError(f"{path}: near {near!r} not found often enough in the article")
    start = text.find(wanted, at)
    if start < 0 or start + len(wanted) > at + len(near):
        raise InputError(f"{path}: {wanted!r} is not inside {near!r}")
    value = entry.get("value")
    return GoldFigure(
        entry.get("id"),
        wanted,
        start,
        start + len(wanted),
        entry["kind"],
        value,
        entry.get("unit"),
        entry.get("measure"),
        bool(entry.get("checkworthy")),
        entry.get("direction"),
        entry.get("approx"),
        entry.get("verdict"),
    )


def values_equal(gold: Any, got: Any) -> bool:
    """Gold and extracted values agree (numbers compared exactly as decimals, dates as strings)."""
    if isinstance(gold, (int, float)) and isinstance(got, (int, float)):
        return Decimal(str(gold)) == Decimal(str(got))
    return str(gold) == str(got)


def measure_agrees(gold: str | None, got: str | None) -> bool:
    """The loose rule of docs/claim-sheets.md: the gold head noun, and half its characters, appear."""
    if not gold:
        return True
    if not got:
        return False
    gold, got = clean(gold), clean(got)
    shared = sum(1 for ch in set(gold) if ch in got)
    return gold[-2:] in got and shared * 2 >= len(set(gold))


@dataclass
class SheetScore:
    """How the extractor did on one sheet."""

    sheet: str
    gold_checkworthy: int
    found: int
    reported_checkworthy: int
    missing: list[GoldFigure] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    extra: list[Claim] = field(default_factory=list)
    slogans_checkworthy: list[Claim] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold_checkworthy if self.gold_checkworthy else 1.0

    @property
    def precision(self) -> float:
        reported = self.reported_checkworthy
        return (reported - len(self.extra)) / reported if reported else 1.0


def score_sheet(sheet: ClaimSheet, claims: list[Claim]) -> SheetScore:
    """Recall of check-worthy figures (exact span), value/kind/measure errors, extras, slogans."""
    by_span = {(c.start, c.end): c for c in claims}
    worthy_gold = [g for g in sheet.figures if g.checkworthy]
    reported = [c for c in claims if c.checkworthy]
    score = SheetScore(sheet.path.name, len(worthy_gold), 0, len(reported))
    for gold in worthy_gold:
        claim = by_span.get((gold.start, gold.end))
        if claim is None or not claim.checkworthy:
            score.missing.append(gold)
            continue
        score.found += 1
        problems = _differences(gold, claim)
        if problems:
            score.wrong.append(f"{gold.text}@{gold.start}: {'; '.join(problems)}")
    gold_spans = {(g.start, g.end) for g in sheet.figures}
    score.extra = [c for c in reported if (c.start, c.end) not in gold_spans]
    for gold in (g for g in sheet.figures if not g.checkworthy):
        score.slogans_checkworthy += [
            c for c in reported if c.start < gold.end and gold.start < c.end
        ]
    return score


def _differences(gold: GoldFigure, claim: Claim) -> list[str]:
    problems = []
    if gold.kind != claim.kind:
        problems.append(f"kind {claim.kind} != {gold.kind}")
    if not values_equal(gold.value, claim_value(claim)):
        problems.append(f"value {claim_value(claim)} != {gold.value}")
    if gold.unit and claim.unit != gold.unit and gold.kind not in ("date",):
        problems.append(f"unit {claim.unit} != {gold.unit}")
    if gold.direction and claim.figure.direction != gold.direction:
        problems.append(f"direction {claim.figure.direction} != {gold.direction}")
    if not measure_agrees(gold.measure, claim.measure):
        problems.append(f"measure {claim.measure} !~ {gold.measure}")
    return problems


def verdict_agreement(
    sheet: ClaimSheet, claims: list[Claim], verdicts: dict[str, str]
) -> list[str]:
    """Disagreements between the sheet's gold verdicts and `verdicts` (claim id → verdict)."""
    by_span = {(c.start, c.end): c for c in claims}
    problems = []
    for gold in (g for g in sheet.figures if g.verdict):
        claim = by_span.get((gold.start, gold.end))
        got = verdicts.get(claim.id) if claim else None
        if got != gold.verdict:
            problems.append(f"{gold.text}@{gold.start}: {got} != {gold.verdict}")
    return problems
