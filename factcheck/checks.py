"""Consistency checks inside one article: each check is registered by name and yields findings.

A false alarm costs a reviewer's trust, so a check fails only when the text itself says the figures
must agree (其中 lists that exceed their total, a headline that restates the body, a decrease over
100%, 2月31日). Partial lists, nested hierarchies and rounded totals pass.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from .claims import Claim, Sentence
from .measures import clean, measures_compatible

PASS, WARN, FAIL = "pass", "warn", "fail"
_PERSON_UNITS = {"人", "名", "位"}
_NESTING = re.compile(r"包括|其中|含")
_EXHAUSTIVE = re.compile(r"分为|分成|组成|全部|均为|一共")
# 56个，已开工建设41个 / 315处，整改到位298处: the second count is of the first one's items.
_COMPLETED = re.compile(
    r"^[,，]\s*(?:其中)?[\u4e00-\u9fff]{0,4}(?:已|到位|办结|结案|化解|竣工|投产|开工|完成)"
)
_SEQUENCE = re.compile(r"后|随后|此后|之后|才|直到|经|最终|于")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
# Person measures and the groups inside them: 4名省管干部 are among 90多名公职人员.
SUBGROUPS = {
    "公职人员": ("干部", "公务员", "民警", "党员干部", "领导干部"),
    "人员": ("干部", "公职人员", "民警", "党员", "公务员"),
    "干部": ("省管干部", "村干部", "党员干部", "领导干部", "市管干部", "县管干部"),
    "党员": ("党员干部",),
}


@dataclass
class Finding:
    """The result of one check over some claims, with one line of why."""

    check: str
    status: str
    claims: list[str]
    message: str
    id: str = ""


@dataclass
class CheckContext:
    """What a check sees: the normalised text, its sentences and claims, the publication date."""

    norm: str
    claims: list[Claim]
    sentences: list[Sentence]
    published: str | None = None
    numeric: list[Claim] = field(init=False)

    def __post_init__(self) -> None:
        self.numeric = [c for c in self.claims if c.checkworthy and isinstance(c.value, Decimal)]


Check = Callable[[CheckContext], Iterable[Finding]]
CHECKS: dict[str, Check] = {}


def register_check(name: str) -> Callable[[Check], Check]:
    """Register a check under a name, so that configuration can choose which checks run."""

    def wrap(func: Check) -> Check:
        CHECKS[name] = func
        return func

    return wrap


def run_checks(context: CheckContext, names: Iterable[str] | None = None) -> list[Finding]:
    """Run the named checks (all registered ones by default); findings get ids f1, f2, …"""
    findings: list[Finding] = []
    for name in names if names is not None else CHECKS:
        if name not in CHECKS:
            raise KeyError(f"unknown check {name!r}; known: {', '.join(CHECKS)}")
        findings.extend(CHECKS[name](context))
    for index, finding in enumerate(findings, start=1):
        finding.id = f"f{index}"
    return findings


# --- helpers ---------------------------------------------------------------------------------


def judged(check: str, failed: bool, ids: list[str], if_failed: str, if_passed: str) -> Finding:
    """A pass or fail finding, with the message that fits."""
    if failed:
        return Finding(check, FAIL, ids, if_failed)
    return Finding(check, PASS, ids, if_passed)


def fmt(value: Decimal | None) -> str:
    """A decimal as people write it: 12900, 19.3, 33.3333."""
    if value is None:
        return "∞"
    text = format(value.normalize(), "f")
    return text


def _units_match(a: Claim, b: Claim) -> bool:
    if a.kind != b.kind:
        return False
    return a.unit == b.unit or {a.unit, b.unit} <= _PERSON_UNITS


def _lo(claim: Claim) -> Decimal:
    return claim.figure.low if claim.figure.low is not None else Decimal(str(claim.value))


def _hi(claim: Claim) -> Decimal | None:
    # An open upper bound (逾100家) is None: anything above the floor is compatible.
    if claim.figure.high is None and claim.figure.approx == "at_least":
        return None
    return claim.figure.high if claim.figure.high is not None else Decimal(str(claim.value))


def overlaps(a: Claim, b: Claim) -> bool:
    """Value intervals meet (closed on both ends: rounding may have gone either way)."""
    a_hi, b_hi = _hi(a), _hi(b)
    return (b_hi is None or _lo(a) <= b_hi) and (a_hi is None or _lo(b) <= a_hi)


def _in_sentence(ctx: CheckContext, sentence: Sentence) -> list[Claim]:
    return [c for c in ctx.numeric if c.sentence == sentence]


# --- sum of parts ----------------------------------------------------------------------------


@dataclass
class Whole:
    """A total and the parts a 其中 / 包括 list gives for it."""

    total: Claim
    parts: list[Claim]
    exhaustive: bool


def wholes(ctx: CheckContext) -> Iterator[Whole]:
    """Totals with their listed parts: 共…N个,其中A a个,B b个 (nested 包括 lists become wholes too)."""
    for index, sentence in enumerate(ctx.sentences):
        text = ctx.norm[sentence.start : sentence.end]
        at = text.find("其中")
        if at < 0:
            continue
        split = sentence.start + at
        before = [c for c in _in_sentence(ctx, sentence) if c.end <= split]
        if not before and at <= 1 and index > 0:
            before = _in_sentence(ctx, ctx.sentences[index - 1])
        after = [c for c in _in_sentence(ctx, sentence) if c.start >= split]
        if not after:
            continue
        candidates = [c for c in before if _units_match(c, after[0])]
        if not candidates:
            continue
        total = candidates[-1]
        parts = [c for c in after if _units_match(c, total)]
        exhaustive = bool(_EXHAUSTIVE.search(ctx.norm[total.start : parts[0].start]))
        yield from _nest(ctx, Whole(total, [], exhaustive), parts, split)


def _nest(ctx: CheckContext, whole: Whole, parts: list[Claim], split: int) -> Iterator[Whole]:
    previous_end = split
    sub: Whole | None = None
    subs: list[Whole] = []
    for part in parts:
        gap = ctx.norm[previous_end : part.start]
        if whole.parts and _NESTING.search(gap):
            sub = Whole(whole.parts[-1], [part], False)
            subs.append(sub)
        elif sub is not None and not re.search(r"[,，;；。]", gap):
            sub.parts.append(part)
        else:
            sub = None
            whole.parts.append(part)
        previous_end = part.end
    yield whole
    yield from subs


@register_check("sum_of_parts")
def check_sum_of_parts(ctx: CheckContext) -> Iterator[Finding]:
    """Parts listed after 其中 never add up to more than their total."""
    for whole in wholes(ctx):
        if len(whole.parts) < 2:
            continue
        total, parts = whole.total, whole.parts
        low = sum((_lo(p) for p in parts), Decimal(0))
        highs = [_hi(p) for p in parts]
        high = None if any(h is None for h in highs) else sum((h for h in highs if h), Decimal(0))
        ids = [total.id] + [p.id for p in parts]
        written = " + ".join(p.text for p in parts)
        total_hi = _hi(total)
        if total_hi is not None and low > total_hi:
            yield Finding(
                "sum_of_parts",
                FAIL,
                ids,
                f"the parts {written} add up to {fmt(low)}, more than the total {total.text}",
            )
        elif high is not None and high < _lo(total):
            status = FAIL if whole.exhaustive else PASS
            why = (
                "yet the text presents them as the whole"
                if whole.exhaustive
                else "a list after 其中 may be partial"
            )
            yield Finding(
                "sum_of_parts",
                status,
                ids,
                f"the parts {written} cover {fmt(high)} of the total {total.text}; {why}",
            )
        else:
            yield Finding(
                "sum_of_parts", PASS, ids, f"{written} = {fmt(low)}, agreeing with {total.text}"
            )


@register_check("part_not_above_total")
def check_part_not_above_total(ctx: CheckContext) -> Iterator[Finding]:
    """No single part listed after 其中 / 包括 is larger than its total."""
    for whole in wholes(ctx):
        total_hi = _hi(whole.total)
        for part in whole.parts:
            yield judged(
                "part_not_above_total",
                total_hi is not None and _lo(part) > total_hi,
                [whole.total.id, part.id],
                f"the part {part.text} is larger than its total {whole.total.text}",
                f"the part {part.text} is within its total {whole.total.text}",
            )


@register_check("shares")
def check_shares(ctx: CheckContext) -> Iterator[Finding]:
    """Shares listed in one sentence (其中A占33.4%、B占33.3%…) cannot add up to over 100%."""
    for sentence in ctx.sentences:
        text = ctx.norm[sentence.start : sentence.end]
        if "其中" not in text or "占" not in text:
            continue
        shares = [c for c in _in_sentence(ctx, sentence) if c.kind == "percent"]
        if len(shares) < 2:
            continue
        low = sum((_lo(c) for c in shares), Decimal(0))
        ids = [c.id for c in shares]
        written = " + ".join(c.text for c in shares)
        yield judged(
            "shares",
            low > 100,
            ids,
            f"the shares {written} add up to {fmt(low)}%, over 100%",
            f"the shares {written} fit within 100%",
        )


# --- subset ----------------------------------------------------------------------------------


def _head_group(measure: str) -> str | None:
    return next((g for g in sorted(SUBGROUPS, key=len, reverse=True) if measure.endswith(g)), None)


def _subset_pairs(ctx: CheckContext) -> Iterator[tuple[Claim, Claim]]:
    """(whole, part) pairs: a person group inside a larger one, or 315处…整改到位298处."""
    for sentence in ctx.sentences:
        counts = [c for c in _in_sentence(ctx, sentence) if c.kind == "count"]
        for whole, part in pairwise(counts):
            gap = ctx.norm[whole.end : part.start]
            if _units_match(whole, part) and _COMPLETED.match(gap):
                yield whole, part
        people = [
            c
            for c in _in_sentence(ctx, sentence)
            if c.kind == "count" and c.unit in _PERSON_UNITS and c.measure
        ]
        for i, whole in enumerate(people):
            group = _head_group(clean(whole.measure or ""))
            if group is None:
                continue
            for part in people[i + 1 :]:
                part_measure = clean(part.measure or "")
                if not part_measure.endswith(SUBGROUPS[group]):
                    continue
                yield whole, part


@register_check("subset")
def check_subset(ctx: CheckContext) -> Iterator[Finding]:
    """A group inside a larger one (4名省管干部 of 90多名公职人员; 已开工41个 of 56个) is smaller."""
    for whole, part in _subset_pairs(ctx):
        whole_hi = _hi(whole)
        what = f"{part.text}{part.measure or ''}"
        of = f"{whole.text}{whole.measure or ''}"
        yield judged(
            "subset",
            whole_hi is not None and _lo(part) > whole_hi,
            [whole.id, part.id],
            f"{what} cannot be among {of}",
            f"{what} fit among {of}",
        )


# --- restatement -----------------------------------------------------------------------------


def _same_context(a: Claim, b: Claim) -> bool:
    return (a.period_value or a.period) == (b.period_value or b.period) and (
        a.comparison == b.comparison
    )


@register_check("restatement")
def check_restatement(ctx: CheckContext) -> Iterator[Finding]:
    """A figure stated twice (headline and body, or the same measure again) states one value."""
    body = [c for c in ctx.numeric if not c.headline and c.measure]
    for headline in (c for c in ctx.numeric if c.headline and c.measure):
        peers = [
            c
            for c in body
            if _units_match(headline, c) and measures_compatible(headline.measure, c.measure)
        ]
        if not peers:
            continue
        agreeing = [c for c in peers if overlaps(headline, c)]
        if agreeing:
            other = agreeing[0]
            message = (
                f"the headline's {headline.text}{headline.measure} restates the body's {other.text}"
            )
            yield Finding("restatement", PASS, [headline.id, other.id], message)
        else:
            other = peers[0]
            message = (
                f"the headline says {headline.text}{headline.measure}, "
                f"the body says {other.text}{other.measure}"
            )
            yield Finding("restatement", FAIL, [headline.id, other.id], message)
    for i, first in enumerate(body):
        for second in body[i + 1 :]:
            if first.sentence == second.sentence or not _units_match(first, second):
                continue
            if clean(first.measure or "") != clean(second.measure or ""):
                continue
            if not _same_context(first, second):
                continue
            yield judged(
                "restatement",
                not overlaps(first, second),
                [first.id, second.id],
                f"{first.measure} is stated as {first.text} and later as {second.text}",
                f"{first.measure} is stated twice, as {first.text} and {second.text}",
            )


# --- percent range ---------------------------------------------------------------------------


@register_check("percent_range")
def check_percent_range(ctx: CheckContext) -> Iterator[Finding]:
    """A share lies in 0–100%; a decrease cannot exceed 100%."""
    for claim in ctx.numeric:
        if claim.unit != "%" or claim.kind not in ("percent", "percent_change"):
            continue
        low = _lo(claim)
        if claim.kind == "percent" and low > 100:
            yield Finding(
                "percent_range", FAIL, [claim.id], f"a share of {claim.text} is over 100%"
            )
        elif claim.kind == "percent_change" and claim.figure.direction == "down" and low > 100:
            message = f"a decrease of {claim.text} would take {claim.measure or 'it'} below zero"
            yield Finding("percent_range", FAIL, [claim.id], message)
        else:
            yield Finding("percent_range", PASS, [claim.id], f"{claim.text} is a possible value")


# --- dates -----------------------------------------------------------------------------------


def _date_parts(value: object) -> tuple[int, int | None, int | None] | None:
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _date_problem(year: int, month: int | None, day: int | None) -> str | None:
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"month {month} of {year} has {last} days"
    return None


@register_check("date_validity")
def check_date_validity(ctx: CheckContext) -> Iterator[Finding]:
    """Every date exists on the calendar (no 2月31日, no 13月)."""
    for claim in ctx.claims:
        if claim.kind != "date":
            continue
        parts = _date_parts(claim.value)
        if parts is None:
            continue
        problem = _date_problem(*parts)
        yield judged(
            "date_validity",
            problem is not None,
            [claim.id],
            f"{claim.text}: {problem}",
            f"{claim.text} is a real date",
        )


def _precedes(
    later: tuple[int, int | None, int | None], earlier: tuple[int, int | None, int | None]
) -> bool:
    """True when `later` is before `earlier`, compared at the precision both share (year, month, day)."""
    shared = min(sum(p is not None for p in later), sum(p is not None for p in earlier))
    return later[:shared] < earlier[:shared]


@register_check("date_order")
def check_date_order(ctx: CheckContext) -> Iterator[Finding]:
    """Dates linked by 后 / 随后 / 经…于 in one paragraph run forward in time."""
    dated = [
        (c, p)
        for c in ctx.claims
        if c.kind == "date"
        and not c.extra.get("baseline")
        and (p := _date_parts(c.value)) is not None
        and _date_problem(*p) is None
    ]
    for (first, a), (second, b) in pairwise(dated):
        gap = ctx.norm[first.end : second.start]
        if second.sentence.paragraph != first.sentence.paragraph or not _SEQUENCE.search(gap):
            continue
        yield judged(
            "date_order",
            _precedes(b, a),
            [first.id, second.id],
            f"{second.text} comes after {first.text} in the story but before it in time",
            f"{first.text} then {second.text}: in order",
        )
