"""Periods by scope: the time a figure is about, inherited from its clause, sentence, paragraph,
the title and last the publication date.

Three kinds: a calendar period (2019-Q1, 2018, 2019-01/2019-11), a cumulative period from a start
(a date, a campaign, or unknown) to an as-of date (截至3月底, 专项斗争开展以来, 一年多来, 累计), and
"published" when nothing in the text dates the figure. A comparison base (较去年一季度, 同比) is
kept apart: it is what the figure is compared with, not its period.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass

CALENDAR, CUMULATIVE, PUBLISHED = "calendar", "cumulative", "published"
_PERIOD_VALUE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?(?:-(\d{2}))?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_BASE_BEFORE = re.compile(r"(?:较|比|与|同|相比|相较|对比)$")
_BASE_AFTER = re.compile(r"^(?:同期)?(?:相比|相较|比较)")
_SAME_PERIOD = re.compile(r"^同期")
_AS_OF_BEFORE = re.compile(r"(?:截至|截止|截止到|截至到)$")
_SINCE_AFTER = re.compile(r"^(?:开展|启动|实施|开始)?(?:以来|来|的时间里?|时间里)")
_NOW = re.compile(r"(?:截至|截止到?|截至到)(?:目前|现在|今天|当前|日前|发稿时|记者发稿时)")
_MONTH_END = re.compile(r"(?:截至|截止到?)(\d{1,2})月(?:底|末|份)?")
_CAMPAIGN = re.compile(
    r"([\u4e00-\u9fff]{2,10}?)(?:开展|启动|实施|部署|开始)"
    r"(?:[一二两三四五六七八九十百\d]+(?:个)?(?:年|月)多?)?(?:以来|来)"
)
_YEAR_START = re.compile(r"(今年|本年|年初|去年)(?:以来)")
_TOTAL = re.compile(r"累计")
_TOPIC_BEFORE = re.compile(r"(?:^|[。！？!?\n])[在于从自]?$")
_TOPIC_AFTER = re.compile(r"^(?:以来|来)?[,，]")
_SAME_PERIOD_CHANGE = re.compile(r"同比")


@dataclass(frozen=True)
class Period:
    """When a figure holds: its kind, calendar value or cumulative start, as-of date, and words."""

    kind: str
    value: str | None = None  # calendar: 2019-Q1; cumulative: the start (2019, 专项斗争) if known
    as_of: str | None = None  # cumulative and published: the last day it counts
    text: str = ""
    scope: str = ""  # clause | sentence | paragraph | title | published

    @property
    def key(self) -> str | None:
        """What is stored as the period: 2019-Q1, "since 专项斗争", "cumulative" (None: unstated)."""
        if self.kind == CALENDAR:
            return self.value
        if self.kind == CUMULATIVE:
            return f"since {self.value}" if self.value else "cumulative"
        return None

    def describe(self) -> str:
        """For a why: 2019-Q1, since 专项斗争 as of 2019-03-05, unstated."""
        if self.kind == CUMULATIVE:
            since = f"since {self.value}" if self.value else "cumulative"
            return f"{since} as of {self.as_of}" if self.as_of else since
        return self.key or "unstated"


@dataclass(frozen=True)
class _Mark:
    """A time expression in the text, by offsets."""

    start: int
    end: int
    period: Period | None  # None for a base
    base: str | None = None
    same_period: bool = False  # 去年同期: the base is the period a year before


@dataclass
class Scope:
    """Where a figure sits: its sentence span, paragraph number, and the title's span."""

    sentence_start: int
    paragraph_start: int
    title: tuple[int, int] | None


