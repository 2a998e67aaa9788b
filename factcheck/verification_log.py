"""The verification log: JSON Lines records (run, claim, finding, summary), a contract for tools."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .checks import Finding
from .claims import Claim
from .files import write_atomic
from .matching import Match


@dataclass
class Coverage:
    """How much of the article the checks reached."""

    figures: int
    checkworthy: int
    in_checks: int


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as the plainest JSON number: 128 rather than 128.0, 19.3 rather than 19.30."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def claim_value(claim: Claim) -> int | float | str | None:
    """The log's `value`: a number, an ISO-like date string, or null for an unresolved date."""
    value = claim.value
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, str) and (value[:1].isdigit() or value.startswith("--")):
        return value
    return None


def coverage_of(claims: list[Claim], findings: list[Finding]) -> Coverage:
    """Figures found, check-worthy, and check-worthy ones that took part in some check."""
    used = {cid for f in findings for cid in f.claims}
    worthy = [c for c in claims if c.checkworthy]
    return Coverage(len(claims), len(worthy), sum(1 for c in worthy if c.id in used))


def claim_record(claim: Claim, text: str) -> dict[str, Any]:
    """The `claim` record; `text` is the article as decoded, for the sentence."""
    figure = claim.figure
    record: dict[str, Any] = {
        "type": "claim",
        "id": claim.id,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "value": claim_value(claim),
        "unit": claim.unit,
        "kind": claim.kind,
        "approx": figure.approx,
        "measure": claim.measure,
        "checkworthy": claim.checkworthy,
        "low": json_number(figure.low),
        "high": json_number(figure.high),
        "value_max": json_number(figure.value_max),
        "direction": figure.direction,
        "place": claim.place,
        "period": claim.period,
        "period_value": claim.period_value,
        "comparison": claim.comparison,
        "actor": claim.actor,
        "headline": claim.headline,
        "sentence": text[claim.sentence.start : claim.sentence.end].strip(),
    }
    if claim.kind == "date" and record["value"] is None:
        record["relative"] = figure.value
    return record


def finding_record(finding: Finding) -> dict[str, Any]:
    """The `finding` record."""
    return {
        "type": "finding",
        "id": finding.id,
        "check": finding.check,
        "status": finding.status,
        "claims": finding.claims,
        "message": finding.message,
    }


def match_record(match: Match) -> dict[str, Any]:
    """The `match` record: verdict, evidence in trace order, origin, repetitions, drift, why."""
    origin = match.origin
    return {
        "type": "match",
        "claim": match.claim,
        "verdict": match.verdict,
        "evidence": [e.record() for e in match.evidence],
        "origin": origin.record() if origin else None,
        "repetitions": [e.url for e in match.repetitions],
        "drift": [e.record() for e in match.drift],
        "why": match.why,
    }


def summary_record(
    claims: list[Claim], findings: list[Finding], matches: list[Match] | None = None
) -> dict[str, Any]:
    """The closing `summary` record: counts, coverage and the overall status."""
    statuses = Counter(f.status for f in findings)
    verdicts = Counter(m.verdict for m in matches or [])
    coverage = coverage_of(claims, findings)
    flagged = statuses.get("fail") or verdicts.get("contradicted")
    return {
        "type": "summary",
        "claims": coverage.figures,
        "checkworthy": coverage.checkworthy,
        "in_checks": coverage.in_checks,
        "findings": {s: statuses.get(s, 0) for s in ("pass", "warn", "fail")},
        "matches": {v: verdicts.get(v, 0) for v in ("supported", "contradicted", "unverified")},
        "drift": sum(1 for m in matches or [] if m.drift),
        "status": "flagged" if flagged else "clean",
    }


def dumps(record: dict[str, Any]) -> str:
    """One JSON line, non-ASCII kept readable."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_log(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write the log atomically: a reader never sees half a log, a failure leaves no file."""
    write_atomic(path, "".join(dumps(record) + "\n" for record in records))


def read_log(path: Path) -> list[dict[str, Any]]:
    """The records of a log file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
