"""Matching claims against the facts of stored bulletins, and tracing each figure to its origin.

Candidates come only through an index: the facts_keyed R*Tree, whose first dimension is the fact's
key (kind, unit class, direction, head noun of the measure) and whose second is its value interval.
Support is one lookup by key and value; drift one by key, then place and period. Every candidate is
then judged by kind, unit, direction, measure (with its scope qualifiers), place (one division of
the gazetteer: a district's figure is not its city's), period (calendar, cumulative, with its
comparison base) and publication date. A verdict says in one line why.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from .claims import Claim
from .figure import MATCHED_KINDS
from .measures import clean, measures_compatible
from .periods import CALENDAR, CUMULATIVE, Period, is_calendar, starts_compatible
from .periods import period_end as period_end
from .places import Division, gazetteer, place_division
from .storage import OPEN_HIGH, Database

SUPPORTED, CONTRADICTED, UNVERIFIED = "supported", "contradicted", "unverified"
CANDIDATE_LIMIT = 400  # per claim and query, oldest first, so the origin is never cut off
_PERSON_UNITS = {"人", "名", "位"}
_PLACE_SUFFIX = re.compile(r"(省|市|县|区|州|自治区)$")
_AREA_PREFIX = re.compile(r"^(全市|全省|全县|全区|全国|本市|该市)")
_SERIES_KINDS = ("count", "money")  # cumulative totals that only grow with the as-of date
_FACT_COLUMNS = (
    "f.id AS fact, f.document_id AS document, f.text, f.kind, f.value, f.value_text, f.low, "
    "f.high, f.unit, f.direction, f.measure, f.place, f.period, f.comparison, "
    "f.place_code, f.period_kind, f.period_as_of, f.base, "
    "coalesce(trim(substr(d.text, f.sentence_start + 1, f.sentence_end - f.sentence_start)), "
    "f.context) AS context, "
    "d.url, d.title, d.published, d.source, coalesce(s.tier, 'official') AS tier"
)
_FACT_JOINS = "JOIN documents d ON d.id = f.document_id LEFT JOIN sources s ON s.name = d.source"


@dataclass
class Evidence:
    """A stored figure that bears on a claim, with the document it stands in."""

    document: int
    url: str
    title: str
    published: str | None
    source: str
    tier: str
    snippet: str
    value: Any
    text: str
    measure: str | None
    place: str | None
    period: str | None
    fact: int
    place_code: str | None = None
    period_kind: str | None = None
    period_as_of: str | None = None

    def record(self) -> dict[str, Any]:
        """The log's evidence object."""
        return asdict(self)


@dataclass
class Match:
    """A claim's verdict, its evidence in trace order, the origin, repetitions and drift."""

    claim: str
    verdict: str
    why: str
    evidence: list[Evidence] = field(default_factory=list)
    drift: list[Evidence] = field(default_factory=list)

    @property
    def origin(self) -> Evidence | None:
        """The earliest official document that states the figure."""
        return next((e for e in self.evidence if e.tier == "official"), None)

    @property
    def repetitions(self) -> list[Evidence]:
        origin = self.origin
        return [e for e in self.evidence if e is not origin]


@dataclass
class _Candidate:
    evidence: Evidence
    row: dict[str, Any]


def trace_order(items: list[Evidence]) -> list[Evidence]:
    """By publication date, official before media on the same day; undated last."""
    return sorted(items, key=lambda e: (e.published or "9999", e.tier != "official", e.document))


def place_key(place: str | None) -> str | None:
    """太原市 and 太原 name one place."""
    return _PLACE_SUFFIX.sub("", place) if place else None


@lru_cache(maxsize=4096)
def _division(place: str | None, code: str | None = None) -> Division | None:
    return place_division(place, code)


@lru_cache(maxsize=4096)
def _is_place(place: str | None, code: str | None = None) -> bool:
    """A code, or a name the gazetteer knows (者从市, stored before migration 7, is none)."""
    if code or _division(place) is not None:
        return True
    return bool(place and (gazetteer().lookup(place) or place in gazetteer().regions))


