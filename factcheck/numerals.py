"""Numerals: Arabic, Chinese, financial and mixed (3万4000, 1.2万亿) surface forms to exact values.

A numeral is read whole or not at all: `parse_number` raises NumeralError rather than read part of
its input, so a figure never carries the value of a readable tail.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

import cn2an

# Characters of Chinese numerals after normalisation (Simplified script, half-width).
CN_DIGITS = "〇零一二两俩三四五六七八九壹贰叁肆伍陆柒捌玖廿卅"
CN_UNITS = "十拾百佰千仟"
CN_SCALES = "万亿兆"
CN_NUMERAL_CHARS = CN_DIGITS + CN_UNITS + CN_SCALES + "点"
SCALES = {
    "万": Decimal(10_000),
    "亿": Decimal(10**8),
    "万亿": Decimal(10**12),
    "兆": Decimal(10**12),
}

_DIGIT_VALUE = (
    {ch: i for i, ch in enumerate("零一二三四五六七八九")}
    | {
        "〇": 0,
        "两": 2,
        "俩": 2,
    }
    | {ch: i + 1 for i, ch in enumerate("壹贰叁肆伍陆柒捌玖")}
)
_UNIT_VALUE = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_SIGNS = {"负": -1, "-": -1, "−": -1, "+": 1, "正": 1}

# A whole numeral in running text: possessive, so that a rule can never match a part of it (the
# tail 4000 of 3万4000), and anchored where no numeral character precedes. 千米, 百分点, 兆瓦 keep
# their first character as part of the unit.
_LEAD = rf"(?:\d|[{CN_DIGITS}十拾佰仟万]|百(?!分之|分点)|千(?![米克瓦伏帕卡]))"
_NEXT = (
    rf"(?:\d|[{CN_DIGITS}十拾佰仟万亿]|百(?!分之|分点)|千(?![米克瓦伏帕卡])|兆(?![瓦帕赫焦])"
    rf"|点(?=[{CN_DIGITS}\d])|\.(?=\d)|,(?=\d{{3}}(?!\d))|(?<=\d) (?=\d{{3}}(?!\d)))"
)
NUMERAL_BOUNDARY = (
    rf"(?<![\d{CN_DIGITS}{CN_UNITS}万亿.])(?<!\d,)(?<![\d{CN_DIGITS}{CN_UNITS}万亿]点)"
)
NUMERAL_PATTERN = rf"{NUMERAL_BOUNDARY}(?:{_LEAD}{_NEXT}*+)"

# Thousands separators seen in bulletins: 7,264,100 and 59 225 (a space, sometimes thin or NBSP).
_SEPARATORS = re.compile(r"(?<=\d)[,\s\u2009\u00a0](?=\d{3}(?!\d))")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
# A section between scale words: Arabic, Chinese, or Arabic digits with Chinese units (4千6百).
_SCALE_SPLIT = re.compile(r"(万亿|亿|万|兆)")


# No quantity in news is written with more characters than this (9,999,999,999,999.99 is 18): a
# longer run of digits is an identifier or noise, and reading it would cost time for nothing.
MAX_NUMERAL_LENGTH = 40


class NumeralError(ValueError):
    """A string that is not a numeral this module understands."""


def strip_separators(core: str) -> str:
    """Remove thousands separators between digit groups: "7,264,100" → "7264100"."""
    return _SEPARATORS.sub("", core)


def parse_number(core: str) -> Decimal:
    """The exact value of a whole numeral: "128", "-3.9", "1.29万", "3万4000", "壹佰伍拾", "负三十二"."""
    if len(core) > MAX_NUMERAL_LENGTH:
        raise NumeralError(f"not a numeral: {len(core)} characters")
    text = strip_separators(core.strip())
    sign = 1
    if text[:1] in _SIGNS:
        sign, text = _SIGNS[text[0]], text[1:]
    if not text:
        raise NumeralError(f"not a numeral: {core!r}")
    return sign * _unsigned(text)


def _unsigned(text: str) -> Decimal:
    if _ARABIC.fullmatch(text):
        return Decimal(text)
    pieces = _SCALE_SPLIT.split(text)
    # pieces alternate: section, scale, section, scale, ..., section
    scales = pieces[1::2]
    if scales and all(_ARABIC.fullmatch(p) or not p for p in pieces[::2]):
        return _sections(pieces)
    try:
        return _cn_value(text)
    except NumeralError:
        if not scales:
            raise
        return _sections(pieces)


def _sections(pieces: list[str]) -> Decimal:
    """Sum of section × scale, scales strictly decreasing: 1亿2000万 = 1×10⁸ + 2000×10⁴."""
    total = Decimal(0)
    last_scale: Decimal | None = None
    sections, scales = pieces[::2], pieces[1::2]
    for i, scale_word in enumerate(scales):
        scale = SCALES[scale_word]
        if last_scale is not None and scale >= last_scale:
            raise NumeralError(f"scales out of order: {''.join(pieces)!r}")
        head = sections[i] or ("一" if i == 0 else "")
        if not head:
            raise NumeralError(f"empty section: {''.join(pieces)!r}")
        value = _section_value(head)
        if last_scale is not None and value >= last_scale / scale:
            raise NumeralError(f"section too large: {''.join(pieces)!r}")
        total += value * scale
        last_scale = scale
    tail = sections[-1]
    if tail and last_scale is not None:
        value = _section_value(tail)
        if len(tail) == 1 and value > 0:  # 1万2, 一万二: the digit counts in the next lower place
            value *= last_scale / 10
        if value >= last_scale:
            raise NumeralError(f"section too large: {''.join(pieces)!r}")
        total += value
    return total


def _section_value(text: str) -> Decimal:
    if _ARABIC.fullmatch(text):
        return Decimal(text)
    return _cn_value(text)


def _cn_value(text: str) -> Decimal:
    """Chinese (or digit-and-unit) numerals through cn2an, which also reads 壹佰伍拾 and 5万4千6百."""
    if (
        text.endswith("点")
        or text.startswith("点")
        or any(ch not in CN_NUMERAL_CHARS and not ch.isdigit() and ch != "." for ch in text)
    ):
        raise NumeralError(f"not a numeral: {text!r}")
    text = text.replace("俩", "两")
    if text[0] in "百佰千仟万亿":  # "百" alone means 一百 in counting contexts (百万 = one million)
        text = "一" + text
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise NumeralError(f"not a numeral: {text!r}") from exc
    try:
        return Decimal(str(value)).normalize() if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - cn2an returns int or float
        raise NumeralError(f"not a numeral: {text!r}") from exc


def decimal_places(core: str) -> int:
    """Digits written after the decimal point (in 19.30 → 2; 十九点三 → 1)."""
    text = strip_separators(core)
    for mark in (".", "点"):
        if mark in text:
            tail = text.split(mark, 1)[1]
            return sum(1 for ch in tail if ch.isdigit() or ch in CN_DIGITS)
    return 0


def last_digit_unit(value: Decimal, places: int) -> Decimal:
    """The place value of the last significant written digit: 3000 → 1000, 3500 → 100, 19.3 → 0.1."""
    if places > 0:
        return Decimal(1).scaleb(-places)
    whole = abs(value).to_integral_value(rounding=ROUND_DOWN)
    if whole == 0:
        return Decimal(1)
    # Trailing zeros from the digits themselves: no int-to-str conversion (a 10,000-digit run).
    _, digits, exponent = whole.as_tuple()
    zeros = len(digits) - len(bytes(digits).rstrip(b"\x00")) + max(int(exponent), 0)
    return Decimal(1).scaleb(zeros)


def scale_of(core: str) -> Decimal:
    """The scale word a numeral ends with (万 → 10⁴), or 1: a rounded figure's unit of precision."""
    for word in ("万亿", "万", "亿", "兆"):
        if core.endswith(word):
            return SCALES[word]
    return Decimal(1)


def to_chinese(value: int | Decimal) -> str:
    """Write a number in Chinese numerals (used by tests and for display)."""
    return str(cn2an.an2cn(str(value)))


def is_numeral(text: str) -> bool:
    """True for a string made only of numeral characters (Arabic or Chinese)."""
    return bool(text) and all(ch.isdigit() or ch in CN_NUMERAL_CHARS or ch == "." for ch in text)
