"""The number model: every figure in a text, with its kind, value, unit and value interval.

Rules run over the normalised text (half-width, Simplified script; same length as the original),
so a figure's offsets are offsets into the article as decoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .numerals import (
    NumeralError,
    decimal_places,
    last_digit_unit,
    parse_number,
)

CHECKWORTHY_KINDS = ("count", "money", "percent", "percent_change", "date", "duration", "rank")
NON_CLAIM_KINDS = ("slogan", "ordinal")

_AR = r"(?<![\d.])\d{1,3}(?:(?:,\d{3})+|(?: \d{3})+)(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?[万亿]?"
NUM = rf"(?:(?:{_AR})(?:万亿|万|亿)?|{_CN})"
_PRE = r"(?P<pre>约|大约|将近|接近|近|逾|超过|不到|不足)?"
_MID = r"(?P<mid>多|余)?"
_POST = r"(?P<post>左右|以上|以下|上下)?"
_RANGE = rf"(?P<num>{NUM})(?:(?P<sep>至|到|-|—|~|～|－)(?P<num2>{NUM}))?"

CLASSIFIERS = sorted(
    [
        "个",
        "名",
        "人",
        "起",
        "件",
        "条",
        "次",
        "家",
        "轮",
        "户",
        "所",
        "座",
        "项",
        "处",
        "宗",
        "辆",
        "台",
        "套",
        "份",
        "批",
        "支",
        "位",
        "例",
        "头",
        "只",
        "吨",
        "公斤",
        "千克",
        "亩",
        "公顷",
        "平方米",
        "平方公里",
        "公里",
        "千米",
        "米",
        "人次",
        "户次",
        "架",
        "艘",
        "部",
        "本",
        "张",
        "篇",
        "场",
        "期",
        "届",
        "间",
        "栋",
        "幢",
        "株",
        "棵",
        "枚",
        "根",
        "块",
        "箱",
        "袋",
        "瓶",
        "盒",
        "斤",
        "升",
        "立方米",
        "千瓦时",
        "笔",
        "桩",
        "伙",
        "股",
        "册",
        "单",
        "趟",
        "班",
        "万人次",
    ],
    key=len,
    reverse=True,
)
_CLASSIFIER = "|".join(CLASSIFIERS)
_CURRENCY = r"元|美元|欧元|港元|港币"
_DURATION_UNITS = r"个多月|个月|年|天|小时|周|个星期|星期"

_YEAR = r"\d{4}|[〇零一二三四五六七八九]{4}"
_MON = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|\d{1,2}"
_DAY = r"\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_RELATIVE_YEAR = {
    "": 0,
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "去年": -1,
    "上年": -1,
    "前年": -2,
    "明年": 1,
}
_REL = "|".join(w for w in _RELATIVE_YEAR if w)

DOWN_WORDS = ("下降", "减少", "降低", "回落", "下跌", "下滑", "缩减", "降幅", "减幅", "减")
UP_WORDS = ("上升", "增长", "增加", "提高", "上涨", "增幅", "提升", "攀升", "增")

SLOGAN_WORDS = [
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "四个全面",
    "五位一体",
    "三打三治",
    "两抢一盗",
    "两微一端",
    "两学一做",
    "三严三实",
    "一把手",
    "三个一批",
    "六稳",
    "六保",
    "三公经费",
    "三农",
    "两会",
    "两委",
    "十四五",
    "十三五",
]
_SLOGAN_TAIL = r"进一步|不断|意识|自信|维护|确立|全面|坚持|必须|一批|代表|务必|着力|统筹|到位"
_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’"}
_MAX_SLOGAN = 12
_CN_NUMERAL = set("一二两三四五六七八九十百千万")


@dataclass
class Figure:
    """One figure: its span in the text, kind, value, unit and the interval the value stands for."""

    start: int
    end: int
    text: str
    kind: str
    value: Decimal | str | None
    unit: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    approx: str | None = None
    direction: str | None = None
    value_max: Decimal | None = None
    number: str = ""

    @property
    def checkworthy(self) -> bool:
        return self.kind in CHECKWORTHY_KINDS

    @property
    def is_numeric(self) -> bool:
        return isinstance(self.value, Decimal)


Rule = Callable[[re.Match[str], str], "Figure | None"]


def find_figures(
    norm: str, published: str | None = None, original: str | None = None
) -> list[Figure]:
    """Every figure in normalised text `norm`; spans are taken from `original` when given."""
    slogans = list(_slogans(norm))
    candidates: list[tuple[int, Figure]] = []
    for priority, (pattern, rule) in enumerate(_RULES):
        for match in pattern.finditer(norm):
            figure = rule(match, norm)
            if figure is not None:
                candidates.append((priority, figure))
    chosen = _resolve_overlaps(candidates, slogans)
    if published:
        for figure in chosen:
            _resolve_relative_date(figure, published)
    source = original if original is not None else norm
    for figure in chosen:
        figure.text = source[figure.start : figure.end]
    return chosen


def _resolve_overlaps(candidates: list[tuple[int, Figure]], slogans: list[Figure]) -> list[Figure]:
    taken: list[Figure] = list(slogans)
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


# --- intervals -------------------------------------------------------------------------------


def _interval(
    value: Decimal, core: str, approx: str | None, rounded: bool, scale: Decimal = Decimal(1)
) -> tuple[Decimal | None, Decimal | None]:
    """The values a written figure stands for: rounding of its last digit, widened by 约/近/多."""
    places = decimal_places(core)
    half = Decimal(1).scaleb(-places) * scale / 2 if rounded else Decimal(0)
    # 约3000人 is about thousands, 90多 runs to 100: approximation works on the last significant digit.
    step = last_digit_unit(value / scale, places) * scale
    if approx == "at_least":
        return value - half, (value + step) if _is_mid_approx(core) else None
    if approx == "at_most":
        return value - max(step / 2, half), value
    if approx == "about":
        return value - max(step / 2, half), value + max(step / 2, half)
    return value - half, value + half


def _is_mid_approx(core: str) -> bool:
    return core.endswith(("多", "余"))


def _approx(pre: str | None, mid: str | None, post: str | None) -> str | None:
    if mid or pre in ("逾", "超过") or post == "以上":
        return "at_least"
    if pre in ("近", "将近", "接近", "不到", "不足") or post == "以下":
        return "at_most"
    if pre in ("约", "大约") or post in ("左右", "上下"):
        return "about"
    return None


def _scale_of(core: str) -> Decimal:
    for word, factor in (
        ("万亿", Decimal(10**12)),
        ("万", Decimal(10_000)),
        ("亿", Decimal(10**8)),
    ):
        if core.endswith(word):
            return factor
    return Decimal(1)


def _number(core: str) -> Decimal | None:
    try:
        return parse_number(core)
    except NumeralError:
        return None


def _quantity(m: re.Match[str], kind: str, unit: str | None, *, rounded: bool) -> Figure | None:
    core = m.group("num")
    value = _number(core)
    if value is None or _lone_yi(m, core):
        return None
    groups = m.groupdict()
    approx = _approx(groups.get("pre"), groups.get("mid"), groups.get("post"))
    scaled = rounded or _scale_of(core) != 1 or decimal_places(core) > 0
    core_for_interval = core + (groups.get("mid") or "")
    low, high = _interval(value, core_for_interval, approx, scaled, _scale_of(core))
    value_max = _number(m.group("num2")) if groups.get("num2") else None
    if value_max is not None:
        if value_max < value:
            return None
        high = value_max
    return Figure(
        m.start(), m.end(), m.group(0), kind, value, unit, low, high, approx, None, value_max, core
    )


def _lone_yi(m: re.Match[str], core: str) -> bool:
    # 一个案子, 一批, 新一轮: a lone 一 before a classifier is an article, not a count.
    return core == "一" and not m.groupdict().get("mid")


# --- rules -----------------------------------------------------------------------------------


def _percent(m: re.Match[str], text: str) -> Figure | None:
    """19.3% and 百分之十九点三; a change when 下降/上升 comes just before."""
    figure = _quantity(m, "percent", "%", rounded=True)
    if figure is not None:
        _set_direction(figure, text)
    return figure


def _tenths(m: re.Match[str], text: str) -> Figure | None:
    """成: 近三成 is just under 30%."""
    figure = _quantity(m, "percent", "%", rounded=True)
    if figure is None or not isinstance(figure.value, Decimal):
        return None
    figure.value = figure.value * 10
    figure.low = figure.low * 10 if figure.low is not None else None
    figure.high = figure.high * 10 if figure.high is not None else None
    _set_direction(figure, text)
    return figure


def _fraction(m: re.Match[str], text: str) -> Figure | None:
    """三分之一 → 33.33…%."""
    denominator, numerator = _number(m.group("den")), _number(m.group("num"))
    if not denominator or numerator is None:
        return None
    value = (numerator * 100 / denominator).quantize(Decimal("0.0001"))
    return Figure(m.start(), m.end(), m.group(0), "percent", value, "%", value, value)


def _points(m: re.Match[str], text: str) -> Figure | None:
    figure = _quantity(m, "percent_change", "pp", rounded=True)
    if figure is not None:
        figure.direction = _direction_before(text, m.start())
    return figure


def _money(m: re.Match[str], text: str) -> Figure | None:
    unit = "元" if m.group("cur") == "元" else m.group("cur")
    figure = _quantity(m, "money", unit, rounded=False)
    if figure is not None:
        figure.direction = _direction_before(text, m.start())
    return figure


def _count(m: re.Match[str], text: str) -> Figure | None:
    figure = _quantity(m, "count", m.group("cls"), rounded=False)
    if figure is not None:
        figure.direction = _direction_before(text, m.start())
    return figure


def _duration(m: re.Match[str], text: str) -> Figure | None:
    unit = m.group("dur").replace("个多", "").replace("个", "").replace("星期", "周")
    core = m.group("num")
    if re.fullmatch(r"\d{4}", core) and unit == "年":
        return None  # a year, handled by the date rule
    mid = m.group("mid") or m.group("more") or ("多" if "多" in m.group("dur") else None)
    value = _number(core)
    if value is None:
        return None
    approx = "at_least" if mid else None
    high = value + last_digit_unit(value, decimal_places(core)) if mid else value
    value_max = _number(m.group("num2")) if m.group("num2") else None
    if value_max is not None:
        high = value_max
    pre = m.group("pre")
    start = m.start() + (len(pre) if pre and pre.startswith(("近", "将近", "接近")) else 0)
    return Figure(
        start, m.end(), m.group(0), "duration", value, unit, value, high, approx, None, value_max
    )


def _date(m: re.Match[str], text: str) -> Figure | None:
    year, month, day = m.group("y"), m.group("m"), m.group("d")
    parts = []
    if year:
        y = _number(year)
        if y is None:
            return None
        parts.append(f"{int(y):04d}")
    else:
        parts.append("-")
    for piece in (month, day):
        if piece:
            n = _number(piece)
            if n is None:
                return None
            parts.append(f"{int(n):02d}")
    if not year and not month:  # pragma: no cover - the patterns always give one
        return None
    value = "-".join(parts) if year else "--" + "-".join(parts[1:])
    return Figure(m.start(), m.end(), m.group(0), "date", value, "date")


def _relative_date(m: re.Match[str], text: str) -> Figure | None:
    g = m.groupdict()
    tail = ""
    if g.get("m"):
        month = _number(g["m"])
        if month is None:
            return None
        tail = f"-{int(month):02d}"
        if g.get("d"):
            day = _number(g["d"])
            if day is None:
                return None
            tail += f"-{int(day):02d}"
    elif g.get("q"):
        tail = f"-Q{parse_number(g['q'])}"
    elif g.get("qq"):
        tail = f"-Q1/{m.group('rel')}-Q{parse_number(g['qq'])}"
    elif g.get("h"):
        tail = "-H1" if g.get("h") == "上" else "-H2"
    if not tail and _RELATIVE_YEAR[m.group("rel")] == 0:
        return None  # a bare 今年 is the year of publication: nothing to check
    # The year is unknown until the publication date resolves it: keep the offset in the value
    # (a bare 一季度 is this year's).
    value = f"{m.group('rel') or '今年'}{tail}"
    return Figure(m.start(), m.end(), m.group(0), "date", value, "date")


def _rank(m: re.Match[str], text: str) -> Figure | None:
    value = _number(m.group("num"))
    if value is None:
        return None
    after = text[m.end() : m.end() + 1]
    before = text[max(0, m.start() - 8) : m.start()]
    ordinal_next = re.match(
        r"次|届|轮|批|期|号|条|款|章|节|季度|阶段|部分|项|个|步", text[m.end() :]
    )
    ranked = re.search(r"位居|居于?|排名|名列|位列|排在|列", before) or after == "名"
    if ranked and not ordinal_next:
        end = m.end() + (1 if after == "名" else 0)
        return Figure(m.start(), end, text[m.start() : end], "rank", value, "rank", value, value)
    end = m.end() + (ordinal_next.end() if ordinal_next else 0)
    return Figure(m.start(), end, text[m.start() : end], "ordinal", value, None, value, value)


def _list_number(m: re.Match[str], text: str) -> Figure | None:
    value = _number(m.group("num"))
    if value is None:
        return None
    return Figure(m.start("num"), m.end(), m.group(0), "ordinal", value, None, value, value)


def _set_direction(figure: Figure, text: str) -> None:
    direction = _direction_before(text, figure.start)
    if direction:
        figure.kind = "percent_change"
        figure.direction = direction


def _direction_before(text: str, start: int) -> str | None:
    """下降/上升 shortly before a figure, or inherited across 、和 from the previous figure's verb."""
    window = text[max(0, start - 24) : start]
    clause = re.split(r"[,，。;；:：!?！？\n]", window)[-1]
    best: tuple[int, str] | None = None
    for words, direction in ((DOWN_WORDS, "down"), (UP_WORDS, "up")):
        for word in words:
            at = clause.rfind(word)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, direction)
    if best is None:
        return None
    between = clause[best[0] :]
    if re.search(r"[至到为]", between):  # 下降至30%: a level, not a change
        return None
    return best[1]


