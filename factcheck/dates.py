"""Dates and calendar periods in text, as ISO-like values, and their resolution.

Values: 2019-04-15, 2019-04, 2019, 2019-Q1 (一季度), 2019-H1 (上半年), ranges A/B (1—11月 →
2019-01/2019-11, 九十年代 → 1990/1999). Before the publication date is known: --04-15 (month-day),
---15 (a day: it takes the month in force), 去年-Q1 (relative, unresolved).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .figure import Figure
from .numerals import NumeralError, parse_number

Rule = Callable[[re.Match[str], str], "Figure | None"]

RELATIVE_YEARS = {
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "去年": -1,
    "上年": -1,
    "前年": -2,
    "明年": 1,
}
# 上年 inside 网上年货节 or 以上年份 is not "last year".
_REL = "|".join(w if w != "上年" else "(?<![网线马路早晚身以之向])上年" for w in RELATIVE_YEARS)
_CN_DIGIT = "〇零一二三四五六七八九"

_YEAR = (
    r"(?P<y>(?<![\d.])(?:\d{4}(?!\d)|\d{2}(?=年(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月)"
    rf"|0\d(?=年))|(?<![{_CN_DIGIT}十百千])(?:[{_CN_DIGIT}]{{4}}|[一二两]千零?[一二三四五六七八九十]{{1,3}}))"
)
_MON = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DAY = r"3[01]|[12]\d|0?[1-9]|三十一?|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_SEP = r"(?:至|到|——|—|–|-|~)"
_EDGE = r"(?:底|末|初|上旬|中旬|下旬)?"  # 3月底, 2022年底, 4月上旬: the span includes it
_TAIL = (
    rf"(?:(?P<m1>{_MON})月?{_SEP}(?P<m2>{_MON})月份?"
    rf"|(?P<m>{_MON})月(?:份|(?P<d>{_DAY})[日号](?:{_SEP}(?P<d2>{_DAY})[日号])?|{_EDGE})"
    r"|年?(?P<yedge>底|末|初)"
    r"|第?(?P<q>[一二三四1-4])季度末?"
    r"|前(?P<qq>[一二三1-3])个?季度"
    r"|(?P<h>[上下])半年"
    r"|前(?P<nm>[一二两三四五六七八九十]{1,2}|\d{1,2})个月"
    r"|(?P<since>以来))"
)


def is_year(core: str) -> bool:
    """True for a numeral that, before 年, names a year: 2019, 二〇一八, 两千零四, 08."""
    if re.fullmatch(r"0\d", core):
        return True
    if re.fullmatch(rf"[{_CN_DIGIT}]{{4}}", core):
        return True
    value = _int(core)
    if value is None or not 1900 <= value <= 2100:
        return False
    return core.isdigit() or value % 1000 != 0  # 两千年 is two thousand years


def _int(core: str | None) -> int | None:
    if not core:
        return None
    try:
        value = parse_number(core)
    except NumeralError:
        return None
    return int(value) if value == int(value) else None


def _year(core: str) -> int | None:
    if len(core) == 2 and core.isdigit():  # 08年 → 2008, 98年3月 → 1998
        two = int(core)
        return 2000 + two if two <= 49 else 1900 + two
    return _int(core) if is_year(core) else None


def _date(m: re.Match[str], text: str) -> Figure | None:
    """2019年, 2019年4月, 2019年4月15日, 2019年一季度, 2019年1—11月, or the same after 今年 / 去年."""
    g = m.groupdict()
    if g.get("rel"):
        head = g["rel"]
    else:
        year = _year(g["y"])
        if year is None:
            return None
        head = f"{year:04d}"
    tail = _tail(g, head)
    if tail is None:
        return None
    bare = g.get("rel") and not tail and not g.get("since") and not g.get("yedge")
    if bare and (RELATIVE_YEARS[g["rel"] or ""] == 0 or _is_base(m, text)):
        return None  # a bare 今年 is the publication year; 比上年, 较去年同期 are comparison bases
    if g.get("since"):  # 今年以来, 2019年以来: from January to the publication month (@)
        return _make(m, head + "-01/@")
    return _make(m, head + tail)


def _is_base(m: re.Match[str], text: str) -> bool:
    """去年 as the base of a comparison (比上年, 较去年同期, 超过去年全年), not a period."""
    before, after = text[max(0, m.start() - 2) : m.start()], text[m.end() : m.end() + 2]
    return (
        before[-1:] in ("比", "较", "与", "同", "于")
        or before in ("超过", "高于", "低于")
        or (after in ("同期", "全年", "水平", "持平"))
    )


def _tail(g: dict[str, str | None], head: str) -> str | None:
    """The part of a date value after its year: -04-15, -Q1, -01/2019-11; None when unreadable."""
    if g.get("m1"):
        first, last = _int(g["m1"]), _int(g["m2"])
        if first is None or last is None or not 1 <= first < last <= 12:
            return None
        return f"-{first:02d}/{head}-{last:02d}"
    if g.get("m"):
        month = _int(g["m"])
        if month is None or not 1 <= month <= 12:
            return None
        if not g.get("d"):
            return f"-{month:02d}"
        day, last = _int(g["d"]), _int(g.get("d2"))
        if day is None or not 1 <= day <= 31:
            return None
        if g.get("d2"):  # 3月26日至31日
            if last is None or not day < last <= 31:
                return None
            return f"-{month:02d}-{day:02d}/{head}-{month:02d}-{last:02d}"
        return f"-{month:02d}-{day:02d}"
    if g.get("yedge"):
        return "-01" if g["yedge"] == "初" else ""
    if g.get("q"):
        return f"-Q{_int(g['q'])}"
    if g.get("qq"):
        return f"-Q1/{head}-Q{_int(g['qq'])}"
    if g.get("h"):
        return "-H1" if g["h"] == "上" else "-H2"
    if g.get("nm"):
        months = _int(g["nm"])
        if months is None or not 1 <= months <= 12:
            return None
        return f"-01/{head}-{months:02d}"
    return ""


def _iso_date(m: re.Match[str], text: str) -> Figure | None:
    """2019-04-15, 2019/4/15, 2019.4.15."""
    year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _make(m, f"{year:04d}-{month:02d}-{day:02d}")


def _month_day(m: re.Match[str], text: str) -> Figure | None:
    """4月15日, 4月, 11月份, 1—11月 without a year: the publication year resolves them."""
    tail = _tail(m.groupdict(), "-")
    if tail is None:
        return None
    return _make(m, "-" + tail)


def _quarter(m: re.Match[str], text: str) -> Figure | None:
    """一季度, 前三季度, 上半年 without a year: this year's."""
    tail = _tail(m.groupdict(), "今年")
    return None if tail is None else _make(m, "今年" + tail)


