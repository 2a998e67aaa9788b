"""Relation frames between the figures of one text: totals and their parts, changes, shares.

A frame is what the text itself says about how figures relate (其中, 合计, 由A增至B, 增长p%, 占);
the checks in checks.py test its arithmetic. Frames are found per sentence, in one pass over the
claims, so the work is linear in the text.

- Total and parts: only additive figures (counts, money) of one unit; a subgroup's growth rate
  after 其中 is never a part of the total's rate. Each frame is exhaustive (合计, 其余, 分为,
  complementary categories such as 男/女 or 出口/进口, a known taxonomy), partial (等, 主要) or
  unknown.
- Change: 由/从 A 到/至 B, with a rate (增长p%), an amount (增加D) or a multiple (增长n倍, 是…的n倍)
  stated beside them; 增加D … 增长p% with the new value; two rates and the 个百分点 between them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from .claims import Claim, Sentence
from .lexicons import words

ADDITIVE_KINDS = ("count", "money")
PERSON_UNITS = {"人", "名", "位"}

_PARTS_CUE = re.compile(r"其中|包括|包含|含|涵盖|分别是|分为|分成|有")
_SUM_CUE = re.compile(
    r"(?:(?:共计|合计|总计|一共|总共)[\u4e00-\u9fff]{0,6}?|共)(?:为|达|是|有|计|约|达到)?$"
)
_SUM_AFTER = re.compile(r"^(?:的)?(?:总成绩|总和|总计|合计|总数)")
_TOTAL_CUE = re.compile(r"(?:共|共计|总计|合计)[\u4e00-\u9fff]{0,4}$|总数为$|总人数为$")
_CHANGE_AMOUNT = re.compile(r"比|较|同比|环比")
_EXHAUSTIVE = re.compile(r"分为|分成|组成|全部|均为|其余|其他|另有|另外|剩余|余下")
_PARTIAL = re.compile(r"等|主要|为主|部分|一些|多个|若干|以上")
_NESTING = re.compile(r"包括|其中|含")
_CLAUSE = re.compile(r"[,，;；:：]")
# 从A下降到了B, 由2014年的A增至2023年的B: the gap between A and B.
_FROM_TO = re.compile(r"^[^,，。;；]{0,12}?(?:到|至|为|成)了?[^,，。;；]{0,8}$")
_FROM = re.compile(r"[由从][^,，。;；]{0,9}$")
_UP_VERB = re.compile(r"增加|增长|上升|提高|提升|扩大|增|升|涨|攀升|跃升")
_DOWN_VERB = re.compile(r"减少|下降|降低|回落|缩小|下滑|降|减|跌")


@dataclass
class TotalParts:
    """A total and the parts the text lists for it; `exhaustive` is True, False or None (unknown)."""

    total: Claim
    parts: list[Claim]
    exhaustive: bool | None
    cue: str


@dataclass
class Change:
    """A change between two stated values, with the rate, amount or multiple the text gives."""

    start: Claim
    end: Claim
    rate: Claim | None = None
    amount: Claim | None = None
    multiple: Claim | None = None
    direction: str | None = None  # the verb between them: 由A增至B is up
    times: bool = False  # B是A的n倍: B = n·A (not 增长n倍)


@dataclass
class RateChange:
    """Two rates and the percentage points between them: 由5.1%提高到6.3%，提高1.2个百分点."""

    start: Claim
    end: Claim
    points: Claim


@dataclass
class ImpliedBase:
    """A new value, the amount it rose or fell by, and the rate: 达120亿元，增加20亿元，增长20%."""

    new: Claim
    amount: Claim
    rate: Claim


@dataclass
class Share:
    """A part, its total and the share the text gives: 5G用户6.51亿户，占移动电话用户的38.1%."""

    part: Claim
    total: Claim
    share: Claim


@dataclass
class Frames:
    """Every frame found in one text."""

    totals: list[TotalParts] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    rate_changes: list[RateChange] = field(default_factory=list)
    implied: list[ImpliedBase] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)

    def members(self) -> set[tuple[str, str]]:
        """Pairs of claim ids that sit in one total–parts frame (a total and its part)."""
        pairs: set[tuple[str, str]] = set()
        for frame in self.totals:
            ids = [frame.total.id] + [p.id for p in frame.parts]
            pairs.update((a, b) for a in ids for b in ids if a != b)
        return pairs


def units_match(a: Claim, b: Claim) -> bool:
    """Same kind and unit (人, 名 and 位 count the same people)."""
    if a.kind != b.kind:
        return False
    return a.unit == b.unit or {a.unit, b.unit} <= PERSON_UNITS


def by_sentence(claims: Iterable[Claim]) -> dict[int, list[Claim]]:
    """Claims grouped by the start offset of their sentence, in text order."""
    groups: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[claim.sentence.start].append(claim)
    return groups


def find_frames(norm: str, claims: list[Claim], sentences: list[Sentence]) -> Frames:
    """The relation frames of a text: totals and parts, changes, rate changes."""
    numeric = [c for c in claims if c.checkworthy and isinstance(c.value, Decimal)]
    grouped = by_sentence(numeric)
    frames = Frames()
    previous: list[Claim] = []
    for sentence in sentences:
        here = grouped.get(sentence.start, [])
        if here:
            frames.totals.extend(_totals(norm, sentence, here, previous))
            frames.changes.extend(_changes(norm, here))
            frames.changes.extend(_times(norm, here, previous))
            frames.rate_changes.extend(_rate_changes(norm, here))
            frames.rate_changes.extend(_rate_gaps(norm, here, previous))
            frames.implied.extend(_implied(norm, here))
            previous = here
    frames.shares = list(_shares(norm, frames.totals, numeric))
    return frames


# --- totals and parts ------------------------------------------------------------------------


def is_additive(norm: str, claim: Claim) -> bool:
    """A stock of things that parts add up to: a count or money, not a length, an age, a range,
    an average (平均每个集聚区6.39万人次) or a rate."""
    if claim.kind not in ADDITIVE_KINDS or claim.unit in _NOT_ADDITIVE or claim.figure.value_max:
        return False
    clause = _CLAUSE.split(norm[max(claim.sentence.start, claim.start - 40) : claim.start])[-1]
    return not _AVERAGE.search(clause)


_NOT_ADDITIVE = {"毫米", "厘米", "米", "千米", "公里", "度", "岁", "级", "分", "光年", "海里"}
_AVERAGE = re.compile(r"平均|人均|日均|户均|每|均")


def _totals(
    norm: str, sentence: Sentence, here: list[Claim], previous: list[Claim]
) -> Iterator[TotalParts]:
    additive = [c for c in here if is_additive(norm, c)]
    if not additive:
        return
    found = list(_parts_after_cue(norm, sentence, additive, previous))
    if not found:
        found = list(_parts_after_total(norm, sentence, additive))
    if not found:
        found = list(_complementary_parts(norm, additive, previous))
    yield from found
    yield from _parts_then_sum(norm, sentence, additive)


def _parts_after_cue(
    norm: str, sentence: Sentence, additive: list[Claim], previous: list[Claim]
) -> Iterator[TotalParts]:
    """共打掉128个，其中A 13个、B 31个 …; 在128个团伙中，A 13个 …; a 其中 that opens a sentence."""
    text = norm[sentence.start : sentence.end]
    used_end = sentence.start
    for cue in _PARTS_CUE.finditer(text):
        at = sentence.start + cue.start()
        if cue.group(0) == "有" and not re.search(r"中[,，]?$", text[: cue.start()]):
            continue  # 有 marks parts only after "在N个X中"
        before = [c for c in additive if c.end <= at and not _is_change_amount(norm, c)]
        if not before and cue.start() <= 2:
            before = [
                c for c in previous if is_additive(norm, c) and not _is_change_amount(norm, c)
            ]
        after = [c for c in additive if c.start >= at]
        if not before or not after or _after_a_list(norm, before, at):
            continue
        total = next((c for c in reversed(before) if units_match(c, after[0])), None)
        if total is None:
            continue
        parts = [c for c in after if units_match(c, total)]
        parts = _same_clause_run(norm, parts)
        parts = [p for p in parts if p.start >= used_end]
        if not parts:
            continue
        parts = _without_separate_first(norm, total, parts)
        yield from _nested(norm, total, parts, cue.group(0), at)
        used_end = parts[-1].end  # a later cue lists other things (其中 陆域… after 包括 …个)


def _same_clause_run(norm: str, parts: list[Claim]) -> list[Claim]:
    """Parts up to the first change amount (比上年增加9公斤 is not a part)."""
    kept: list[Claim] = []
    for part in parts:
        if _is_change_amount(norm, part):
            break
        kept.append(part)
    return kept


def _complementary_parts(
    norm: str, additive: list[Claim], previous: list[Claim]
) -> Iterator[TotalParts]:
    """进出口总值3.81万亿元。出口2.28万亿元…；进口1.53万亿元: complementary parts of the total just
    before them (in this sentence or the last), named so that the total's name holds them all."""
    latest: dict[tuple[str, str | None], Claim] = {}  # the last stock of each kind and unit
    for claim in previous:
        if is_additive(norm, claim):
            latest[(claim.kind, _unit_class(claim))] = claim
    for i in range(len(additive) - 1):
        first = additive[i]
        total = latest.get((first.kind, _unit_class(first)))
        latest[(first.kind, _unit_class(first))] = first
        if total is None:
            continue
        for size in _complement_sizes():
            parts = [c for c in additive[i : i + size] if units_match(c, first)]
            group = _complement_of(_short_labels(norm, parts)) if len(parts) == size else None
            if group is None:
                continue
            name = _label_before(norm, total, max(0, total.start - 16)) + (total.measure or "")
            if "总" in name or all(word[0] in name for word in group):
                yield TotalParts(total, parts, True, "complement")
                return