def _resolve_relative_date(figure: Figure, published: str) -> None:
    if figure.kind != "date" or not isinstance(figure.value, str):
        return
    for word, offset in _RELATIVE_YEAR.items():
        if word and figure.value.startswith(word):
            figure.value = figure.value.replace(word, f"{int(published[:4]) + offset:04d}")
            return
    if figure.value.startswith("--"):
        figure.value = f"{published[:4]}{figure.value[1:]}"


def _slogans(norm: str) -> Iterator[Figure]:
    """Quoted short phrases with a numeral (“四个意识”), known slogans, N个进一步-style phrases."""
    seen: list[tuple[int, int]] = []
    for i, ch in enumerate(norm):
        close = _QUOTES.get(ch)
        if close is None:
            continue
        j = norm.find(close, i + 1, i + 2 + _MAX_SLOGAN)
        inner = norm[i + 1 : j] if j > 0 else ""
        if inner and any(c in _CN_NUMERAL for c in inner) and not re.search(r"[。,，]", inner):
            seen.append((i + 1, j))
    for word in SLOGAN_WORDS:
        for m in re.finditer(re.escape(word), norm):
            seen.append((m.start(), m.end()))
    for m in re.finditer(
        rf"[一二两三四五六七八九十]+个(?:{_SLOGAN_TAIL})[\u4e00-\u9fff]{{0,3}}", norm
    ):
        seen.append((m.start(), m.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(seen, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    for start, end in merged:
        first = next((c for c in norm[start:end] if c in _CN_NUMERAL), None)
        value = _number(first) if first else None
        yield Figure(start, end, norm[start:end], "slogan", value)


_RULES: list[tuple[re.Pattern[str], Rule]] = [
    (re.compile(rf"(?P<y>{_YEAR})年(?:(?P<m>{_MON})月(?:(?P<d>{_DAY})[日号])?)?"), _date),
    (re.compile(rf"(?<![\d年])(?P<y>)(?P<m>{_MON})月(?P<d>{_DAY})[日号]"), _date),
    (
        re.compile(
            rf"(?P<rel>{_REL})(?:(?P<m>{_MON})月(?:(?P<d>{_DAY})[日号])?|第?(?P<q>[一二三四1-4])季度|前(?P<qq>[一二三1-3])(?:个)?季度|(?P<h>[上下])半年)?"
        ),
        _relative_date,
    ),
    (
        re.compile(r"(?<![年度今去前明本当上同])(?P<rel>)第?(?P<q>[一二三四1-4])季度"),
        _relative_date,
    ),
    (re.compile(rf"{_PRE}百分之(?P<num>{NUM}){_POST}"), _percent),
    (re.compile(rf"(?P<den>{NUM})分之(?P<num>{NUM})"), _fraction),
    (re.compile(rf"{_PRE}(?P<num>{NUM}){_MID}个百分点{_POST}"), _points),
    (re.compile(rf"{_PRE}{_RANGE}{_MID}%{_POST}"), _percent),
    (re.compile(rf"{_PRE}(?P<num>{NUM})成(?![员为本果功绩效立交熟])"), _tenths),
    (re.compile(rf"{_PRE}{_RANGE}{_MID}(?P<cur>{_CURRENCY}){_POST}"), _money),
    (re.compile(rf"{_PRE}{_RANGE}{_MID}(?P<dur>{_DURATION_UNITS})(?P<more>多)?"), _duration),
    (re.compile(rf"{_PRE}{_RANGE}{_MID}(?P<cls>{_CLASSIFIER}){_POST}"), _count),
    (re.compile(rf"第(?P<num>{NUM})"), _rank),
    (re.compile(r"(?:^|(?<=[\n,，。;；:：]))(?P<num>[一二三四五六七八九十]+)是"), _list_number),
]