class PeriodReader:
    """The time expressions of one text, read once, and the period and base of any figure in it."""

    def __init__(self, norm: str, dates: list[tuple[int, int, str, str]], published: str | None):
        """dates: (start, end, kind, value) of the text's date and duration figures."""
        self.norm = norm
        self.published = published
        marks = [m for d in dates if (m := self._mark(*d)) is not None]
        marks += self._word_marks(marks)
        self.marks = sorted(marks, key=lambda m: m.start)
        self._starts = [m.start for m in self.marks]

    def title_period(self) -> Period | None:
        """The period a whole text (a title given apart from its body) names, if any."""
        return self._nearest(self.marks, "title")

    def period_for(
        self, at: int, scope: Scope, title: Period | None = None
    ) -> tuple[Period, str | None]:
        """The period of a figure at offset `at`, and its comparison base (if any)."""
        in_sentence = self._between(scope.sentence_start, at)
        base_mark = next((m for m in reversed(in_sentence) if m.period is None), None)
        period = (
            self._nearest(in_sentence, "sentence")
            or self._from_base(base_mark, at)
            or self._nearest(
                [
                    m
                    for m in self._between(scope.paragraph_start, scope.sentence_start)
                    if self._heads_sentence(m)
                ],
                "paragraph",
            )
            or self._in_title(scope)
            or title
            or Period(PUBLISHED, None, self.published, "", "published")
        )
        if period.kind == CUMULATIVE and period.as_of is None:
            period = Period(CUMULATIVE, period.value, self.published, period.text, period.scope)
        base = base_mark.base if base_mark else None
        year_on_year = base_mark is not None and base_mark.same_period
        year_on_year |= base is None and bool(
            # 同比 sits near its figure: a bounded window keeps long sentences linear.
            _SAME_PERIOD_CHANGE.search(self.norm[max(scope.sentence_start, at - 80) : at])
        )
        if year_on_year and period.kind == CALENDAR and period.value:
            base = shift_years(period.value, -1)  # 同比, 较去年同期: the same months a year before
        return period, base

    def _from_base(self, mark: _Mark | None, at: int) -> Period | None:
        """与去年一季度相比…同比下降: the period is the base's, a year on."""
        if mark is None or not mark.base:
            return None
        if not (mark.same_period or _SAME_PERIOD_CHANGE.search(self.norm[mark.end : at])):
            return None
        text = self.norm[mark.start : mark.end]
        return Period(CALENDAR, shift_years(mark.base, 1), None, text, "sentence")

    def _heads_sentence(self, mark: _Mark) -> bool:
        """今年一季度，… / 截至目前，…: a time that opens its sentence holds for the paragraph;
        one inside a sentence (于2013年6月刑满释放) is an event's."""
        before = self.norm[max(0, mark.start - 2) : mark.start]
        return bool(_TOPIC_BEFORE.search(before) and _TOPIC_AFTER.match(self.norm[mark.end :]))

    def _in_title(self, scope: Scope) -> Period | None:
        if scope.title is None or scope.title[0] >= scope.paragraph_start:
            return None
        return self._nearest(self._between(*scope.title), "title")

    # --- reading marks ----------------------------------------------------------------------------

    def _mark(self, start: int, end: int, kind: str, value: str) -> _Mark | None:
        before = self.norm[max(0, start - 3) : start]
        after = self.norm[end : end + 6]
        if kind == "duration":
            since = _SINCE_AFTER.match(after)  # 一年多来
            return _Mark(start, end + since.end(), Period(CUMULATIVE)) if since else None
        if kind != "date" or not value:
            return None
        if _BASE_BEFORE.search(before) or _BASE_AFTER.match(after):
            return _Mark(start, end, None, value, bool(_SAME_PERIOD.match(after)))
        if _AS_OF_BEFORE.search(before):
            word = _AS_OF_BEFORE.search(before)
            assert word is not None
            return _Mark(
                start - len(word.group()), end, Period(CUMULATIVE, None, period_end(value))
            )
        since = _SINCE_AFTER.match(after)
        if since:
            return _Mark(start, end + since.end(), Period(CUMULATIVE, value.split("/")[0]))
        if not is_calendar(value):
            return None  # a single day is an event's date, not a period
        return _Mark(start, end, Period(CALENDAR, value))

    def _word_marks(self, found: list[_Mark]) -> list[_Mark]:
        """Cumulative words the figures do not carry: campaigns, 今年以来, 截至目前, 累计."""
        taken = [(m.start, m.end) for m in found]
        year = self.published[:4] if self.published else None
        marks: list[_Mark] = []
        # A campaign may overlap the duration in it (开展一年多来): both are kept, the start
        # comes from the campaign and the nearest mark is the duration's.
        campaigns = [
            _Mark(m.start(), m.end(), Period(CUMULATIVE, m.group(1)[-4:]))
            for m in _CAMPAIGN.finditer(self.norm)
        ]
        for match in _YEAR_START.finditer(self.norm):
            start = shift_years(year, -1) if year and match.group(1) == "去年" else year
            marks.append(_Mark(match.start(), match.end(), Period(CUMULATIVE, start)))
        for match in _NOW.finditer(self.norm):
            marks.append(
                _Mark(match.start(), match.end(), Period(CUMULATIVE, None, self.published))
            )
        for match in _MONTH_END.finditer(self.norm):
            if year and 1 <= int(match.group(1)) <= 12:
                end = period_end(f"{year}-{int(match.group(1)):02d}")
                marks.append(_Mark(match.start(), match.end(), Period(CUMULATIVE, None, end)))
        for match in _TOTAL.finditer(self.norm):
            marks.append(_Mark(match.start(), match.end(), Period(CUMULATIVE)))

        def free(mark: _Mark) -> bool:
            return not any(s < mark.end and mark.start < e for s, e in taken)

        kept: list[_Mark] = []
        for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
            if free(mark):
                kept.append(mark)
                taken.append((mark.start, mark.end))
        return kept + campaigns

    # --- choosing -------------------------------------------------------------------------------

    def _between(self, start: int, end: int) -> list[_Mark]:
        lo = bisect_right(self._starts, start - 1)
        hi = bisect_right(self._starts, end - 1)
        return [m for m in self.marks[lo:hi] if m.end <= end]

    def _nearest(self, marks: list[_Mark], scope: str) -> Period | None:
        """The last period before the figure; a cumulative one gathers its start and as-of date
        from the other cumulative marks of the scope; a bare 累计 inside a calendar period is it."""
        periods = [(m, m.period) for m in marks if m.period is not None]
        if not periods:
            return None
        last, period = periods[-1]
        if period.kind == CUMULATIVE:
            start, as_of = period.value, period.as_of
            inside: tuple[_Mark, Period] | None = None
            for other, p in reversed(periods[:-1]):
                if p.kind == CUMULATIVE:
                    start, as_of = start or p.value, as_of or p.as_of
                elif inside is None:
                    inside = (other, p)
            if start is None and as_of is None and inside is not None:
                last, period = inside
            else:
                period = Period(CUMULATIVE, start, as_of)
        text = self.norm[last.start : last.end]
        return Period(period.kind, period.value, period.as_of, text, scope)


