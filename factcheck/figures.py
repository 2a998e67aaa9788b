"""The number model: every figure in a text, with its kind, value, unit and value interval.

Rules run over the normalised text (half-width, Simplified script; same length as the original),
so a figure's offsets are offsets into the article as decoded. Every rule reads a whole quantity
expression (approximation words, sign, numeral, scale, 多/余, unit) or nothing: numerals are matched
possessively from a numeral boundary (numerals.NUMERAL_PATTERN), so no rule sees a part of one.
Dates and periods are in dates.py, the spans that are not claims (slogans, identifiers, meeting
ordinals) in nonclaims.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import dates, nonclaims
from .figure import CHECKWORTHY_KINDS, NON_CLAIM_KINDS, Figure

__all__ = ["CHECKWORTHY_KINDS", "NON_CLAIM_KINDS", "Figure", "find_figures"]
from .lexicons import alternation, pairs, words
from .numerals import (
    CN_DIGITS,
    CN_UNITS,
    NUMERAL_BOUNDARY,
    NUMERAL_PATTERN,
    SCALES,
    NumeralError,
    decimal_places,
    last_digit_unit,
    parse_number,
    scale_of,
)

NUM = NUMERAL_PATTERN
_PRE = r"(?P<pre>不少于|不低于|不超过|不高于|不到|不足|将近|接近|大约|约合|约为|约|近|逾|超过|超|至少|最多)?"
_SIGN = r"(?P<sign>(?<![\dA-Za-z.])[-−+]|负(?=[\d一二三四五六七八九十零〇两]))?"
# 几十家, 数百万, 上千人: 几 / 数 / 上 only before a bare unit or scale (十, 百万).
_FEW = (
    rf"(?P<few>(?<![网线马路早晚身以之向几数{CN_DIGITS}{CN_UNITS}\d])(?:几|数|上)(?=[十百千万亿]))?"
)
_MID = r"(?P<mid>多|余|几)?(?P<sc>万亿|亿|万)?(?P<mid2>多|余)?"
_SEP = r"(?P<sep>至|到|——|—|–|-|~)"
_POST = r"(?P<post>左右|以上|以下|上下|之多)?"

Rule = Callable[[re.Match[str], str], "Figure | None"]


def find_figures(
    norm: str, published: str | None = None, original: str | None = None
) -> list[Figure]:
    """Every figure in normalised text `norm`; spans are taken from `original` when given."""
    text = _keep_fullwidth_commas(norm, original)
    blocked = [
        Figure(s.start, s.end, text[s.start : s.end], s.kind, None) for s in nonclaims.spans(text)
    ]
    candidates: list[tuple[int, Figure]] = []
    for priority, (pattern, rule) in enumerate(_rules()):
        for match in pattern.finditer(text):
            figure = rule(match, text)
            if figure is not None:
                candidates.append((priority, figure))
    chosen = _resolve_overlaps(candidates, blocked)
    dates.resolve(chosen, published)
    source = original if original is not None else norm
    for figure in chosen:
        figure.text = source[figure.start : figure.end]
    return chosen


def _keep_fullwidth_commas(norm: str, original: str | None) -> str:
    # NFKC turns the list comma "，" into ",", which would join 13，310 into 13310; between
    # full-width digits (４，５６５) it is a thousands separator typed in full width.
    if original is None or "，" not in original:
        return norm
    chars = list(norm)
    for m in re.finditer(r"(?<![０-９])，", original):
        chars[m.start()] = "，"
    return "".join(chars)


def _resolve_overlaps(candidates: list[tuple[int, Figure]], blocked: list[Figure]) -> list[Figure]:
    taken: list[Figure] = list(blocked)
    size = max((f.end for f in taken + [c[1] for c in candidates]), default=0)
    occupied = bytearray(size)  # one flag per character already inside a chosen figure
    for figure in taken:
        occupied[figure.start : figure.end] = b"\x01" * (figure.end - figure.start)
    # Longest span first, then earlier rules: 2013年6月 beats 2013年 and 6月.
    for _, figure in sorted(candidates, key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start)):
        if any(occupied[figure.start : figure.end]):
            continue
        occupied[figure.start : figure.end] = b"\x01" * (figure.end - figure.start)
        taken.append(figure)
    return sorted(taken, key=lambda f: f.start)


# --- numbers and intervals -------------------------------------------------------------------


def number(core: str) -> Decimal | None:
    """The value of a whole numeral, or None when it is not one."""
    try:
        return parse_number(core)
    except NumeralError:
        return None


def _approx(pre: str | None, mid: str | None, post: str | None, few: str | None) -> str | None:
    if mid or few or post in ("以上", "之多") or pre in _AT_LEAST:
        return "at_least"
    if pre in _AT_MOST or post == "以下":
        return "at_most"
    if pre in ("约", "大约", "约合", "约为") or post in ("左右", "上下"):
        return "about"
    return None


_AT_LEAST = ("逾", "超过", "超", "不少于", "不低于", "至少")
_AT_MOST = ("近", "将近", "接近", "不到", "不足", "不超过", "不高于", "最多")


@dataclass
class _Reading:
    """A numeral with its scale and approximation: value and interval, before any unit factor."""

    value: Decimal
    low: Decimal | None
    high: Decimal | None
    approx: str | None


def _reading(m: re.Match[str], *, rounded: bool) -> _Reading | None:
    g = m.groupdict()
    core = g["num"]
    base = number(core)
    if base is None:
        return None
    if g.get("sign") in ("-", "−", "负"):
        base = -base
    scale = _scale_word(g.get("sc"))
    few, mid = g.get("few"), g.get("mid") or g.get("mid2") or g.get("more")
    if few and not all(ch in CN_UNITS + "万亿" for ch in core):
        return None  # 几 / 数 / 上 stand for a digit only before a bare unit: 几十, 数百万
    approx = _approx(g.get("pre"), mid, g.get("post"), few)
    places = decimal_places(core)
    # 1.29万 is rounded to the hundred; 3万4000 is exact to the thousand written.
    written_scale = scale * scale_of(core)
    step = last_digit_unit(base / scale_of(core), places) * written_scale
    value = base * scale
    if few:  # 几十 and 上千: more than the unit written, less than ten of them
        return _Reading(value, value, value * 10, approx)
    if mid:  # 90多 = 90 to 99, 十多万 = 10万 to 19万, 3万多 = 3万 to 4万
        mid_step = step if g.get("mid") else last_digit_unit(base, places) * scale
        return _Reading(value, value, value + mid_step, approx)
    scaled = rounded or written_scale != 1 or places > 0
    half = Decimal(1).scaleb(-places) * written_scale / 2 if scaled else Decimal(0)
    if approx == "at_least":
        return _Reading(value, value - half, None, approx)
    if approx == "at_most":
        return _Reading(value, value - max(step / 2, half), value, approx)
    if approx == "about":
        spread = max(step / 2, half)
        return _Reading(value, value - spread, value + spread, approx)
    return _Reading(value, value - half, value + half, approx)


def _scale_word(word: str | None) -> Decimal:
    """The factor of a scale word written after 多/余 (十多万): 万 → 10⁴; none → 1."""
    return SCALES.get(word or "", Decimal(1))


def _figure(
    m: re.Match[str],
    text: str,
    kind: str,
    unit: str | None,
    *,
    rounded: bool,
    factor: Decimal = Decimal(1),
) -> Figure | None:
    """A figure of `kind` from a quantity match; a range's top from num2; None when unreadable."""
    reading = _reading(m, rounded=rounded)
    if reading is None or (_is_range(m) and _from_to(m, text)):
        return None
    if text[m.start() - 1 : m.start()] in ("几", "多", "余") and m.start() > 0:
        return None  # 十几万多亿: the tail of an approximate numeral this grammar cannot read
    low = reading.low * factor if reading.low is not None else None
    high = reading.high * factor if reading.high is not None else None
    value_max = None
    if m.groupdict().get("num2"):
        top = number(m.group("num2"))
        if top is None:
            return None
        value_max = top * _scale_word(m.groupdict().get("sc2")) * factor
        if value_max <= reading.value * factor:
            return None
        high = value_max
    return Figure(
        m.start(),
        m.end(),
        m.group(0),
        kind,
        reading.value * factor,
        unit,
        low,
        high,
        reading.approx,
        None,
        value_max,
        m.group("num"),
    )