def _unit_class(claim: Claim) -> str | None:
    return "人" if claim.unit in PERSON_UNITS else claim.unit


def _without_separate_first(norm: str, total: Claim, parts: list[Claim]) -> list[Claim]:
    """包括已设立的5个，陆域44个、陆海统筹2个、海域3个: a lone part before a 、 list is another
    cut of the same total; the list is the breakdown when only it fits within the total."""
    if len(parts) < 3 or "、" not in norm[parts[1].end : parts[2].start]:
        return parts
    gap = norm[parts[0].end : parts[1].start]
    if not re.search(r"[,，]", gap) or _NESTING.search(gap):
        return parts  # 运动员439人，包括男运动员…: a nested list, not another cut
    total_high = total.figure.high if total.figure.high is not None else total.value
    lows = [p.figure.low if p.figure.low is not None else p.value for p in parts]
    numeric = isinstance(total_high, Decimal) and all(isinstance(v, Decimal) for v in lows)
    if numeric and sum(lows) > total_high >= sum(lows[1:]):  # type: ignore[arg-type, operator]
        return parts[1:]
    return parts


def _is_change_amount(norm: str, claim: Claim) -> bool:
    """比上年增加9公斤: a figure that is the size of a change, not a stock of things."""
    if not claim.figure.direction:
        return False
    clause = _CLAUSE.split(norm[max(claim.sentence.start, claim.start - 40) : claim.start])[-1]
    return bool(_CHANGE_AMOUNT.search(clause))