def same_place(a: str | None, a_code: str | None, b: str | None, b_code: str | None) -> bool:
    """Both places known and one division (by gazetteer code; by name when one is ambiguous)."""
    if not _is_place(a, a_code) or not _is_place(b, b_code):
        return False
    da, db = _division(a, a_code), _division(b, b_code)
    if da is not None and db is not None:
        return da.code == db.code
    return bool(a and b and a == b)


def place_ok(a: str | None, a_code: str | None, b: str | None, b_code: str | None) -> bool:
    """Unknown on either side is compatible; otherwise one division (小店区 is not 太原市)."""
    if not _is_place(a, a_code) or not _is_place(b, b_code):
        return True
    return same_place(a, a_code, b, b_code)


def places_compatible(a: str | None, b: str | None) -> bool:
    """Two place names, unknown on either side compatible: see place_ok."""
    return place_ok(a, None, b, None)


def place_label(place: str | None, code: str | None = None) -> str:
    """太原 for 太原市: how a why names a place."""
    division = _division(place, code)
    if division is not None:
        return division.short
    return place or "not stated"


@lru_cache(maxsize=1)
def _qualifiers() -> tuple[str, ...]:
    text = (resources.files("factcheck") / "data" / "qualifiers.txt").read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    return tuple(sorted(words, key=len, reverse=True))


def qualifiers(measure: str) -> frozenset[str]:
    """The scope qualifiers a measure carries (规模以上工业增加值 → 规模以上)."""
    found = set()
    for word in _qualifiers():
        if word in measure:
            found.add(word)
            measure = measure.replace(word, "\x00")
    return frozenset(found)


def measure_core(measure: str | None, *places: str | None) -> str:
    """A measure without a leading place or 全市 (太原市刑事类警情 → 刑事类警情)."""
    core = clean(measure or "")
    for place in places:
        for name in (place, place_key(place)):
            if name and core.startswith(name) and len(core) > len(name) + 1:
                core = core[len(name) :]
    core = _AREA_PREFIX.sub("", core)
    for mention in gazetteer().mentions(core)[:1]:
        if mention.start == 0 and len(core) > mention.end + 1:
            core = core[mention.end :]
    return core


def fact_period(row: dict[str, Any]) -> Period | None:
    """A stored fact's period (None: unstated); a version-6 fact's 2019-Q1 is a calendar one."""
    key, kind = row.get("period"), row.get("period_kind")
    if kind == CUMULATIVE:
        start = key[len("since ") :] if key and key.startswith("since ") else None
        return Period(CUMULATIVE, start, row.get("period_as_of"))
    if key and (kind == CALENDAR or (kind is None and is_calendar(key))):
        return Period(CALENDAR, key)
    return None


def claim_period(claim: Claim) -> Period | None:
    """A claim's period (None: unstated, only the publication date)."""
    scope = claim.scope
    if scope is not None:
        return scope if scope.kind in (CALENDAR, CUMULATIVE) else None
    value = claim.period_value
    return Period(CALENDAR, value) if value and is_calendar(value) else None


def period_relation(ours: Period | None, theirs: Period | None, kind: str) -> str:
    """same | unknown | series (one cumulative total at two dates) | other."""
    if ours is None or theirs is None:
        return "unknown"
    if ours.kind != theirs.kind:
        return "other"
    if ours.kind == CALENDAR:
        return "same" if ours.value == theirs.value else "other"
    if not starts_compatible(ours.value, theirs.value):
        return "other"
    if not ours.as_of or not theirs.as_of or ours.as_of == theirs.as_of:
        return "same"
    return "series" if kind in _SERIES_KINDS else "other"