def _lone_yi(m: re.Match[str]) -> bool:
    # 一批, 新一轮, 一个典型案例, 一名“黑老大”: a lone 一 before a classifier is an article.
    g = m.groupdict()
    return g["num"] == "一" and not (g.get("mid") or g.get("mid2") or g.get("sc"))


# --- directions ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _direction_words() -> list[tuple[str, str]]:
    found = [(w, "down") for w in words("direction_down")] + [
        (w, "up") for w in words("direction_up")
    ]
    return sorted(found, key=lambda p: -len(p[0]))


def direction_before(text: str, start: int) -> str | None:
    """下降 / 上升 shortly before a figure in its clause; None for a level (下降至30%)."""
    window = text[max(0, start - 24) : start]
    clause = re.split(r"[,，。;；:：!?！？\n]", window)[-1]
    best: tuple[int, int, str] | None = None  # (end, length, direction): the nearest verb wins
    for word, direction in _direction_words():
        at = clause.rfind(word)
        # A one-character verb (增, 降) counts only right before the figure: 降准释放…超1万亿元.
        if at >= 0 and (len(word) > 1 or at + 1 >= len(clause) - 1):
            key = (at + len(word), len(word), direction)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None
    between = clause[best[0] :]
    rate_word = clause[: best[0]].endswith("幅") or between.startswith("幅")
    if re.search(r"[至到为]", between) and not rate_word:
        return None  # 下降至30%: a level; 降幅为5% stays a change
    return best[2]