def _after_a_list(norm: str, before: list[Claim], at: int) -> bool:
    # 包括4个A、1个B和3个C，其中A…: a 其中 after a list speaks of one item, not of the last.
    if len(before) < 2:
        return False
    a, b = before[-2], before[-1]
    if not units_match(a, b):
        return False
    gap = norm[a.end : b.start]
    return (
        bool(re.search(r"[、和及]", gap)) and not re.search(r"[,，;；]", gap) and at - b.end <= 16
    )


def _parts_after_total(
    norm: str, sentence: Sentence, additive: list[Claim]
) -> Iterator[TotalParts]:
    """机上共载有18人，造成12人遇难，5人受伤，另有1人失踪: a 共 total and the counts that follow it."""
    for i, total in enumerate(additive):
        if not _TOTAL_CUE.search(norm[max(sentence.start, total.start - 6) : total.start]):
            continue
        parts = [
            c for c in additive[i + 1 :] if units_match(c, total) and not _is_change_amount(norm, c)
        ]
        if len(parts) >= 2:
            exhaustive = _exhaustive(norm, total, parts)
            if exhaustive:  # without 其中, only a list the text closes (另有, 其余) is a breakdown
                yield TotalParts(total, parts, exhaustive, "total")
            return


def _nested(norm: str, total: Claim, parts: list[Claim], cue: str, at: int) -> Iterator[TotalParts]:
    """The top list, and each 包括 / 其中 list inside it as a frame of its own."""
    top: list[Claim] = []
    subs: list[TotalParts] = []
    sub: TotalParts | None = None
    previous_end = at
    for part in parts:
        gap = norm[previous_end : part.start]
        continues = sub is not None and not re.search(r"[;；。]", gap) and not _new_item(gap)
        if (
            sub is not None
            and not _NESTING.search(gap)
            and (continues or _refines(norm, sub.total, part, previous_end))
        ):
            sub.parts.append(part)
        elif top and (_NESTING.search(gap) or _refines(norm, top[-1], part, previous_end)):
            sub = TotalParts(top[-1], [part], None, "nested")
            subs.append(sub)
        else:
            sub = None
            top.append(part)
        previous_end = part.end
    if len(top) >= 1 and not (len(top) == 1 and not subs and cue == "其中"):
        yield TotalParts(total, top, _exhaustive(norm, total, top), cue)
    elif len(top) == 1:
        yield TotalParts(total, top, None, cue)
    for frame in subs:
        frame.exhaustive = _exhaustive(norm, frame.total, frame.parts)
        yield frame


