"""Numeral parsing: Arabic, Chinese, mixed forms; property-based round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.numerals import (
    NumeralError,
    decimal_places,
    last_digit_unit,
    parse_number,
    to_chinese,
)


@pytest.mark.parametrize(
    ("surface", "value"),
    [
        ("128", 128),
        ("一百二十八", 128),
        ("两千三百", 2300),
        ("十九点三", Decimal("19.3")),
        ("1.29万", 12900),
        ("十二点五亿", 1_250_000_000),
        ("3.5亿", 350_000_000),
        ("一亿二千万", 120_000_000),
        ("7,264,100", 7_264_100),
        ("59 225", 59_225),
        ("二〇一九", 2019),
        ("百", 100),
        ("两", 2),
    ],
)
def test_parse_number(surface: str, value: int | Decimal) -> None:
    assert parse_number(surface) == Decimal(value)


@pytest.mark.parametrize("bad", ["", "abc", "十九点", "万万万x"])
def test_parse_number_rejects(bad: str) -> None:
    with pytest.raises(NumeralError):
        parse_number(bad)


def test_precision_helpers() -> None:
    assert decimal_places("19.30") == 2
    assert decimal_places("十九点三") == 1
    assert last_digit_unit(Decimal(3000), 0) == 1000
    assert last_digit_unit(Decimal(3500), 0) == 100
    assert last_digit_unit(Decimal("19.3"), 1) == Decimal("0.1")


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_round_trip(n: int) -> None:
    assert parse_number(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_and_separators_round_trip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:,}".replace(",", " ")) == n


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=1, max_value=9))
def test_decimal_round_trip(whole: int, tenth: int) -> None:
    value = Decimal(f"{whole}.{tenth}")
    assert parse_number(to_chinese(value)) == value
    assert parse_number(f"{value}万") == value * 10_000
