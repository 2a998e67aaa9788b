"""Word lists of the figure grammar, kept as data files in factcheck/data/lexicons/ and read once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of lexicon `name` (whitespace-separated, `#` comments), in file order."""
    text = (
        resources.files("factcheck").joinpath("data", "lexicons", f"{name}.txt").read_text("utf-8")
    )
    entries: list[str] = []
    for line in text.splitlines():
        entries.extend(line.split("#", 1)[0].split())
    return tuple(dict.fromkeys(entries))


@cache
def pairs(name: str) -> dict[str, str]:
    """A lexicon of `key<TAB>value` lines, as a dict."""
    text = (
        resources.files("factcheck").joinpath("data", "lexicons", f"{name}.txt").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if "\t" in line:
            key, value = line.split("\t", 1)
            table[key.strip()] = value.strip()
    return table


def alternation(name: str) -> str:
    """A regular-expression alternation of lexicon `name`, longest entries first."""
    return "|".join(re.escape(w) for w in sorted(words(name), key=len, reverse=True))