def is_calendar(value: str) -> bool:
    """2019, 2019-Q1, 2019-03 and ranges of them are periods; a day (2019-03-08) is not."""
    parts = value.split("/")
    return all((m := _PERIOD_VALUE.match(p)) is not None and m.group(3) is None for p in parts)


def shift_years(value: str, years: int) -> str:
    """2018-Q1 → 2019-Q1 (years=1); every four-digit year in the value moves."""
    return _YEAR.sub(lambda m: str(int(m.group(1)) + years), value)


def period_end(value: str | None) -> str | None:
    """The last day of a period value (2019-Q1 → 2019-03-31, 2018 → 2018-12-31), if it is one."""
    if not value:
        return None
    match = _PERIOD_VALUE.match(value.split("/")[-1])
    if match is None:
        return None
    year, part, day = match.groups()
    if day:
        return f"{year}-{part}-{day}"
    if part is None:
        return f"{year}-12-31"
    month = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}.get(part) or int(part)
    return f"{year}-{month:02d}-{calendar.monthrange(int(year), month)[1]:02d}"


def starts_compatible(a: str | None, b: str | None) -> bool:
    """Two cumulative starts are one when either is unknown or one names the other
    (专项斗争 and 扫黑除恶专项斗争)."""
    return not a or not b or a == b or a.endswith(b) or b.endswith(a)