class Matcher:
    """Looks claims up in the facts of a database and decides a verdict for each."""

    def __init__(self, db: Database) -> None:
        self.db = db
        conn = db.db.conn
        conn.create_function("place_ok", 4, place_ok, deterministic=True)
        conn.create_function("same_place", 4, same_place, deterministic=True)

    def has_facts(self) -> bool:
        """True when some bulletin figure is stored."""
        return self.db.db.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is not None

    def match(self, claims: list[Claim]) -> list[Match]:
        """A Match for every check-worthy claim.

        A cumulative figure quoted beside another that a bulletin states (128个，其中…84个) is
        read at that bulletin's date: the article restates its snapshot, so another value for the
        part is drift even though the article is dated later.
        """
        checked = [c for c in claims if c.checkworthy]
        matches = [self.match_claim(c) for c in checked]
        snapshots: dict[int, set[int]] = {}
        for claim, match in zip(checked, matches, strict=True):
            if match.verdict == SUPPORTED and _is_cumulative(claim):
                snapshots.setdefault(claim.sentence.start, set()).update(
                    e.document for e in match.evidence
                )
        for i, (claim, match) in enumerate(zip(checked, matches, strict=True)):
            docs = snapshots.get(claim.sentence.start)
            if docs and match.verdict == UNVERIFIED and _is_cumulative(claim):
                matches[i] = self.match_claim(claim, frozenset(docs))
        return matches

    def match_claim(self, claim: Claim, snapshots: frozenset[int] = frozenset()) -> Match:
        """Verdict, evidence and drift for one claim, with a one-line why.

        `snapshots`: documents whose cumulative figures are read at the claim's own date.
        """
        if claim.kind not in MATCHED_KINDS or not isinstance(claim.value, Decimal):
            return Match(
                claim.id, UNVERIFIED, f"{claim.kind} figures are not looked up in bulletins"
            )
        support: dict[int, _Candidate] = {}
        drift: dict[int, tuple[Evidence, str]] = {}
        rejected: list[str] = []
        for candidate in self._support_candidates(claim):
            problem = self._support_problem(claim, candidate.row)
            if problem is None:
                support.setdefault(candidate.evidence.document, candidate)
            else:
                rejected.append(problem)
        supporting = list(support.values())
        for candidate in self._drift_candidates(claim):
            if candidate.evidence.document in support:
                continue
            conflict = self._conflict(
                claim, candidate.row, supporting, candidate.evidence.document in snapshots
            )
            if conflict is not None:
                drift.setdefault(candidate.evidence.document, (candidate.evidence, conflict))
        evidence = trace_order([c.evidence for c in supporting])
        drifting = trace_order([e for e, _ in drift.values()])
        if evidence:
            reasons = [drift[d.document][1] for d in drifting]
            why = _why_supported(claim, evidence, drifting, reasons)
            return Match(claim.id, SUPPORTED, why, evidence, drifting)
        if drifting:
            first = drifting[0]
            why = (
                f"contradicted: {first.source} ({first.published}) states {first.text} "
                f"(fact {first.fact}: {_matched_on(first)}): {drift[first.document][1]}"
            )
            return Match(claim.id, CONTRADICTED, why, [], drifting)
        return Match(claim.id, UNVERIFIED, _why_unverified(claim, rejected))

    # --- candidates (indexes only) --------------------------------------------------------------

    def _key(self, claim: Claim) -> int | None:
        """The fact_keys number of what a supporting fact shares with the claim, if any has it."""
        unit = "人" if claim.unit in _PERSON_UNITS else (claim.unit or "")
        direction = (claim.figure.direction or "") if claim.kind == "percent_change" else ""
        head = measure_core(claim.measure, claim.place)[-2:]
        row = self.db.db.execute(
            "SELECT id FROM fact_keys WHERE kind = ? AND unit = ? AND direction = ? AND head = ?",
            (claim.kind, unit, direction, head),
        ).fetchone()
        return int(row[0]) if row else None

    def _support_candidates(self, claim: Claim) -> list[_Candidate]:
        key = self._key(claim)
        if key is None:
            return []
        low, high = _claim_interval(claim)
        sql = (
            f"SELECT {_FACT_COLUMNS} FROM facts_keyed r CROSS JOIN facts f ON f.id = r.id "
            f"{_FACT_JOINS} WHERE r.key_lo <= ? AND r.key_hi >= ? AND r.low <= ? AND r.high >= ? "
            "AND place_ok(?, ?, f.place, f.place_code) ORDER BY d.published, f.id LIMIT ?"
        )
        params = (key, key, high, low, claim.place, claim.place_code, CANDIDATE_LIMIT)
        return self._candidates(sql, params)

    def _drift_candidates(self, claim: Claim) -> list[_Candidate]:
        """Facts with the claim's key, place and period, whatever their value (drift)."""
        period = claim_period(claim)
        key = self._key(claim)
        if key is None or not (claim.place or claim.place_code) or period is None:
            return []  # a contradiction needs a stated place and period
        same_period, value = (
            ("f.period_kind = ?", CUMULATIVE)
            if period.kind == CUMULATIVE
            else ("f.period = ?", period.value or "")
        )
        sql = (
            f"SELECT {_FACT_COLUMNS} FROM facts_keyed r CROSS JOIN facts f ON f.id = r.id "
            f"{_FACT_JOINS} WHERE r.key_lo <= ? AND r.key_hi >= ? AND {same_period} "
            "AND same_place(?, ?, f.place, f.place_code) ORDER BY d.published, f.id LIMIT ?"
        )
        params = (key, key, value, claim.place, claim.place_code, CANDIDATE_LIMIT)
        return self._candidates(sql, params)

    def _candidates(self, sql: str, params: tuple[Any, ...]) -> list[_Candidate]:
        return [_Candidate(_evidence(row), row) for row in self.db.rows(sql, params)]

    # --- judging ----------------------------------------------------------------------------------

    def _support_problem(self, claim: Claim, row: dict[str, Any]) -> str | None:
        """Why a fact with a compatible value does not support the claim (None: it does)."""
        if not self._same_quantity(claim, row):
            return f"another unit or direction ({row['text']})"
        if not self._overlaps(claim, row):
            return f"another value ({row['text']})"
        if not self._same_measure(claim, row):
            return f"another measure ({row['measure'] or 'none'})"
        if not place_ok(claim.place, claim.place_code, row["place"], row["place_code"]):
            return f"another place ({row['place']})"
        theirs = fact_period(row)
        if period_relation(claim_period(claim), theirs, claim.kind) == "other":
            return f"another period ({theirs.describe() if theirs else 'unstated'})"
        if not _bases_compatible(claim.base, row["base"]):
            return f"another comparison base ({row['base']})"
        if self._before_period_end(claim, row):
            return f"published {row['published']}, before the period ended"
        return None

    def _conflict(
        self,
        claim: Claim,
        row: dict[str, Any],
        supporting: list[_Candidate],
        snapshot: bool = False,
    ) -> str | None:
        """Why a fact of the claim's measure, place and period is drift (None: it is not)."""
        if not self._same_quantity(claim, row) or not self._same_measure(claim, row):
            return None
        if not same_place(claim.place, claim.place_code, row["place"], row["place_code"]):
            return None
        if not _bases_compatible(claim.base, row["base"]) or self._before_period_end(claim, row):
            return None
        theirs = fact_period(row)
        relation = period_relation(claim_period(claim), theirs, claim.kind)
        if relation == "series" and snapshot:
            relation = "same"
        if relation == "same":
            return None if self._overlaps(claim, row) else "another value for the same period"
        if relation != "series" or theirs is None:
            return None
        # A cumulative total may only grow: a smaller one at a later date is drift.
        ours = claim_period(claim)
        points = []
        for other in sorted(
            supporting, key=lambda c: (c.row["published"] or "9999", c.row["fact"])
        ):
            other_period = fact_period(other.row)
            if other_period is not None and other_period.kind == CUMULATIVE:
                interval = (other.row["low"], other.row["high"] or other.row["low"])
                points.append((other_period.as_of, interval, other.row["text"]))
        ours = claim_period(claim)
        points.append((ours.as_of if ours else None, _claim_interval(claim), claim.text))
        low, high = row["low"], row["high"] if row["high"] is not None else OPEN_HIGH
        for as_of, (other_low, other_high), text in points:
            if not as_of or not theirs.as_of or as_of == theirs.as_of:
                continue
            if theirs.as_of > as_of and high < other_low:
                return f"{row['text']} on {theirs.as_of} after {text} on {as_of}"
            if theirs.as_of < as_of and low > other_high:
                return f"{row['text']} on {theirs.as_of} before {text} on {as_of}"
        return None

    @staticmethod
    def _before_period_end(claim: Claim, row: dict[str, Any]) -> bool:
        """A calendar figure published before its period ended is a forecast, not the figure."""
        period = claim_period(claim)
        if period is None or period.kind != CALENDAR:
            return False
        end = period_end(period.value)
        return bool(end and row["published"] and row["published"] < end)

    @staticmethod
    def _same_quantity(claim: Claim, row: dict[str, Any]) -> bool:
        unit_ok = row["unit"] == claim.unit or {row["unit"], claim.unit} <= _PERSON_UNITS
        direction_ok = claim.kind != "percent_change" or row["direction"] == claim.figure.direction
        return bool(unit_ok and direction_ok)

    @staticmethod
    def _same_measure(claim: Claim, row: dict[str, Any]) -> bool:
        ours = measure_core(claim.measure, claim.place)
        theirs = measure_core(row["measure"], row["place"], claim.place)
        return measures_compatible(ours, theirs) and qualifiers(ours) == qualifiers(theirs)

    @staticmethod
    def _overlaps(claim: Claim, row: dict[str, Any]) -> bool:
        low, high = _claim_interval(claim)
        fact_high = row["high"] if row["high"] is not None else OPEN_HIGH
        return row["low"] is not None and row["low"] <= high and low <= fact_high