def _with_direction(figure: Figure | None, text: str, kind: str | None = None) -> Figure | None:
    if figure is not None:
        figure.direction = direction_before(text, figure.start)
        if kind and figure.direction:
            figure.kind = kind
    return figure


# --- rules -----------------------------------------------------------------------------------


def _percent(m: re.Match[str], text: str) -> Figure | None:
    """19.3%, 百分之十九点三, 10%—15%; a change when 下降 / 上升 comes just before."""
    factor = Decimal("0.1") if m.groupdict().get("permille") else Decimal(1)
    return _with_direction(
        _figure(m, text, "percent", "%", rounded=True, factor=factor), text, "percent_change"
    )


def _tenths(m: re.Match[str], text: str) -> Figure | None:
    """成: 近三成 is just under 30%. Only up to 十成 (2024成都 is a year and a city)."""
    value = number(m.group("num"))
    if value is None or not 0 < value <= 10:
        return None
    return _with_direction(
        _figure(m, text, "percent", "%", rounded=True, factor=Decimal(10)), text, "percent_change"
    )


def _fraction(m: re.Match[str], text: str) -> Figure | None:
    """三分之一 → 33.33…%, 万分之五 → 0.05%."""
    denominator, numerator = number(m.group("den")), number(m.group("num"))
    if not denominator or numerator is None:
        return None
    # Four decimals, or four significant digits when smaller: 一千万分之六 is 0.00006%.
    exact = numerator * 100 / denominator
    rounded = (
        exact.quantize(Decimal("0.0001")) if abs(exact) >= 1 else Decimal(format(exact, ".4g"))
    )
    value = rounded.normalize()
    approx = _approx(m.group("pre"), None, m.group("post"), None)
    low = value if approx != "at_most" else None
    high = value if approx != "at_least" else None
    figure = Figure(m.start(), m.end(), m.group(0), "percent", value, "%", low, high, approx)
    return _with_direction(figure, text, "percent_change")


def _points(m: re.Match[str], text: str) -> Figure | None:
    """3个百分点: percentage points, a unit of their own."""
    return _with_direction(_figure(m, text, "percent_change", "pp", rounded=True), text)


def _multiple(m: re.Match[str], text: str) -> Figure | None:
    """增长1.5倍 (1.5 times more), 是…的3倍."""
    return _with_direction(_figure(m, text, "multiple", "倍", rounded=True), text)


def _doubling(m: re.Match[str], text: str) -> Figure | None:
    """翻一番 / 翻两番: doubled once or twice (the factor is 2 ** value)."""
    value = number(m.group("num") or "一")
    if value is None:
        return None
    return Figure(m.start(), m.end(), m.group(0), "multiple", value, "番", value, value, None, "up")


def _money(m: re.Match[str], text: str) -> Figure | None:
    unit = {"块钱": "元", "元人民币": "元", "人民币": "元"}.get(m.group("unit"), m.group("unit"))
    return _with_direction(_figure(m, text, "money", unit, rounded=False), text)


def _count(m: re.Match[str], text: str) -> Figure | None:
    unit = m.group("unit")
    if _lone_yi(m) or not _classifier_fits(m, text):
        return None
    stops = pairs("classifier_stops").get(unit[-1:] if len(unit) == 1 else unit, "")
    after = text[m.end() : m.end() + 1]
    if after and after in stops:
        return None  # 100只是一个数字, 所以: not a classifier here
    return _with_direction(_figure(m, text, "count", unit, rounded=False), text)


