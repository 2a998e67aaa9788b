"""A claim's timeline from a stored run: the origin, the repetitions after it, and drift."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .runs import resolve_run_id
from .storage import Database
from .text import normalize


@dataclass
class Trace:
    """One claim of a run with its verdict and the documents behind it, in trace order."""

    run_id: str
    claim: dict[str, Any]
    verdict: str
    why: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)

    @property
    def origin(self) -> dict[str, Any] | None:
        return next((e for e in self.evidence if e.get("tier") == "official"), None)

    def record(self) -> dict[str, Any]:
        """`trace --json`: the claim, its verdict and why, and the timeline in order."""
        return {
            "run_id": self.run_id,
            "claim": self.claim["id"],
            "text": self.claim["text"],
            "measure": self.claim.get("measure"),
            "verdict": self.verdict,
            "why": self.why,
            "timeline": [{"role": role, **item} for role, item in self.timeline()],
        }

    def timeline(self) -> list[tuple[str, dict[str, Any]]]:
        """(role, evidence) by publication date: origin, repetition, drift."""
        origin = self.origin
        rows = [("origin" if e is origin else "repetition", e) for e in self.evidence]
        rows += [("drift", e) for e in self.drift]
        return sorted(rows, key=lambda r: (r[1].get("published") or "9999", r[0] != "origin"))


def find_trace(db: Database, claim: str, run_id: str | None = None) -> Trace:
    """The trace of a claim given by id (c6) or by its text (128个 / 128個) in a run (the latest)."""
    run_id = resolve_run_id(db, run_id)
    rows = db.rows(
        "SELECT c.*, m.verdict, m.why, m.evidence, m.drift FROM claims c "
        "JOIN matches m ON m.run_id = c.run_id AND m.claim = c.id "
        "WHERE c.run_id = ? ORDER BY c.start",
        (run_id,),
    )
    wanted = normalize(claim)
    chosen = next((r for r in rows if r["id"] == claim), None)
    # By text, the mention with the richest trace (the body's 128个 rather than the headline's).
    same = [r for r in rows if normalize(r["text"]) == wanted]
    richest = max(
        same, key=lambda r: len(r["evidence"] or "") + len(r["drift"] or ""), default=None
    )
    chosen = chosen or richest
    if chosen is None:
        known = ", ".join(f"{r['id']} {r['text']}" for r in rows[:8])
        raise InputError(f"no matched claim {claim!r} in run {run_id}; some are: {known}")
    return Trace(
        run_id,
        chosen,
        chosen["verdict"],
        chosen["why"] or "",
        json.loads(chosen["evidence"] or "[]"),
        json.loads(chosen["drift"] or "[]"),
    )