def _claim_interval(claim: Claim) -> tuple[float, float]:
    figure = claim.figure
    low = figure.low if figure.low is not None else Decimal(str(claim.value))
    high = figure.high
    if high is None:
        return float(low), OPEN_HIGH if figure.approx == "at_least" else float(low)
    return float(low), float(high)


def _is_cumulative(claim: Claim) -> bool:
    return claim.scope is not None and claim.scope.kind == CUMULATIVE


def _bases_compatible(ours: str | None, theirs: str | None) -> bool:
    return not ours or not theirs or ours == theirs


def _evidence(row: dict[str, Any]) -> Evidence:
    value = row["value"] if row["value"] is not None else row["value_text"]
    return Evidence(
        row["document"],
        row["url"],
        row["title"],
        row["published"],
        row["source"],
        row["tier"],
        row["context"],
        value,
        row["text"],
        row["measure"],
        row["place"],
        row["period"],
        row["fact"],
        row.get("place_code"),
        row.get("period_kind"),
        row.get("period_as_of"),
    )


def _matched_on(e: Evidence) -> str:
    """place 太原, period 2019-Q1, measure 群体性事件: what a fact shares with the claim."""
    period = fact_period(
        {"period": e.period, "period_kind": e.period_kind, "period_as_of": e.period_as_of}
    )
    return (
        f"place {place_label(e.place, e.place_code)}, "
        f"period {period.describe() if period else 'unstated'}, measure {e.measure or 'none'}"
    )


def _why_supported(
    claim: Claim, evidence: list[Evidence], drift: list[Evidence], reasons: list[str]
) -> str:
    first = next((e for e in evidence if e.tier == "official"), evidence[0])
    role = "origin" if first.tier == "official" else "earliest (media, no official source)"
    why = (
        f"{claim.text} {claim.measure or ''}: {role} {first.source} {first.published or 'undated'} "
        f"states {first.text} (fact {first.fact}: {_matched_on(first)}); "
        f"{len(evidence) - 1} repetition(s)"
    )
    if drift:
        why += "; drift: " + ", ".join(
            f"{d.source} {d.published}: {reason}" for d, reason in zip(drift, reasons, strict=True)
        )
    return why


def _why_unverified(claim: Claim, rejected: list[str]) -> str:
    if not rejected:
        return f"no stored bulletin states {claim.text} for {claim.measure or 'this measure'}"
    shown = sorted(set(rejected))[:4]
    return f"no bulletin supports {claim.text}; same value but " + "; ".join(shown)
