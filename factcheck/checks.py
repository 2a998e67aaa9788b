"""Consistency checks inside one article: each check is registered by name and yields findings.

The checks test the arithmetic of the relation frames the text states (relations.py): a total and
its parts, a change and its rate, two rates and the points between them, shares of one whole, a
figure stated twice. Every test is rounding-aware (a figure is the interval its printed precision
allows). `fail`: the text's own figures cannot all be true. `warn`: they are consistent only if an
unmarked list is partial (a person should look). `pass` otherwise.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from .claims import Claim, Sentence
from .measures import clean, measures_compatible
from .numerals import decimal_places, last_digit_unit, scale_of
from .relations import PERSON_UNITS, Frames, TotalParts, by_sentence, find_frames, units_match

PASS, WARN, FAIL = "pass", "warn", "fail"
SUM_OF_PARTS = "sum_of_parts"
# 56个，已开工建设41个 / 315处，整改到位298处: the second count is of the first one's items.
_COMPLETED = re.compile(
    r"^[,，]\s*(?:其中)?[\u4e00-\u9fff]{0,4}(?:已|到位|办结|结案|化解|竣工|投产|开工|完成)"
)
# 经…于 / 后 / 随后 between two dates of one sentence: the second happened later. 已经, 经济,
# 位于, 由于 are other words; 曾于, 将于 give background or future dates.
_SEQUENCE = re.compile(r"随后|此后|之后|其后|直到|最终|(?<![已曾神财])经(?![济费营验常历典过理])")
# Things counted one by one (315处…整改到位298处), not amounts (385亿立方米 … 3300万立方米).
_DISCRETE = {"个", "处", "件", "项", "家", "起", "宗", "条", "所", "座", "户", "批", "人", "名"}
_NOT_BEFORE_YU = set("高低大小多少早晚已曾将等位由对关属处用")  # 低于1月, 已于7月31日
_NOT_NARRATIVE = re.compile(r"曾|将|预计|计划|拟|以来|同比|较|比")
_DATE = re.compile(r"^(\d{4}|-)(?:-(\d{2}))?(?:-(\d{2}))?$")
_SHARE_CONTEXT = re.compile(r"占|比重|比例|份额|占比|覆盖率|普及率|达标率|合格率")
_WARN_SHORTFALL = Decimal("0.05")  # an unmarked list this close to its total looks like a slip
# Person measures and the groups inside them: 4名省管干部 are among 90多名公职人员.
SUBGROUPS = {
    "公职人员": ("干部", "公务员", "民警", "党员干部", "领导干部"),
    "人员": ("干部", "公职人员", "民警", "党员", "公务员"),
    "干部": ("省管干部", "村干部", "党员干部", "领导干部", "市管干部", "县管干部"),
    "党员": ("党员干部",),
}
# Measures too generic to say that two figures state one quantity (死亡5人 and 死亡1人).
_GENERIC_MEASURE_LENGTH = 4


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
    """What a check sees: the normalised text, its sentences, claims and relation frames."""

    norm: str
    claims: list[Claim]
    sentences: list[Sentence]
    published: str | None = None
    numeric: list[Claim] = field(init=False)
    _frames: Frames | None = field(init=False, default=None)
    _by_sentence: dict[int, list[Claim]] = field(init=False)

    def __post_init__(self) -> None:
        self.numeric = [c for c in self.claims if c.checkworthy and isinstance(c.value, Decimal)]
        self._by_sentence = by_sentence(self.numeric)

    @property
    def frames(self) -> Frames:
        """The relation frames of the text, found once."""
        if self._frames is None:
            self._frames = find_frames(self.norm, self.claims, self.sentences)
        return self._frames

    def in_sentence(self, sentence: Sentence) -> list[Claim]:
        """The numeric check-worthy claims of one sentence."""
        return self._by_sentence.get(sentence.start, [])


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
    return format(value.normalize(), "f")


_SCALES = (("万亿", Decimal(10) ** 12), ("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4))


def written_like(value: Decimal, like: Claim) -> str:
    """A computed value in the way `like` is written: 1.21万亿元, 129个, 19.3%."""
    text = like.text
    for word, factor in _SCALES:
        if word in text:
            scaled = (value / factor).quantize(Decimal("0.01")).normalize()
            return f"{format(scaled, 'f')}{word}{_unit_tail(like)}"
    places = max((len(t.split(".")[1]) for t in re.findall(r"\d+\.\d+", text)), default=0)
    if not places and value != value.to_integral_value():
        places = 1  # 16.6%, not 16.56441717791411…%
    shown = value.quantize(Decimal(1).scaleb(-places)) if places else value.normalize()
    return f"{format(shown, 'f')}{_unit_tail(like)}"


def _unit_tail(claim: Claim) -> str:
    """The unit as the figure writes it (個 in a Traditional article), after its numeral."""
    unit = claim.unit or ""
    if unit in ("%", "pp", "date", "倍", "番"):
        return {"pp": "个百分点", "date": "", "番": "番"}.get(unit, unit)
    written = re.split(r"[\d零〇一二两三四五六七八九十百千万亿兆点.,多余几]", claim.text)[-1]
    return re.sub(r"(?:左右|以上|以下|上下|之多)$", "", written) or unit


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


def _between(low: Decimal, high: Decimal | None, claim: Claim) -> bool:
    """The interval [low, high] meets the claim's interval."""
    top = _hi(claim)
    return (top is None or low <= top) and (high is None or _lo(claim) <= high)


