"""Numerals: Arabic, Chinese and mixed (1.2万) surface forms to exact decimal values."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import cn2an

CN_DIGITS = "〇零一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿点"
SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12)}

# Thousands separators seen in bulletins: 7,264,100 and 59 225 (a space, sometimes thin or NBSP).
_SEPARATORS = re.compile(r"(?<=\d)[,，\s\u2009\u00a0](?=\d{3}(?!\d))")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")


class NumeralError(ValueError):
    """A string that is not a numeral this module understands."""


def strip_separators(core: str) -> str:
    """Remove thousands separators between digit groups: "7,264,100" → "7264100"."""
    return _SEPARATORS.sub("", core)


def parse_number(core: str) -> Decimal:
    """The exact value of a numeral core: "128", "19.3", "1.29万", "一百二十八", "十二点五亿"."""
    text = strip_separators(core.strip())
    if not text:
        raise NumeralError("empty numeral")
    if _ARABIC.fullmatch(text):
        return Decimal(text)
    scale_word = next((s for s in ("万亿", "万", "亿") if text.endswith(s)), None)
    head = text[: -len(scale_word)] if scale_word else text
    if scale_word and _ARABIC.fullmatch(head):
        return Decimal(head) * SCALES[scale_word]
    try:
        return _cn_value(text)
    except NumeralError:
        if not scale_word or not head:
            raise
        # cn2an rejects a decimal before a scale (十二点五亿): parse the head, apply the scale.
        return _cn_value(head) * SCALES[scale_word]


def _cn_value(text: str) -> Decimal:
    if text.endswith("点") or any(
        ch not in CN_NUMERAL_CHARS and not ch.isdigit() and ch != "." for ch in text
    ):
        raise NumeralError(f"not a numeral: {text!r}")
    if text[0] in "百千万亿":  # "百" alone means 一百 in counting contexts (百万 = one million)
        text = "一" + text
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError) as exc:
        raise NumeralError(f"not a numeral: {text!r}") from exc
    try:
        return Decimal(str(value))
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
    integer = abs(int(value))
    if integer == 0:
        return Decimal(1)
    unit = 1
    while integer % (unit * 10) == 0:
        unit *= 10
    return Decimal(unit)


def to_chinese(value: int | Decimal) -> str:
    """Write a number in Chinese numerals (used by tests and for display)."""
    return str(cn2an.an2cn(str(value)))


def is_numeral(text: str) -> bool:
    """True for a string made only of numeral characters (Arabic or Chinese)."""
    return bool(text) and all(ch.isdigit() or ch in CN_NUMERAL_CHARS or ch == "." for ch in text)
