"""Spans that hold numerals but are not claims: slogans and set phrases, identifiers, ordinals of
meetings. They are logged as figures with `checkworthy: false` and never parsed into a number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicons import alternation

_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’"}
_MAX_QUOTED = 16
_CN_NUMERAL = "一二两三四五六七八九十百千万"
_SLOGAN_TAIL = r"进一步|不断|意识|自信|维护|确立|全面|坚持|必须|一批|代表|务必|着力|统筹|到位"


@dataclass(frozen=True)
class NonClaim:
    """A span of text that is not a claim, and why: slogan, identifier or ordinal."""

    start: int
    end: int
    kind: str


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    phrases = alternation("slogans") + "|" + alternation("set_phrases")
    return [
        # Identifiers first: a URL's digits are never a figure.
        (re.compile(r"(?:https?://|www\.)[^\s，。；;、）)\]】\"'<>]+", re.I), "identifier"),
        (re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "identifier"),
        (re.compile(r"(?:%[0-9A-Fa-f]{2}){2,}"), "identifier"),
        (
            re.compile(
                r"(?<!\d)(?:0\d{2,3}-\d{7,8}|400-?\d{3}-?\d{4}|1[3-9]\d{9})(?![\d万亿元人个名家户吨])"
            ),
            "identifier",
        ),
        (
            re.compile(r"[\u4e00-\u9fff]{0,2}ICP[备证]?\s*\d+号?(?:-\d+)?|公网安备\s*\d+号?"),
            "identifier",
        ),
        # Model and code names: letters joined to digits (C919, 5G, H7N9, PM2.5, COVID-19, G20).
        (re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+[-_]?\d+(?:\.\d+)?[A-Za-z0-9-]*"), "identifier"),
        (re.compile(r"(?<![A-Za-z0-9.])\d+[A-Za-z][A-Za-z0-9-]*"), "identifier"),
        (re.compile(phrases), "slogan"),
        (
            re.compile(
                rf"(?<![一二两三四五六七八九十])[一二两三四五六七八九十]+个(?:{_SLOGAN_TAIL})[\u4e00-\u9fff]{{0,3}}"
            ),
            "slogan",
        ),
        # 十四届全国人大二次会议, 二十届三中全会, 党的二十大: the ordinal of a meeting.
        (
            re.compile(
                r"(?<![第一二三四五六七八九十])[一二三四五六七八九十]+届(?=[\u4e00-\u9fff]{0,10}?(?:会|委|大))"
            ),
            "ordinal",
        ),
        (
            re.compile(
                r"(?<![第一二三四五六七八九十])[一二三四五六七八九十]+次(?=(?:全体)?(?:会议|全会|大会))"
            ),
            "ordinal",
        ),
        (re.compile(r"[一二三四五六七八九]中全会"), "ordinal"),
        (re.compile(r"(?<=党的)[一二三四五六七八九十]+大"), "ordinal"),
        # 建交50周年, 子午工程二期: anniversaries and project phases are ordinals.
        (
            re.compile(
                r"(?:(?<!\d)\d+|(?<![一二三四五六七八九十百])[一二三四五六七八九十百]+)周年"
            ),
            "ordinal",
        ),
        (re.compile(r"(?<=工程|项目)[一二三四五六七八九十]+期"), "ordinal"),
    ]


def spans(text: str) -> list[NonClaim]:
    """Every non-claim span in normalised text, without overlaps, in text order."""
    found = [
        NonClaim(m.start(), m.end(), kind)
        for pattern, kind in _patterns()
        for m in pattern.finditer(text)
        if m.end() > m.start() and _has_digit(m.group(0))
    ]
    found.extend(_quoted(text))
    merged: list[NonClaim] = []
    for span in sorted(found, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            continue
        merged.append(span)
    return merged


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() or ch in _CN_NUMERAL for ch in text)


def _quoted(text: str) -> list[NonClaim]:
    """Short quoted phrases with a Chinese numeral: “四个意识”, 「三打三治」."""
    out = []
    for opening, closing in _QUOTES.items():
        for m in re.finditer(re.escape(opening), text):
            i = m.start()
            j = text.find(closing, i + 1, i + 2 + _MAX_QUOTED)
            inner = text[i + 1 : j] if j > 0 else ""
            if inner and any(c in _CN_NUMERAL for c in inner) and not re.search(r"[。,，]", inner):
                out.append(NonClaim(i + 1, j, "slogan"))
    return out