# --- total and parts -------------------------------------------------------------------------


def _sum(parts: list[Claim]) -> tuple[Decimal, Decimal | None]:
    low = sum((_lo(p) for p in parts), Decimal(0))
    highs = [_hi(p) for p in parts]
    high = None if any(h is None for h in highs) else sum((h for h in highs if h), Decimal(0))
    return low, high


@register_check("sum_of_parts")
def check_sum_of_parts(ctx: CheckContext) -> Iterator[Finding]:
    """Parts add up to their total: never above it, and to it when the list is the whole."""
    for frame in ctx.frames.totals:
        if len(frame.parts) >= 2:
            yield _sum_finding(frame)


def _sum_finding(frame: TotalParts) -> Finding:
    total, parts = frame.total, frame.parts
    low, high = _sum(parts)
    ids = [total.id] + [p.id for p in parts]
    written = " + ".join(p.text for p in parts)
    total_hi = _hi(total)
    if total_hi is not None and low > total_hi:
        shown = written_like(sum((Decimal(str(p.value)) for p in parts), Decimal(0)), total)
        return Finding(
            SUM_OF_PARTS, FAIL, ids, f"{written} = {shown}, more than the total {total.text}"
        )
    if high is not None and high < _lo(total):
        shown = written_like(sum((Decimal(str(p.value)) for p in parts), Decimal(0)), total)
        arithmetic = f"{written} = {shown} ≠ {total.text}"
        if frame.exhaustive:
            return Finding(
                SUM_OF_PARTS, FAIL, ids, f"{arithmetic}, and the text gives them as the whole"
            )
        short = _lo(total) - high
        if frame.exhaustive is None and short <= _lo(total) * _WARN_SHORTFALL:
            why = f"{arithmetic}: consistent only if the list is partial"
            return Finding(SUM_OF_PARTS, WARN, ids, why)
        return Finding(
            SUM_OF_PARTS, PASS, ids, f"{written} cover part of {total.text}: a partial list"
        )
    return Finding(
        SUM_OF_PARTS,
        PASS,
        ids,
        f"{written} = {written_like(low, total)}, agreeing with {total.text}",
    )