def _classifier_fits(m: re.Match[str], text: str) -> bool:
    """A classifier that needs a context (7.6级, 8级大风) has it, or the number has decimals."""
    needs = pairs("classifier_needs").get(m.group("unit"))
    if not needs or "." in m.group("num"):
        return True
    after = text[m.end() : m.end() + 1]
    return bool(after) and after in needs


def _is_range(m: re.Match[str]) -> bool:
    return bool(m.groupdict().get("num2"))


def _from_to(m: re.Match[str], text: str) -> bool:
    """从A到B / 由A增至B is a change between two figures, not a range."""
    clause = re.split(r"[,，。;；:：!?！？\n]", text[max(0, m.start() - 16) : m.start()])[-1]
    return "从" in clause or "由" in clause


def _bare_noun(m: re.Match[str], text: str) -> Figure | None:
    """十多万农民, 超过30万用户: a count without a measure word; the figure is the number."""
    g = m.groupdict()
    if not (
        g.get("sc")
        or g.get("mid")
        or g.get("mid2")
        or g.get("pre")
        or any(ch.isdigit() for ch in g["num"])
    ):
        return None
    figure = _figure(m, text, "count", None, rounded=False)
    if figure is not None:
        figure.end = (
            m.end("num2")
            if g.get("num2")
            else m.end("mid2")
            if g.get("mid2")
            else (m.end("sc") if g.get("sc") else m.end("mid") if g.get("mid") else m.end("num"))
        )
    return figure


def _medal(m: re.Match[str], text: str) -> Figure | None:
    """36金17银11铜: medal counts written without 枚."""
    return _figure(m, text, "count", m.group("unit"), rounded=False)


def _half(m: re.Match[str], text: str) -> Figure | None:
    """一半以上, 过半, 近半: fifty percent, as a bound."""
    approx = (
        "at_most"
        if m.group("pre")
        else "at_least"
        if (m.group("post") or "过" in m.group(0))
        else None
    )
    low = None if approx == "at_most" else Decimal(50)
    high = None if approx == "at_least" else Decimal(50)
    return Figure(m.start(), m.end(), m.group(0), "percent", Decimal(50), "%", low, high, approx)


def _event_year(m: re.Match[str], text: str) -> Figure | None:
    """2024巴黎奥运会, “2024全国网上年货节”: a year written without 年 before an event's name."""
    return Figure(m.start(), m.end(), m.group(0), "date", m.group(0), "date")


def _duration(m: re.Match[str], text: str) -> Figure | None:
    unit = m.group("unit")
    if unit == "年" and dates.is_year(m.group("num")):
        return None  # 2019年 is a year, read by the date rules
    if unit == "年" and text[m.end() : m.end() + 1] in ("度", "代"):
        return None  # 2019年度, 九十年代
    half = "个半" in unit
    unit = (
        unit.replace("个多", "")
        .replace("个半", "")
        .replace("个", "")
        .replace("星期", "周")
        .replace("钟头", "小时")
    )
    unit = {"秒钟": "秒", "年头": "年", "日": "天"}.get(unit, unit)
    if m.group("num") in ("百", "千", "万") and unit == "年":
        return None  # 千年简牍, 百年大计: a figure of speech, not a duration
    figure = _figure(m, text, "duration", unit, rounded=False)
    if figure is not None and (m.group("pre") or "") == "近":
        # 近五年 is the last five years, not nearly five: the span starts at the number.
        figure.start, figure.approx, figure.low = m.start("num"), None, figure.value  # type: ignore[assignment]
    if figure is not None and (half or m.groupdict().get("half")):  # 三年半, 一个半月
        figure.value = figure.low = figure.high = figure.value + Decimal("0.5")  # type: ignore[operator]
    if figure is None or "多" not in m.group("unit"):
        return figure
    value = figure.low if figure.low is not None else Decimal(0)  # 一年多, 3个多月: 1 to 2 years
    step = last_digit_unit(value, decimal_places(m.group("num")))
    figure.approx, figure.high = "at_least", value + step
    return figure


