"""Stored runs: a run read back from the database with its claims, findings and matches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .storage import Database


@dataclass
class StoredClaim:
    """A claim as stored, with its verdict when the run was matched against bulletins."""

    id: str
    start: int
    end: int
    text: str
    kind: str
    value: Any
    unit: str | None
    measure: str | None
    checkworthy: bool
    sentence: str
    verdict: str | None = None
    why: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    origin: dict[str, Any] | None = None
    drift: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StoredFinding:
    """A consistency finding as stored."""

    id: str
    check: str
    status: str
    claims: list[str]
    message: str


@dataclass
class StoredRun:
    """One run of `factcheck run`, as the database keeps it."""

    run_id: str
    article: str
    article_key: str
    published: str | None
    created_at: str
    text: str
    claims: list[StoredClaim]
    findings: list[StoredFinding]
    url: str | None = None  # where the article was published (run --url)

    def claim(self, claim_id: str) -> StoredClaim:
        return next(c for c in self.claims if c.id == claim_id)


def resolve_run_id(db: Database, run_id: str | None) -> str:
    """The given run id if stored (a unique prefix is enough), else the latest run."""
    if run_id is None:
        rows = db.rows("SELECT run_id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1")
        if not rows:
            raise InputError("no run is stored yet: run `factcheck run ARTICLE` first")
        return str(rows[0]["run_id"])
    rows = db.rows("SELECT run_id FROM runs WHERE run_id LIKE ? || '%'", (run_id,))
    if len(rows) != 1:
        found = "no run" if not rows else f"{len(rows)} runs"
        raise InputError(f"{found} matching {run_id!r} in {db.path}")
    return str(rows[0]["run_id"])


def load_run(db: Database, run_id: str | None = None) -> StoredRun:
    """A stored run (the latest when run_id is None) with everything needed to review or report."""
    run_id = resolve_run_id(db, run_id)
    run = db.rows("SELECT * FROM runs WHERE run_id = ?", (run_id,))[0]
    matches = {m["claim"]: m for m in db.rows("SELECT * FROM matches WHERE run_id = ?", (run_id,))}
    claims = [
        claim_from_row(row, matches.get(row["id"], {}))
        for row in db.rows("SELECT * FROM claims WHERE run_id = ? ORDER BY start", (run_id,))
    ]
    findings = [
        finding_from_row(r)
        for r in db.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY rowid", (run_id,))
    ]
    return StoredRun(
        run_id,
        run["article"],
        run["article_key"] or run["article"],
        run["published"],
        run["created_at"],
        run["text"] or "",
        claims,
        findings,
        run.get("url"),
    )


def claim_from_row(row: dict[str, Any], match: dict[str, Any]) -> StoredClaim:
    """A claim from its row of the claims table and its row of matches ({} when unmatched)."""
    return StoredClaim(
        row["id"],
        row["start"],
        row["end"],
        row["text"],
        row["kind"],
        json.loads(row["value"]) if row["value"] else None,
        row["unit"],
        row["measure"],
        bool(row["checkworthy"]),
        row["sentence"] or "",
        match.get("verdict"),
        match.get("why"),
        json.loads(match.get("evidence") or "[]"),
        json.loads(match.get("origin") or "null"),
        json.loads(match.get("drift") or "[]"),
    )


def finding_from_row(row: dict[str, Any]) -> StoredFinding:
    """A finding from its row of the findings table."""
    return StoredFinding(
        row["id"], row["check"], row["status"], json.loads(row["claims"]), row["message"]
    )


def run_from_records(records: list[dict[str, Any]], text: str) -> StoredRun:
    """A run rebuilt from its log records (as run.log_records writes them) and the article text:
    what outputs read when the run is not, or not yet, read back from a database."""
    head = records[0]
    matches = {r["claim"]: r for r in records if r["type"] == "match"}
    claims = []
    for r in records:
        if r["type"] != "claim":
            continue
        match = matches.get(r["id"], {})
        claims.append(
            StoredClaim(
                r["id"],
                r["start"],
                r["end"],
                r["text"],
                r["kind"],
                r["value"],
                r["unit"],
                r["measure"],
                bool(r["checkworthy"]),
                r["sentence"] or "",
                match.get("verdict"),
                match.get("why"),
                list(match.get("evidence") or []),
                match.get("origin"),
                list(match.get("drift") or []),
            )
        )
    findings = [
        StoredFinding(r["id"], r["check"], r["status"], list(r["claims"]), r["message"])
        for r in records
        if r["type"] == "finding"
    ]
    return StoredRun(
        head["run_id"],
        head["article"],
        head.get("article_key") or head["article"],
        head["published"],
        head["created_at"],
        text,
        claims,
        findings,
        head.get("url"),
    )