@register_check("part_not_above_total")
def check_part_not_above_total(ctx: CheckContext) -> Iterator[Finding]:
    """No single part listed after 其中 / 包括 is larger than its total."""
    for frame in ctx.frames.totals:
        total_hi = _hi(frame.total)
        for part in frame.parts:
            yield judged(
                "part_not_above_total",
                total_hi is not None and _lo(part) > total_hi,
                [frame.total.id, part.id],
                f"the part {part.text} is larger than its total {frame.total.text}",
                f"the part {part.text} is within its total {frame.total.text}",
            )


# --- changes ---------------------------------------------------------------------------------


def _signed_rate(claim: Claim) -> tuple[Decimal, Decimal | None]:
    """A rate claim's interval with the sign its direction gives (下降19.3% is −19.3)."""
    low, high = _lo(claim), _hi(claim)
    if claim.figure.direction == "down":
        return (-(high) if high is not None else Decimal("-1e30")), -low
    return low, high


def _ratio(new: Claim, base: Claim) -> tuple[Decimal, Decimal] | None:
    """The interval of new / base, or None when the base may be zero or is open."""
    base_hi, new_hi = _hi(base), _hi(new)
    if base_hi is None or new_hi is None or _lo(base) <= 0:
        return None
    return _lo(new) / base_hi, new_hi / _lo(base)


def _meets(low: Decimal, high: Decimal, target: tuple[Decimal, Decimal | None]) -> bool:
    t_low, t_high = target
    return (t_high is None or low <= t_high) and t_low <= high


@register_check("change")
def check_change(ctx: CheckContext) -> Iterator[Finding]:
    """由A到B with a rate, an amount or a multiple: B/A − 1 = p, B − A = D, B/A = n (or 1 + n)."""
    for change in ctx.frames.changes:
        a, b = change.start, change.end
        ratio = _ratio(b, a)
        if change.direction:
            yield _direction_finding(a, b, change.direction)
        if change.rate is not None and ratio is not None:
            low, high = (ratio[0] - 1) * 100, (ratio[1] - 1) * 100
            implied = written_like(
                (Decimal(str(b.value)) / Decimal(str(a.value)) - 1) * 100, change.rate
            )
            yield judged(
                "change",
                not _meets(low, high, _signed_rate(change.rate)),
                [a.id, b.id, change.rate.id],
                f"from {a.text} to {b.text} is {implied}, not {change.rate.text}",
                f"from {a.text} to {b.text} is a change of {change.rate.text}",
            )
        if change.amount is not None:
            b_hi, a_hi = _hi(b), _hi(a)
            if b_hi is not None and a_hi is not None:
                low, high = abs(_lo(b) - a_hi), abs(b_hi - _lo(a))
                low, high = min(low, high), max(low, high)
                if (_lo(b) - a_hi) * (b_hi - _lo(a)) <= 0:
                    low = Decimal(0)
                shown = written_like(
                    abs(Decimal(str(b.value)) - Decimal(str(a.value))), change.amount
                )
                yield judged(
                    "change",
                    not _between(low, high, change.amount),
                    [a.id, b.id, change.amount.id],
                    f"from {a.text} to {b.text} is {shown}, not {change.amount.text}",
                    f"from {a.text} to {b.text} is {change.amount.text}",
                )
        if change.multiple is not None and ratio is not None:
            yield _multiple_finding(a, b, change.multiple, ratio, times=change.times)


def _direction_finding(a: Claim, b: Claim, direction: str) -> Finding:
    """由A增至B rises: B cannot be below A (and 降至 cannot rise), at the printed precision."""
    a_hi, b_hi = _hi(a), _hi(b)
    later_below = b_hi is not None and b_hi < _lo(a)
    later_above = a_hi is not None and a_hi < _lo(b)
    wrong = later_below if direction == "up" else later_above
    verb = "rise" if direction == "up" else "fall"
    return judged(
        "change",
        wrong,
        [a.id, b.id],
        f"the text says {a.text} {verb}s to {b.text}, which goes the other way",
        f"{a.text} to {b.text}: a {verb}, as the text says",
    )