def _rank(m: re.Match[str], text: str) -> Figure | None:
    value = number(m.group("num"))
    if value is None:
        return None
    after = text[m.end() : m.end() + 1]
    before = text[max(0, m.start() - 8) : m.start()]
    ordinal_next = re.match(
        r"次|届|轮|批|期|号|条|款|章|节|季度|阶段|部分|项|个|步|种|类|位|家|批次|天|年|周|场|站|单元",
        text[m.end() :],
    )
    ranked = after == "名" or bool(
        re.search(r"位居|居于?|排名|名列|位列|排在|列|全球|全国|世界|全省|全市|亚洲|全行业", before)
    )
    if ranked and not ordinal_next:
        end = m.end() + (1 if after == "名" else 0)
        return Figure(m.start(), end, text[m.start() : end], "rank", value, "rank", value, value)
    end = m.end() + (ordinal_next.end() if ordinal_next else 0)
    return Figure(m.start(), end, text[m.start() : end], "ordinal", value, None, value, value)


def _top(m: re.Match[str], text: str) -> Figure | None:
    """前10强, 前三名: a rank at most N."""
    value = number(m.group("num"))
    if value is None:
        return None
    return Figure(m.start(), m.end(), m.group(0), "rank", value, "rank", None, value, "at_most")


def _list_number(m: re.Match[str], text: str) -> Figure | None:
    value = number(m.group("num"))
    if value is None:
        return None
    return Figure(m.start("num"), m.end(), m.group(0), "ordinal", value, None, value, value)


def _quantity(unit: str, *, ranges: bool = True, more: bool = False) -> str:
    """The pattern of a quantity with `unit`: [pre][sign][few]NUM[多/余][scale][unit? SEP NUM scale] unit [post]."""
    head = rf"{_PRE}{_SIGN}{_FEW}(?P<num>{NUM}){_MID}"
    half = "(?P<half>(?<=[年天周])半)?" if more else ""  # 三年半 (durations and multiples)
    tail = rf"(?P<unit>{unit}){half}{'(?P<more>多|余)?' if more else ''}{_POST}"
    if not ranges:
        return head + tail
    second = rf"(?:{unit})?{_SEP}(?P<num2>{NUM})(?P<sc2>万亿|亿|万)?"
    return head + second + tail


@lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern[str], Rule]]:
    classifiers, currencies = alternation("classifiers"), alternation("currencies")
    durations = alternation("duration_units") + "|日(?=内|以内|之内)"
    rules: list[tuple[str, Rule]] = [
        *dates.rules(),
        (rf"{_PRE}{NUMERAL_BOUNDARY}百分之(?P<num>{NUM}){_POST}", _percent),
        (
            rf"{_PRE}(?P<den>{NUMERAL_BOUNDARY}[\d{CN_DIGITS}{CN_UNITS}万亿]++)分之(?P<num>{NUM}){_POST}",
            _fraction,
        ),
        (rf"{_PRE}(?P<num>{NUM}){_MID}(?:个)?百分点{_POST}", _points),
        (_quantity("%", ranges=False), _percent),
        (_quantity("%"), _percent),
        (_quantity("(?P<permille>‰)", ranges=False), _percent),
        (rf"{_PRE}{_SIGN}(?P<num>{NUM})成(?![员为本果功绩效立交熟型都长]){_POST}", _tenths),
        (_quantity("倍", ranges=False, more=True), _multiple),
        (_quantity("倍", more=True), _multiple),
        (r"翻了?(?P<num>一|两|二|三|四|\d)?番", _doubling),
        (_quantity(currencies, ranges=False), _money),
        (_quantity(currencies), _money),
        (_quantity(durations, ranges=False, more=True), _duration),
        (_quantity(durations, more=True), _duration),
        (_quantity(classifiers, ranges=False), _count),
        (_quantity(classifiers), _count),
        (_quantity(rf"(?=(?:{alternation('bare_nouns')}))", ranges=False), _bare_noun),
        (rf"(?P<num>{NUM})(?P<unit>金|银|铜)(?=\d|[,，、。;；]|$)", _medal),
        (r"(?P<pre>近)?(?:一半|过半|半数)(?P<post>以上)?", _half),
        (
            rf"{NUMERAL_BOUNDARY}(?:19|20)\d{{2}}(?![\d.,%年月日号{CN_DIGITS}{CN_UNITS}万亿])"
            r"(?=[\u4e00-\u9fff“《])",
            _event_year,
        ),
        (rf"前(?P<num>{NUM})(?:强|名|位)", _top),
        (rf"第(?P<num>{NUM})", _rank),
        (r"(?:^|(?<=[\n,，。;；:：]))(?P<num>[一二三四五六七八九十]+)是", _list_number),
    ]
    return [(re.compile(p), r) for p, r in rules]
