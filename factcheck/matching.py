"""Matching claims against the facts of stored bulletins, and tracing each figure to its origin.

Candidates come only through an index: the facts_keyed R*Tree, whose first dimension is the fact's
key (kind, unit class, direction, head noun of the measure) and whose second is its value interval.
Support is one lookup by key and value; drift one by key, then place and period. Every candidate is
then judged by kind, unit, direction, measure, place, period and publication date. A verdict says
in one line why.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .claims import Claim
from .measures import clean, measures_compatible
from .storage import OPEN_HIGH, Database

SUPPORTED, CONTRADICTED, UNVERIFIED = "supported", "contradicted", "unverified"
MATCHED_KINDS = ("count", "money", "percent", "percent_change", "rank")
CANDIDATE_LIMIT = 400  # per claim and query, oldest first, so the origin is never cut off
_PERSON_UNITS = {"人", "名", "位"}
_PLACE_SUFFIX = re.compile(r"(省|市|县|区|州|自治区)$")
_AREA_PREFIX = re.compile(r"^(全市|全省|全县|全区|全国|本市|该市)")
_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?(?:-(\d{2}))?$")
_FACT_COLUMNS = (
    "f.id AS fact, f.document_id AS document, f.text, f.kind, f.value, f.value_text, f.low, "
    "f.high, f.unit, f.direction, f.measure, f.place, f.period, f.comparison, "
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


def period_end(period: str | None) -> str | None:
    """The last day of a period value (2019-Q1 → 2019-03-31, 2018 → 2018-12-31), if it is one."""
    if not period:
        return None
    match = _PERIOD.match(period.split("/")[-1])
    if match is None:
        return None
    year, part, day = match.groups()
    if day:
        return f"{year}-{part}-{day}"
    if part is None:
        return f"{year}-12-31"
    month = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}.get(part) or int(part)
    return f"{year}-{month:02d}-{calendar.monthrange(int(year), month)[1]:02d}"


def place_key(place: str | None) -> str | None:
    """太原市 and 太原 name one place."""
    return _PLACE_SUFFIX.sub("", place) if place else None


def places_compatible(a: str | None, b: str | None) -> bool:
    """Unknown on either side is compatible; otherwise one name must contain the other."""
    ka, kb = place_key(a), place_key(b)
    return not ka or not kb or ka in kb or kb in ka


def measure_core(measure: str | None, *places: str | None) -> str:
    """A measure without a leading place or 全市 (太原市刑事类警情 → 刑事类警情)."""
    core = clean(measure or "")
    for place in places:
        for name in (place, place_key(place)):
            if name and core.startswith(name) and len(core) > len(name) + 1:
                core = core[len(name) :]
    return _AREA_PREFIX.sub("", core)


class Matcher:
    """Looks claims up in the facts of a database and decides a verdict for each."""

    def __init__(self, db: Database) -> None:
        self.db = db
        conn = db.db.conn
        conn.create_function("places_compatible", 2, places_compatible, deterministic=True)
        conn.create_function("place_key", 1, place_key, deterministic=True)

    def has_facts(self) -> bool:
        """True when some bulletin figure is stored."""
        return self.db.db.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is not None

    def match(self, claims: list[Claim]) -> list[Match]:
        """A Match for every check-worthy claim."""
        return [self.match_claim(c) for c in claims if c.checkworthy]

    def match_claim(self, claim: Claim) -> Match:
        """Verdict, evidence and drift for one claim, with a one-line why."""
        if claim.kind not in MATCHED_KINDS or not isinstance(claim.value, Decimal):
            return Match(
                claim.id, UNVERIFIED, f"{claim.kind} figures are not looked up in bulletins"
            )
        support: dict[int, Evidence] = {}
        drift: dict[int, Evidence] = {}
        rejected: list[str] = []
        for candidate in self._support_candidates(claim):
            problem = self._support_problem(claim, candidate.row)
            if problem is None:
                support.setdefault(candidate.evidence.document, candidate.evidence)
            else:
                rejected.append(problem)
        for candidate in self._drift_candidates(claim):
            if candidate.evidence.document in support or self._overlaps(claim, candidate.row):
                continue
            if self._contradicts(claim, candidate.row):
                drift.setdefault(candidate.evidence.document, candidate.evidence)
        evidence, drifting = trace_order(list(support.values())), trace_order(list(drift.values()))
        if evidence:
            return Match(
                claim.id, SUPPORTED, _why_supported(claim, evidence, drifting), evidence, drifting
            )
        if drifting:
            first = drifting[0]
            why = (
                f"contradicted: {first.source} ({first.published}) states {first.text} "
                f"for {first.measure} ({place_key(first.place) or '?'}, {first.period or 'same period'})"
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
            "AND places_compatible(?, f.place) ORDER BY d.published, f.id LIMIT ?"
        )
        return self._candidates(sql, (key, key, high, low, claim.place, CANDIDATE_LIMIT))

    def _drift_candidates(self, claim: Claim) -> list[_Candidate]:
        """Facts with the claim's key, place and period, whatever their value (drift)."""
        period = claim.period_value or claim.period
        key = self._key(claim)
        if key is None or not place_key(claim.place) or not period:
            return []  # _contradicts needs a stated place and period
        sql = (
            f"SELECT {_FACT_COLUMNS} FROM facts_keyed r CROSS JOIN facts f ON f.id = r.id "
            f"{_FACT_JOINS} WHERE r.key_lo <= ? AND r.key_hi >= ? AND f.period = ? "
            "AND place_key(f.place) = ? ORDER BY d.published, f.id LIMIT ?"
        )
        return self._candidates(sql, (key, key, period, place_key(claim.place), CANDIDATE_LIMIT))

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
            return f"another measure ({row['measure'] or '?'})"
        if not places_compatible(claim.place, row["place"]):
            return f"another place ({row['place']})"
        if not _periods_compatible(claim.period_value, row["period"]):
            return f"another period ({row['period']})"
        end = period_end(claim.period_value)
        if end and row["published"] and row["published"] < end:
            return f"published {row['published']}, before the period ended"
        return None

    def _contradicts(self, claim: Claim, row: dict[str, Any]) -> bool:
        """Same measure, place and period (all stated), another value: drift."""
        if not self._same_quantity(claim, row) or not self._same_measure(claim, row):
            return False
        if not (place_key(claim.place) and place_key(claim.place) == place_key(row["place"])):
            return False
        ours, theirs = claim.period_value or claim.period, row["period"]
        if not ours or not theirs or ours != theirs:
            return False
        end = period_end(claim.period_value)
        return not (end and row["published"] and row["published"] < end)

    @staticmethod
    def _same_quantity(claim: Claim, row: dict[str, Any]) -> bool:
        unit_ok = row["unit"] == claim.unit or {row["unit"], claim.unit} <= _PERSON_UNITS
        direction_ok = claim.kind != "percent_change" or row["direction"] == claim.figure.direction
        return bool(unit_ok and direction_ok)

    @staticmethod
    def _same_measure(claim: Claim, row: dict[str, Any]) -> bool:
        ours = measure_core(claim.measure, claim.place)
        theirs = measure_core(row["measure"], row["place"], claim.place)
        return measures_compatible(ours, theirs)

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


def _periods_compatible(ours: str | None, theirs: str | None) -> bool:
    if not ours or not theirs or not _PERIOD.match(theirs):
        return True
    return ours == theirs or theirs.startswith(ours) or ours.startswith(theirs)


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
    )


def _why_supported(claim: Claim, evidence: list[Evidence], drift: list[Evidence]) -> str:
    first = next((e for e in evidence if e.tier == "official"), evidence[0])
    role = "origin" if first.tier == "official" else "earliest (media, no official source)"
    why = (
        f"{claim.text} {claim.measure or ''}: {role} {first.source} {first.published or 'undated'} "
        f"states {first.text} {first.measure or ''} (same measure, place {place_key(first.place) or '?'}"
        f", period {first.period or 'unstated'}); {len(evidence) - 1} repetition(s)"
    )
    if drift:
        why += "; drift: " + ", ".join(f"{d.text} in {d.source} {d.published}" for d in drift)
    return why


def _why_unverified(claim: Claim, rejected: list[str]) -> str:
    if not rejected:
        return f"no stored bulletin states {claim.text} for {claim.measure or 'this measure'}"
    shown = sorted(set(rejected))[:4]
    return f"no bulletin supports {claim.text}; same value but " + "; ".join(shown)