def _multiple_finding(
    a: Claim, b: Claim, multiple: Claim, ratio: tuple[Decimal, Decimal], *, times: bool = False
) -> Finding:
    # 增长1.5倍 is ×2.5 in statistical usage, ×1.5 in popular usage: either reading passes;
    # B是A的n倍 is ×n only.
    n_low, n_high = _lo(multiple), _hi(multiple)
    if times:
        readings: list[tuple[Decimal, Decimal | None]] = [(n_low, n_high)]
    elif multiple.unit == "番":
        readings = [(Decimal(2) ** int(n_low), Decimal(2) ** int(n_low))]
    else:
        readings = [(n_low, n_high), (n_low + 1, (n_high + 1) if n_high is not None else None)]
    fits = any(_meets(ratio[0], ratio[1], r) for r in readings)
    ids = [a.id, b.id, multiple.id]
    factor = format(((ratio[0] + ratio[1]) / 2).quantize(Decimal("0.01")).normalize(), "f")
    return judged(
        "change",
        not fits,
        ids,
        f"from {a.text} to {b.text} is {factor} times, not {multiple.text}",
        f"from {a.text} to {b.text} fits {multiple.text}",
    )


@register_check("rate_change")
def check_rate_change(ctx: CheckContext) -> Iterator[Finding]:
    """由5.1%提高到6.3%，提高1.2个百分点: the points are the difference of the two rates."""
    for frame in ctx.frames.rate_changes:
        a, b, points = frame.start, frame.end, frame.points
        a_hi, b_hi = _hi(a), _hi(b)
        if a_hi is None or b_hi is None:
            continue
        low, high = _lo(b) - a_hi, b_hi - _lo(a)
        target = _signed_rate(points)
        diff = written_like(Decimal(str(b.value)) - Decimal(str(a.value)), points)
        yield judged(
            "rate_change",
            not _meets(low, high, target),
            [a.id, b.id, points.id],
            f"{a.text} to {b.text} is {diff}, not {points.text}",
            f"{a.text} to {b.text} is {points.text}",
        )


@register_check("implied_base")
def check_implied_base(ctx: CheckContext) -> Iterator[Finding]:
    """达B，增加D，增长p%: the base B − D makes D / (B − D) the rate p."""
    for frame in ctx.frames.implied:
        new, amount, rate = frame.new, frame.amount, frame.rate
        new_hi, amount_hi = _hi(new), _hi(amount)
        if amount_hi is None:
            continue
        if (
            new_hi is None
        ):  # 超过136万亿元: the base is at least B − D, so the rate at most D/(B − D)
            floor = _lo(new) - (amount_hi if amount.figure.direction != "down" else -_lo(amount))
            if floor <= 0:
                continue
            ceiling = amount_hi / floor * 100
            yield judged(
                "implied_base",
                _lo(rate) > ceiling,
                [new.id, amount.id, rate.id],
                f"{amount.text} on a base of at least {written_like(floor, new)} is at most "
                f"{written_like(ceiling, rate)}, not {rate.text}",
                f"{amount.text} and {rate.text} fit {new.text}",
            )
            continue
        sign = -1 if amount.figure.direction == "down" else 1
        base_low = _lo(new) - sign * (amount_hi if sign > 0 else _lo(amount))
        base_high = new_hi - sign * (_lo(amount) if sign > 0 else amount_hi)
        if base_low <= 0:
            continue
        low, high = _lo(amount) / base_high * 100, amount_hi / base_low * 100
        rate_low, rate_high = _lo(rate), _hi(rate)
        implied = written_like(
            Decimal(str(amount.value)) * 100 / ((base_low + base_high) / 2), rate
        )
        yield judged(
            "implied_base",
            not _meets(low, high, (rate_low, rate_high)),
            [new.id, amount.id, rate.id],
            f"{amount.text} on a base of {new.text} less the change is {implied}, not {rate.text}",
            f"{amount.text} and {rate.text} agree with {new.text}",
        )


# --- shares ----------------------------------------------------------------------------------