def _year_range(m: re.Match[str], text: str) -> Figure | None:
    """2018—2020年, 2018年至2020年."""
    first, last = _year(m.group("y")), _year(m.group("y2"))
    if first is None or last is None or not first < last:
        return None
    return _make(m, f"{first:04d}/{last:04d}")


def _decade(m: re.Match[str], text: str) -> Figure | None:
    """九十年代 → 1990/1999; 二十一世纪10年代 → 2010/2019."""
    decade = _int(m.group("dec"))
    if decade is None or decade % 10:
        return None
    century = m.group("cent")
    if decade < 100:
        base = 2000 if century in ("二十一", "21") else 1900
        decade += base
    return _make(m, f"{decade:04d}/{decade + 9:04d}")


def _day(m: re.Match[str], text: str) -> Figure | None:
    """15日 in a narrative: the month in force resolves it."""
    day = int(m.group("d"))
    return _make(m, f"---{day:02d}")


def _day_range(m: re.Match[str], text: str) -> Figure | None:
    """21日到22日: two days of the month in force."""
    first, last = int(m.group("d")), int(m.group("d2"))
    return _make(m, f"---{first:02d}/---{last:02d}") if first < last else None


def _make(m: re.Match[str], value: str) -> Figure:
    return Figure(m.start(), m.end(), m.group(0), "date", value, "date")


def rules() -> list[tuple[str, Rule]]:
    """The date rules as (pattern, rule) pairs, for figures.find_figures."""
    y2 = _YEAR.replace("(?P<y>", "(?P<y2>")
    return [
        (rf"{_YEAR}年{_SEP}{y2}年", _year_range),
        (rf"{_YEAR}{_SEP}{y2}年", _year_range),
        (rf"(?:{_YEAR}年度?|(?P<rel>{_REL})){_TAIL}?", _date),
        (
            r"(?<![\d.])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d.])",
            _iso_date,
        ),
        (
            rf"(?<![\d年个])(?:(?P<m1>{_MON})月?{_SEP}(?P<m2>{_MON})月份?"
            rf"|(?P<m>{_MON})月(?:份|(?P<d>{_DAY})[日号](?:{_SEP}(?P<d2>{_DAY})[日号])?|{_EDGE}))",
            _month_day,
        ),
        (
            r"(?<![年度今去前明本当上同])(?:第?(?P<q>[一二三四1-4])季度末?|前(?P<qq>[一二三1-3])个?季度"
            r"|(?P<h>[上下])半年|前(?P<nm>[一二两三四五六七八九十]{1,2}|\d{1,2})个月(?![前后内来里]))",
            _quarter,
        ),
        (
            rf"(?<![\d月.])(?P<d>3[01]|[12]\d|0?[1-9])日{_SEP}(?P<d2>3[01]|[12]\d|0?[1-9])日",
            _day_range,
        ),
        (
            r"(?:(?P<cent>二十一|二十|21|20)世纪)?(?P<dec>[一二三四五六七八九]十|[1-9]0|1[89]\d0|20\d0)年代",
            _decade,
        ),
        (r"(?<![\d月.])(?P<d>3[01]|[12]\d|0?[1-9])日(?!内|以内|之内|均|夜|益|常|报|子|程)", _day),
    ]


def resolve(figures: list[Figure], published: str | None) -> None:
    """Resolve relative years against `published`, and bare days against the month in force."""
    in_force = published[:7] if published else None  # YYYY-MM, or --MM while the year is unknown
    for figure in figures:
        if figure.kind != "date" or not isinstance(figure.value, str):
            continue
        value = _resolved(figure.value, published, in_force)
        figure.value = value
        month = re.match(r"(?:\d{4}|-)-\d{2}(?!\d)", value.split("/")[-1])
        if month:
            in_force = month.group(0)


def _resolved(value: str, published: str | None, in_force: str | None) -> str:
    if value.startswith("---"):
        if not in_force:
            return value
        return "/".join(f"{in_force}-{part[3:]}" for part in value.split("/"))
    if published is None:
        return value
    value = value.replace("@", published[:7])
    year = int(published[:4])
    for word, offset in RELATIVE_YEARS.items():
        value = value.replace(word, f"{year + offset:04d}")
    return re.sub(r"(?:^|(?<=/))--(?=\d)", f"{year:04d}-", value)