def _refines(norm: str, upper: Claim, part: Claim, previous_end: int) -> bool:
    """女运动员437人 after 运动员886人: a part whose name narrows the previous part's name."""
    upper_label = _label_before(norm, upper, upper.sentence.start)
    label = _label_before(norm, part, previous_end)
    return len(upper_label) >= 2 and label.endswith(upper_label) and len(label) > len(upper_label)


def _label_before(norm: str, claim: Claim, since: int) -> str:
    """The words right before a figure, after the last comma or cue: 其中运动员439人 → 运动员."""
    text = _CLAUSE.split(norm[max(since, claim.start - 12) : claim.start].replace("、", ","))[-1]
    return re.sub(r"^(?:其中|包括|包含|含|有|分别为|分别是)", "", text)


def _new_item(gap: str) -> bool:
    # 包括男运动员221人、女运动员218人；教练员284人: after ；the list goes back up a level.
    return bool(re.search(r"[,，][^、]*(?:员|人员|企业|单位)", gap)) and "、" not in gap


def _parts_then_sum(norm: str, sentence: Sentence, additive: list[Claim]) -> Iterator[TotalParts]:
    """A 3个、B 5个，共计8个: parts first, then the sum."""
    for i, total in enumerate(additive):
        before = norm[max(sentence.start, total.start - 12) : total.start]
        after = norm[total.end : total.end + 4]
        if i < 2 or not (_SUM_CUE.search(before) or _SUM_AFTER.search(after)):
            continue
        parts = [c for c in additive[:i] if units_match(c, total)]
        # Only the run of parts right before the sum, joined by 、，和.
        run: list[Claim] = []
        for part in reversed(parts):
            gap = norm[part.end : (run[0].start if run else total.start)]
            if re.search(r"[。;；]", gap) or len(gap) > 24:
                break
            run.insert(0, part)
        if len(run) >= 2:
            yield TotalParts(total, run, True, "sum")


def _labels(norm: str, total: Claim, parts: list[Claim]) -> list[tuple[str, str]]:
    """The words that name each part: before it (出口17.44万亿元) and, failing that, after it
    (13个黑社会性质组织), up to the next figure or clause."""
    labels = []
    previous_end = total.end
    for i, part in enumerate(parts):
        before = _CLAUSE.split(norm[previous_end : part.start].replace("、", ","))[-1]
        stop = parts[i + 1].start if i + 1 < len(parts) else part.end + 8
        after = re.split(r"[,，、;；。]", norm[part.end : min(stop, part.end + 12)])[0]
        labels.append((before, after))
        previous_end = part.end
    return labels


@lru_cache(maxsize=1)
def _complements() -> list[tuple[str, ...]]:
    sets = []
    for line in words("complements"):
        sets.append(tuple(line.split("/")))
    return sets