@register_check("shares")
def check_shares(ctx: CheckContext) -> Iterator[Finding]:
    """Shares of one whole listed together (其中A占33.4%、B占33.3%…) add up to at most 100%."""
    for sentence in ctx.sentences:
        text = ctx.norm[sentence.start : sentence.end]
        if "占" not in text or not re.search(r"其中|分别", text):
            continue
        objects = {c.id: _share_of(ctx.norm, c) for c in ctx.in_sentence(sentence)}
        shares = [
            c
            for c in ctx.in_sentence(sentence)
            if c.kind == "percent" and objects[c.id] is not None
        ]
        wholes = {objects[c.id] for c in shares}
        listed = all(
            not re.search(r"[;；]", ctx.norm[a.end : b.start]) for a, b in pairwise(shares)
        )
        if len(shares) < 2 or len(wholes) > 1 or not listed:
            continue  # shares of different wholes (占全国的39%, 占全球的64.1%) do not add up
        low = sum((_lo(c) for c in shares), Decimal(0))
        ids = [c.id for c in shares]
        written = " + ".join(c.text for c in shares)
        yield judged(
            "shares",
            low > 100,
            ids,
            f"{written} = {fmt(low)}%, over 100%",
            f"the shares {written} fit within 100%",
        )


# --- subset ----------------------------------------------------------------------------------


def _head_group(measure: str) -> str | None:
    return next((g for g in sorted(SUBGROUPS, key=len, reverse=True) if measure.endswith(g)), None)


