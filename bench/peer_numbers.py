"""The Recognizers-Text Chinese specs as a yardstick for find_figures, beside cn2an (run by hand).

    python bench/peer_numbers.py [--show wrong|missed|out|spurious]

Per spec: items right / wrong value / missed / out of scope, and cn2an alone on the same items.
A bare numeral gets 元 appended so that it is a figure; an item is right when exactly one figure
covers its whole surface with the spec's value; a figure over it with another value is wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import cn2an

# `python bench/x.py` puts bench/ first on the path, and the editable install would import another
# checkout's factcheck: measure the code of this one.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.figures import Figure, find_figures
from factcheck.text import normalize

SPECS = Path(__file__).resolve().parent / "peer-specs"

# Why an item is not asked of a reader of Chinese news figures; first match wins.
_NUMBER_SCOPE = (
    (r"\s", "spaced numerals (tokenised input, not news text)"),
    (r"[kKmMｋＫ]", "English suffixes (k, M)"),
    (r"\d[eE]|\^", "exponent notation (2e5, 2^5)"),
    (r"打", "dozens (打)"),
    (r"半", "half (半百, 半成)"),
    (r"[/／]", "slash fractions (news uses / in dates)"),
    (r"又", "mixed numbers (三百五又三分之一)"),
    (r"负.*分之负|負.*分之負", "negative denominators"),
    (r"^[-－]?[.．]", "leading-dot decimals (.5, English style)"),
    (r"\d[.．]\d+[.．]\d", "dotted digit groups (identifiers)"),
    (r"^零十", "leading 零 (零十)"),
)
_PERCENT_SCOPE = (
    (r"\s", "spaced numerals (tokenised input, not news text)"),
    (r"[kKｋＫ]", "English suffixes (k, M)"),
    (r"折", "discounts (折: prices, not statistics)"),
    (r"半", "half (半百, 半成)"),
)
_RANGE_IN_SCOPE = (
    r"^(?P<a>[^到至\-–~]+?)(?:到|至|-|–|~)(?P<b>[^到至\-–~]+)$",
    r"^(?P<a>.+?)(?:多|余|几|幾)(?P<scale>万亿|万|亿)?$",
    r"^(?P<a>.+?)以上$",
    r"^超过(?P<a>[^了].*)$",
)
_DATE_SCOPE = (
    (r"农历|初[一二三四五六七八九十]|正月|大年|神龙|雍正", "lunar calendar and era names"),
    (r"星期|礼拜|禮拜|周|週", "weekdays"),
    (r"明天|后天|後天|前天|昨日|最近|本月", "relative day words (明天, 昨日, 本月十日)"),
    (r"^\d{1,2}[-./]\d{1,2}[-./]\d{1,4}$|^\d{1,2}/\d{1,2}$", "day-first or two-field numeric"),
    (r"\s", "spaced numerals (tokenised input, not news text)"),
)
_DURATION_UNITS = {"Y": "年", "M": "月", "W": "周", "D": "天", "H": "小时"}


@dataclass
class Item:
    """One spec result asked of both readers."""

    spec: str
    surface: str  # what find_figures reads
    numeral: str  # what cn2an reads ("" when cn2an has no reading of its own)
    expected: Decimal | str | None  # None: a negative item, no figure expected
    scope: str | None = None  # reason it is out of scope, or None
    value_max: Decimal | None = None
    unit: str | None = None
    approx: str | None = None
    kinds: tuple[str, ...] = ()
    rounded: bool = False  # a repeating value (a fraction as percent): 4 significant digits do
    published: str | None = None  # the reference date a date item is read against


def _load(name: str) -> list[dict]:
    return json.loads((SPECS / name).read_text(encoding="utf-8-sig"))


def _surface(entry: dict, result: dict) -> str:
    """The result's text as written in the input (full-width and case kept)."""
    start = result["Start"]
    end = result.get("End", start + result.get("Length", 1) - 1)
    return entry["Input"][start : end + 1]