def _exhaustive(norm: str, total: Claim, parts: list[Claim]) -> bool | None:
    """True when the text presents the parts as the whole, False when as a selection, else None."""
    span = norm[total.end : parts[-1].end + 6]
    labels = _labels(norm, total, parts)
    if _covers_complement(labels):
        return True
    if _EXHAUSTIVE.search(span):
        return True
    if _PARTIAL.search(norm[parts[-1].end : parts[-1].end + 3]) or _PARTIAL.search(
        norm[total.end : parts[0].start]
    ):
        return False
    return None


def _short_labels(norm: str, parts: list[Claim]) -> list[tuple[str, str]]:
    """Each part's name from a few characters around it (bounded: parts far from their total)."""
    return [
        (
            _label_before(norm, p, max(0, p.start - 12)),
            re.split(r"[,，、;；。]", norm[p.end : p.end + 12])[0],
        )
        for p in parts
    ]


@lru_cache(maxsize=1)
def _complement_sizes() -> tuple[int, ...]:
    return tuple(sorted({len(group) for group in _complements()}))


def _covers_complement(labels: list[tuple[str, str]]) -> bool:
    """The parts' labels are exactly one set of complementary categories (男/女, 出口/进口)."""
    return _complement_of(labels) is not None


def _complement_of(labels: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """The set of complementary categories the parts' labels are exactly, if any."""
    for group in _complements():
        if len(group) != len(labels):
            continue
        remaining = list(group)
        for before, after in labels:
            hit = next((g for g in remaining if g in before), None) or next(
                (g for g in remaining if g in after), None
            )
            if hit is None:
                break
            remaining.remove(hit)
        if not remaining:
            return group
    return None


def _shares(norm: str, totals: list[TotalParts], numeric: list[Claim]) -> Iterator[Share]:
    """A share written right after a part of a total frame (…6.51亿户，占…的38.1% / 占比近两成)."""
    following = {c.start: c for c in numeric if c.kind == "percent"}
    starts = sorted(following)
    for frame in totals:
        for part in frame.parts:
            index = bisect_left(starts, part.end)
            if index == len(starts) or starts[index] - part.end > 16:
                continue
            share = following[starts[index]]
            written = _SHARE_GAP.match(norm[part.end : share.start])
            if written is None:
                continue  # 外地籍人员占3成: the share of another subject
            whole = written.group("whole")
            name = _label_before(norm, frame.total, frame.total.sentence.start) + (
                frame.total.measure or ""
            )
            if whole and whole not in name:
                continue  # 占全国的39%: a share of another whole
            yield Share(part, frame.total, share)


_SHARE_GAP = re.compile(
    r"^[,，]?\s*约?占(?:比|(?P<whole>[^,，。;；、]{1,10}?)的)?(?:为|达|约|近|超)?$"
)


# --- changes ---------------------------------------------------------------------------------


def _changes(norm: str, here: list[Claim]) -> Iterator[Change]:
    """由/从 A … 到/至 B, with the rate, amount or multiple the same sentence gives after B."""
    for a, b in pairwise(here):
        if not units_match(a, b) or a.kind not in (*ADDITIVE_KINDS, "percent"):
            continue
        gap = norm[a.end : b.start]
        lead = norm[max(a.sentence.start, a.start - 10) : a.start]
        if not (_FROM.search(lead) and _FROM_TO.search(gap)):
            continue
        change = Change(a, b, direction=_verb_direction(gap))
        for other in here:
            if other.start < b.end or not _attached(norm, b, other):
                continue
            if other.kind == "percent_change" and other.unit == "%" and a.kind != "percent":
                change.rate = change.rate or other
            elif other.unit in ("倍", "番"):
                change.multiple = change.multiple or other
            elif units_match(other, a) and other.figure.direction:
                change.amount = change.amount or other
        yield change


_TIMES = re.compile(r"[,，]?(?:是|为|相当于)(?P<name>[\u4e00-\u9fff]{2,8})的$")


def _times(norm: str, here: list[Claim], previous: list[Claim]) -> Iterator[Change]:
    """总申购金额162亿欧元，是发行金额的8.1倍: B = n × A, A named by what it is (发行 … 20亿欧元)."""
    for i, multiple in enumerate(here):
        if multiple.unit != "倍" or i == 0:
            continue
        b = here[i - 1]
        named = _TIMES.search(norm[b.end : multiple.start])
        if not named or b.kind not in ADDITIVE_KINDS:
            continue
        name = set(named.group("name")) - set("的金额总量数")
        for a in reversed(previous + here[: i - 1]):
            context = set(norm[max(0, a.start - 8) : a.start])
            if units_match(a, b) and len(name & context) >= 2:
                yield Change(a, b, multiple=multiple, times=True)
                break


def _attached(norm: str, end: Claim, other: Claim) -> bool:
    """A rate or amount that speaks of the change just stated: right after it, in its clause or
    the next one, and not an average (年均增长) or another subject's (可再生能源…增长2.1倍)."""
    gap = norm[end.end : other.start]
    if len(gap) > 14 or len(re.findall(r"[,，]", gap)) > 1 or re.search(r"[;；。、]", gap):
        return False
    return not re.search(r"年均|平均|其中|分别", gap)


def _verb_direction(gap: str) -> str | None:
    down, up = _DOWN_VERB.search(gap), _UP_VERB.search(gap)
    if bool(up) == bool(down):
        return None
    return "up" if up else "down"


def _rate_changes(norm: str, here: list[Claim]) -> Iterator[RateChange]:
    """由5.1%提高到6.3%，提高1.2个百分点."""
    for a, b in pairwise(here):
        if a.unit != "%" or b.unit != "%" or not _FROM.search(norm[max(0, a.start - 10) : a.start]):
            continue
        if not _FROM_TO.search(norm[a.end : b.start]):
            continue
        points = next((c for c in here if c.start >= b.end and c.unit == "pp"), None)
        if points is not None:
            yield RateChange(a, b, points)


_GAP = re.compile(
    r"(?P<x>[\u4e00-\u9fff]{1,6}?)(?:增速|增幅|增长)?(?P<cmp>快于|高于|低于|慢于)"
    r"(?P<y>[\u4e00-\u9fff]{1,6}?)(?:增速|增幅)?(?:了)?$"
)


def _rate_gaps(norm: str, here: list[Claim], previous: list[Claim]) -> Iterator[RateChange]:
    """进口增速快于出口8个百分点: the points between two rates stated before, found by their names."""
    for points in (c for c in here if c.unit == "pp"):
        clause = _CLAUSE.split(norm[max(points.sentence.start, points.start - 40) : points.start])[
            -1
        ]
        found = _GAP.search(clause)
        if not found:
            continue
        rates = [c for c in previous + here if c.unit == "%" and c.end <= points.start]
        x = _named_rate(norm, rates, found.group("x"))
        y = _named_rate(norm, rates, found.group("y"))
        if x is None or y is None or x is y:
            continue
        higher, lower = (x, y) if found.group("cmp") in ("快于", "高于") else (y, x)
        yield RateChange(lower, higher, points)


def _named_rate(norm: str, rates: list[Claim], name: str) -> Claim | None:
    """The latest rate whose clause names `name` (出口17.44万亿元，增长14% is 出口's rate)."""
    for rate in reversed(rates):
        window = norm[max(rate.sentence.start, rate.start - 16) : rate.start]
        if name in re.split(r"[;；。]", window)[-1]:
            return rate
    return None


def _implied(norm: str, here: list[Claim]) -> Iterator[ImpliedBase]:
    """达B，(比上年)增加D，增长p%: the base is B − D, and D / (B − D) must be p."""
    for i, new in enumerate(here):
        if new.kind not in ADDITIVE_KINDS or new.figure.direction:
            continue
        rest = here[i + 1 : i + 4]
        amount = next(
            (c for c in rest if units_match(c, new) and c.figure.direction in ("up", "down")), None
        )
        if amount is None or re.search(r"[。;；]", norm[new.end : amount.start]):
            continue
        rate = next(
            (
                c
                for c in rest
                if c.start > amount.start and c.kind == "percent_change" and c.unit == "%"
            ),
            None,
        )
        if rate is None or rate.figure.direction != amount.figure.direction:
            continue
        if re.search(r"[。;；]|其中", norm[new.end : rate.start]):
            continue
        yield ImpliedBase(new, amount, rate)