def _subset_pairs(ctx: CheckContext) -> Iterator[tuple[Claim, Claim]]:
    """(whole, part) pairs: a person group inside a larger one, or 315处…整改到位298处."""
    for sentence in ctx.sentences:
        counts = [c for c in ctx.in_sentence(sentence) if c.kind == "count"]
        for whole, part in pairwise(counts):
            gap = ctx.norm[whole.end : part.start]
            if units_match(whole, part) and whole.unit in _DISCRETE and _COMPLETED.match(gap):
                yield whole, part
        people = [
            c
            for c in ctx.in_sentence(sentence)
            if c.kind == "count" and c.unit in PERSON_UNITS and c.measure
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


@register_check("share_of_total")
def check_share_of_total(ctx: CheckContext) -> Iterator[Finding]:
    """A part, its total and its share: the share is part / total at the printed precision."""
    for frame in ctx.frames.shares:
        ratio = _ratio(frame.part, frame.total)
        if ratio is None:
            continue
        low, high = ratio[0] * 100, ratio[1] * 100
        implied = written_like(
            Decimal(str(frame.part.value)) * 100 / Decimal(str(frame.total.value)), frame.share
        )
        yield judged(
            "share_of_total",
            not _between(low, high, frame.share),
            [frame.part.id, frame.total.id, frame.share.id],
            f"{frame.part.text} of {frame.total.text} is {implied}, not {frame.share.text}",
            f"{frame.part.text} of {frame.total.text} is {frame.share.text}",
        )


def _share_of(norm: str, claim: Claim) -> str | None:
    """What a share is of (占全国的 → 全国的), or None when the figure is not written as a share."""
    found = _SHARE_OF.search(norm[max(0, claim.start - 10) : claim.start])
    return found.group(1) if found else None


_SHARE_OF = re.compile(r"占([^,，。;；、]{0,8})$")


# --- restatement -----------------------------------------------------------------------------


def _same_context(a: Claim, b: Claim) -> bool:
    return (
        (a.period_value or a.period) == (b.period_value or b.period)
        and a.comparison == b.comparison
        and (a.place == b.place or not a.place or not b.place)
    )


@register_check("restatement")
def check_restatement(ctx: CheckContext) -> Iterator[Finding]:
    """A figure stated twice (headline and body, or one measure again in one frame) has one value."""
    body = [c for c in ctx.numeric if not c.headline and c.measure]
    members = ctx.frames.members()
    yield from _headline_restatements(ctx, body)
    for first, second in _body_repeats(body, members):
        yield judged(
            "restatement",
            not overlaps(first, second),
            [first.id, second.id],
            f"{first.measure} is stated as {first.text} and later as {second.text}",
            f"{first.measure} is stated twice, as {first.text} and {second.text}",
        )


def _headline_restatements(ctx: CheckContext, body: list[Claim]) -> Iterator[Finding]:
    """A headline figure restates the body: it fails only when no body figure, and no sum of the
    figures it restates, has its value (a headline may round or truncate: 达16万亿元 for 16.87万亿)."""
    by_head: dict[str, list[Claim]] = {}
    for claim in body:
        by_head.setdefault(clean(claim.measure or "")[-2:], []).append(claim)
    values = _ValueIndex(body)
    for headline in (c for c in ctx.numeric if c.headline and c.measure):
        candidates = by_head.get(clean(headline.measure or "")[-2:], [])
        peers = [c for c in candidates if units_match(headline, c) and _same_head(headline, c)]
        if not peers:
            continue
        low, high = _headline_interval(headline)
        agreeing = values.meeting(headline.kind, low, high)
        total_low, total_high = _sum(peers)
        if agreeing or (len(peers) > 1 and _meets(total_low, total_high or total_low, (low, high))):
            other = next((c for c in peers if _between(low, high, c)), agreeing or peers[0])
            message = (
                f"the headline's {headline.text}{headline.measure} restates the body's {other.text}"
            )
            yield Finding("restatement", PASS, [headline.id, other.id], message)
            continue
        other = peers[0]
        message = (
            f"the headline says {headline.text}{headline.measure}, the body says "
            f"{other.text}{other.measure}"
        )
        yield Finding("restatement", FAIL, [headline.id, other.id], message)


class _ValueIndex:
    """Body figures by kind, sorted by their low end, to find one that meets an interval in
    logarithmic time (a 4 MiB article repeats its headline hundreds of times)."""

    def __init__(self, claims: list[Claim]) -> None:
        self._lows: dict[str, list[Decimal]] = {}
        self._claims: dict[str, list[Claim]] = {}
        self._reach: dict[str, list[Decimal | None]] = {}  # running max of the high ends
        for claim in sorted(claims, key=_lo):
            self._lows.setdefault(claim.kind, []).append(_lo(claim))
            self._claims.setdefault(claim.kind, []).append(claim)
        for kind, ordered in self._claims.items():
            reach: list[Decimal | None] = []
            for claim in ordered:
                top, last = _hi(claim), reach[-1] if reach else Decimal("-Infinity")
                reach.append(None if top is None or last is None else max(top, last))
            self._reach[kind] = reach

    def meeting(self, kind: str, low: Decimal, high: Decimal | None) -> Claim | None:
        """A claim of `kind` whose interval meets [low, high], or None."""
        lows = self._lows.get(kind, [])
        end = len(lows) if high is None else bisect_right(lows, high)
        if end == 0:
            return None
        reach = self._reach[kind][end - 1]
        if reach is not None and reach < low:
            return None
        for claim in reversed(self._claims[kind][:end]):
            if _between(low, high, claim):
                return claim
        return None  # pragma: no cover - the running maximum says one exists


def _same_head(a: Claim, b: Claim) -> bool:
    """Measures with one head (the last three characters): 出口 is not 进出口."""
    short, long = sorted((clean(a.measure or ""), clean(b.measure or "")), key=len)
    if len(short) <= 2 and long.endswith(short) and len(long) == len(short) + 1:
        return False  # 出口 against 进出口, 女 against 男女: one letter makes another quantity
    # 利润 against 规模以上工业企业利润: a part's measure named by its head alone is another quantity.
    return measures_compatible(short, long) and len(short) * 5 >= len(long) * 3


def _headline_interval(claim: Claim) -> tuple[Decimal, Decimal | None]:
    """A headline's value, widened by one unit of its last digit either way (rounded or truncated)."""
    value = Decimal(str(claim.value))
    unit = last_digit_unit(
        value / scale_of(claim.figure.number), decimal_places(claim.figure.number)
    )
    unit *= scale_of(claim.figure.number)
    high = _hi(claim)
    return min(_lo(claim), value - unit), (max(high, value + unit) if high is not None else None)


def _body_repeats(
    body: list[Claim], members: set[tuple[str, str]]
) -> Iterator[tuple[Claim, Claim]]:
    """Pairs of body figures with one specific measure, unit, period, place and comparison,
    never a total and its own part: keyed, so the work is linear in the figures."""
    groups: dict[tuple[object, ...], list[Claim]] = {}
    for claim in body:
        measure = clean(claim.measure or "")
        if len(measure) < _GENERIC_MEASURE_LENGTH or claim.figure.direction:
            continue
        key = (
            measure,
            claim.kind,
            claim.unit,
            claim.period_value or claim.period,
            claim.comparison,
        )
        groups.setdefault(key, []).append(claim)
    for claims in groups.values():
        first = claims[0]
        for second in claims[1:]:
            if second.sentence == first.sentence or (first.id, second.id) in members:
                continue
            if (first.period_value is None) != (second.period_value is None):
                continue  # one dated, one not: 三季度 against 前三季度 is two scopes
            if _same_context(first, second):
                yield first, second
                break


# --- percent range ---------------------------------------------------------------------------


@register_check("percent_range")
def check_percent_range(ctx: CheckContext) -> Iterator[Finding]:
    """A share (占, 比重) lies in 0–100%; a decrease cannot exceed 100%."""
    for claim in ctx.numeric:
        if claim.unit != "%" or claim.kind not in ("percent", "percent_change"):
            continue
        low = _lo(claim)
        before = ctx.norm[max(claim.sentence.start, claim.start - 10) : claim.start]
        is_share = bool(_SHARE_CONTEXT.search(before))
        if claim.kind == "percent" and is_share and low > 100:
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
    # A month-day without its year (--02-29) is checked against a leap year.
    return (
        int(year) if year != "-" else 2000,
        int(month) if month else None,
        int(day) if day else None,
    )


def _date_problem(year: int, month: int | None, day: int | None) -> str | None:
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"month {month} has {last} days"
    return None


@register_check("date_validity")
def check_date_validity(ctx: CheckContext) -> Iterator[Finding]:
    """Every date exists on the calendar (no 2月31日, no 13月)."""
    for claim in ctx.claims:
        if claim.kind != "date":
            continue
        for value in str(claim.value).split("/"):
            parts = _date_parts(value)
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
    """Two dates of one sentence linked by 经…于 / 随后 / 之后 run forward in time."""
    dated = [
        (c, p)
        for c in ctx.claims
        if c.kind == "date"
        and not c.extra.get("baseline")
        and "/" not in str(c.value)
        and not str(c.value).startswith("-")
        and (p := _date_parts(c.value)) is not None
        and _date_problem(*p) is None
    ]
    for (first, a), (second, b) in pairwise(dated):
        gap = ctx.norm[first.end : second.start]
        # 于 counts only right before the later date (减刑于2013年6月): 高于5月, 位于 are other words.
        narrated = gap.endswith("于") and gap[-2:-1] not in _NOT_BEFORE_YU
        if second.sentence != first.sentence or not (_SEQUENCE.search(gap) or narrated):
            continue
        if _NOT_NARRATIVE.search(gap) or _NOT_NARRATIVE.search(
            ctx.norm[max(second.sentence.start, first.start - 3) : first.start]
        ):
            continue  # 曾于, 将于, 以来, 同比: background, plans and comparisons are not a sequence
        yield judged(
            "date_order",
            _precedes(b, a),
            [first.id, second.id],
            f"{second.text} comes after {first.text} in the story but before it in time",
            f"{first.text} then {second.text}: in order",
        )