def _scope(text: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    return next((why for pattern, why in rules if re.search(pattern, text)), None)


def _dec(text: str) -> Decimal:
    return Decimal(text.rstrip("%"))


def _negative(spec: str, entry: dict) -> Item:
    text = entry["Input"].strip()
    scope = None
    if re.search(r"美元|美刀", text):
        scope = "currencies (a money figure for us, no number for the peer)"
    elif "折" in text:
        scope = "discounts (折: prices, not statistics)"
    elif re.search(r"二三十|分之", text):
        scope = "approximate or fractional forms the peer declines (二三十, 五百分之2.2)"
    return Item(spec, text, "", None, scope)


def number_items() -> list[Item]:
    items = []
    for entry in _load("NumberModel.json"):
        if not entry["Results"]:
            items.append(_negative("NumberModel", entry))
        for result in entry["Results"]:
            text = _surface(entry, result)
            value = _dec(result["Resolution"]["value"])
            scope = _scope(text, _NUMBER_SCOPE)
            if "分之" in text and not text.startswith("百分之"):
                # A fraction is a percent by the conventions (三分之一 → 33.33%).
                items.append(
                    Item(
                        "NumberModel",
                        text,
                        "",
                        value * 100,
                        scope,
                        kinds=("percent",),
                        rounded=True,
                    )
                )
            else:
                items.append(Item("NumberModel", text + "元", text, value, scope))
    return items


def _percent_numeral(text: str) -> str:
    """The numeral cn2an can be given for a percent form ("" when it has none)."""
    m = re.match(r"^百分之(.+)$|^(.+)%$|^(.+)(?:个百分点|個百分點)$", normalize(text))
    return next((g for g in m.groups() if g), "") if m else ""


def percent_items() -> list[Item]:
    items = []
    for entry in _load("PercentModel.json"):
        if not entry["Results"]:
            items.append(_negative("PercentModel", entry))
        for result in entry["Results"]:
            text = _surface(entry, result)
            unit = "pp" if re.search(r"百分点|百分點", text) else "%"
            numeral = _percent_numeral(text)
            items.append(
                Item(
                    "PercentModel",
                    text,
                    numeral,
                    _dec(result["Resolution"]["value"]),
                    _scope(text, _PERCENT_SCOPE),
                    unit=unit,
                    kinds=("percent", "percent_change"),
                )
            )
    return items


def _interval(value: str) -> tuple[Decimal | None, Decimal | None]:
    low, high = value.strip("[]()").split(",")
    return (Decimal(low) if low else None, Decimal(high) if high else None)


def range_items() -> list[Item]:
    items = []
    for entry in _load("NumberRangeModel.json"):
        for result in entry["Results"]:
            text = _surface(entry, result)
            low, high = _interval(result["Resolution"]["value"])
            match = next((m for p in _RANGE_IN_SCOPE if (m := re.match(p, text))), None)
            scope = _scope(text, _NUMBER_SCOPE)
            if match is None or re.search(r"[<>≥=(]|分之|/|或者|更多", text):
                scope = scope or "comparatives (大于, 小于, 至少, 之间)"
            surface = text[:-2] + "元以上" if text.endswith("以上") else text + "元"
            if "次" in text:
                surface = text
                # The spec gives (20000,) for 20万次以上, which is 200000.
                scope = "spec value in error (20万次以上 resolved as 20000)"
            is_range = match is not None and "b" in match.groupdict()
            items.append(
                Item(
                    "NumberRangeModel",
                    surface,
                    "",
                    low,
                    scope,
                    value_max=high if is_range else None,
                    approx=None if is_range else "at_least",
                )
            )
    return items


def _same_year_date(timex: str, reference: str) -> str | None:
    """The spec's date as the conventions resolve it: missing year and month from the reference."""
    year, month, day = timex.split("-")
    if year == "XXXX":
        year = reference[:4]
    if month == "XX":
        month = reference[5:7]
    try:
        from datetime import date

        date(int(year), int(month), int(day))
    except ValueError:
        return None
    return f"{year}-{month}-{day}"


def date_items() -> list[Item]:
    items = []
    for entry in _load("DateParser.json"):
        reference = entry["Context"]["ReferenceDateTime"][:10]
        for result in entry["Results"]:
            text = result["Text"]
            timex = result["Value"]["Timex"]
            scope = _scope(text, _DATE_SCOPE)
            expected = None
            if scope is None and re.fullmatch(r"(\d{4}|XXXX)-(\d\d|XX)-\d\d", timex):
                expected = _same_year_date(timex, reference)
                if expected is None:
                    scope = "invalid calendar dates (2月30日)"
            elif scope is None:
                scope = "relative day words (明天, 昨日, 本月十日)"
            items.append(
                Item(
                    "DateParser",
                    text,
                    "",
                    expected or "",
                    scope,
                    kinds=("date",),
                    published=reference,
                )
            )
    return items


def duration_items() -> list[Item]:
    items = []
    for entry in _load("DurationParser.json"):
        for result in entry["Results"]:
            text = result["Text"]
            m = re.fullmatch(r"PT?([\d.]+)([YMWDH])", result["Value"]["Timex"])
            scope = None
            if m is None:
                scope = "compound durations (8天20小时)"
            elif result["Value"]["Timex"].startswith("PT") and m.group(2) == "M":
                scope = "minutes and seconds (not a duration unit of the conventions)"
            value = Decimal(m.group(1)) if m else Decimal(0)
            unit = _DURATION_UNITS.get(m.group(2)) if m else None
            items.append(
                Item("DurationParser", text, "", value, scope, unit=unit, kinds=("duration",))
            )
    return items


def _close(a: Decimal | str | None, b: Decimal | str | None, rounded: bool = False) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return abs(a - b) <= Decimal("5e-4" if rounded else "1e-12") * abs(b) or a == b
    return a == b


def _judge(item: Item, figures: list[Figure]) -> tuple[str, str]:
    """right / partial / wrong / missed (clean / spurious for negatives), with what was found.

    partial: the spec's value, but from a figure that covers only part of the surface.
    """
    found = "; ".join(f"{f.text}→{f.kind} {f.value} {f.unit or ''}".strip() for f in figures)
    if item.expected is None:
        return ("spurious" if any(f.checkworthy for f in figures) else "clean"), found
    n = len(item.surface) - (1 if item.surface.endswith("元") and item.numeral else 0)
    over = [f for f in figures if f.start < n and f.end > 0]
    whole = [f for f in over if f.start <= 0 and f.end >= n]
    if len(whole) == 1 and _matches(item, whole[0]):
        return "right", found
    claims = [f for f in over if f.is_numeric or f.kind in ("date", "duration")]
    if any(not _matches(item, f) for f in claims):
        return "wrong", found
    return ("partial" if claims else "missed"), found


def _matches(item: Item, f: Figure) -> bool:
    if item.kinds and f.kind not in item.kinds:
        return False
    if item.spec == "PercentModel" and item.unit == "pp" and f.unit not in ("pp", "%"):
        return False
    if item.spec == "DurationParser" and f.unit != item.unit:
        return False
    if not _close(f.value, item.expected, item.rounded):
        return _close(f.low, item.expected) and item.approx == "at_least" == f.approx
    if item.value_max is not None and not _close(f.value_max, item.value_max):
        return False
    return item.approx is None or f.approx == item.approx


def _cn2an(item: Item) -> str:
    if not item.numeral or item.expected is None:
        return "n/a"
    try:
        value = Decimal(str(cn2an.cn2an(item.numeral, "smart")))
    except (ValueError, KeyError, IndexError, InvalidOperation):
        return "missed"
    return "right" if _close(value, item.expected) else "wrong"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show", choices=("wrong", "partial", "missed", "out", "spurious", "right")
    )
    args = parser.parse_args()
    groups = [
        ("NumberModel", number_items()),
        ("PercentModel", percent_items()),
        ("NumberRangeModel", range_items()),
        ("DateParser", date_items()),
        ("DurationParser", duration_items()),
    ]
    header = (
        "spec",
        "items",
        "in scope",
        "right",
        "partial",
        "wrong",
        "missed",
        "out",
        "neg clean/spur",
    )
    print("| " + " | ".join(header) + " | cn2an right | cn2an wrong | cn2an missed | cn2an n/a |")
    print("|" + "---|" * (len(header) + 4))
    out_of_scope: Counter[tuple[str, str]] = Counter()
    shown = []
    for name, items in groups:
        tally: Counter[str] = Counter()
        peer: Counter[str] = Counter()
        for item in items:
            if item.scope:
                out_of_scope[(name, item.scope)] += 1
                tally["out"] += 1
                if args.show == "out":
                    shown.append(f"{name}: {item.surface} ({item.scope})")
                continue
            figures = find_figures(normalize(item.surface), item.published, item.surface)
            verdict, found = _judge(item, figures)
            tally[verdict] += 1
            if item.expected is not None:
                peer[_cn2an(item)] += 1
            if args.show == verdict:
                shown.append(f"{name}: {item.surface} expected {item.expected} | found {found}")
        in_scope = sum(tally[k] for k in ("right", "partial", "wrong", "missed"))
        row = (
            name,
            len(items),
            in_scope,
            tally["right"],
            tally["partial"],
            tally["wrong"],
            tally["missed"],
            tally["out"],
            f"{tally['clean']}/{tally['spurious']}",
            peer["right"],
            peer["wrong"],
            peer["missed"],
            peer["n/a"],
        )
        print("| " + " | ".join(str(c) for c in row) + " |")
    print("\nOut of scope, by reason:")
    for (name, why), count in sorted(out_of_scope.items()):
        print(f"- {name}: {why}: {count}")
    if shown:
        print(f"\n{args.show}:")
        print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
