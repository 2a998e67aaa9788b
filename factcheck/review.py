"""Review: the items of a run a person must look at, and their decisions, kept as an audit trail.

Every failed or warned finding and every contradicted or unverified check-worthy claim is an item.
Decisions (confirm, dismiss, correct) are appended with who and when and never overwritten. An
item's key depends only on its sentence and figures, so a decision made on one run applies to the
same item in a later run of the same article, as long as the item did not change.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .figure import MATCHED_KINDS
from .runs import StoredClaim, StoredFinding, StoredRun
from .storage import Database

DECISIONS = ("confirm", "dismiss", "correct")
OPEN = "open"


@dataclass
class Decision:
    """One reviewer decision on an item, as appended to the reviews table."""

    decision: str
    note: str
    reviewer: str
    at: str
    run_id: str
    value: str | None = None


@dataclass
class ReviewItem:
    """Something flagged in a run: a finding or a claim, with its proposal and its history."""

    id: str
    kind: str  # "finding" | "claim"
    key: str
    proposed: str  # fail / warn for findings, contradicted / unverified for claims
    message: str
    claims: list[StoredClaim]
    history: list[Decision] = field(default_factory=list)

    @property
    def state(self) -> str:
        """The latest decision, or "open"."""
        return self.history[-1].decision if self.history else OPEN

    @property
    def latest(self) -> Decision | None:
        return self.history[-1] if self.history else None

    def record(self) -> dict[str, Any]:
        """A JSON-ready view for `review --list --json` and reports."""
        return {
            "id": self.id,
            "kind": self.kind,
            "proposed": self.proposed,
            "state": self.state,
            "message": self.message,
            "claims": [c.id for c in self.claims],
            "figures": [c.text for c in self.claims],
            "sentence": self.claims[0].sentence if self.claims else "",
            "history": [vars(d) for d in self.history],
        }


def default_reviewer() -> str:
    """FACTCHECK_REVIEWER, else the login name."""
    return os.environ.get("FACTCHECK_REVIEWER") or getpass.getuser()


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def claim_key(claim: StoredClaim) -> str:
    """Stable across runs while the claim's sentence and figure are unchanged."""
    return "claim:" + _key(claim.sentence, claim.text, claim.kind)


def finding_key(finding: StoredFinding, claims: dict[str, StoredClaim]) -> str:
    """Stable across runs while the check and its figures' sentences are unchanged."""
    used = [claims[c] for c in finding.claims if c in claims]
    return "finding:" + _key(finding.check, *sorted(f"{c.sentence}|{c.text}" for c in used))


@dataclass
class ItemKeys:
    """The review key of every finding and every claim of a run, by id."""

    findings: dict[str, str]
    claims: dict[str, str]


def item_keys(claims: list[StoredClaim], findings: list[StoredFinding]) -> ItemKeys:
    """The keys a decision on a run's items is stored under (stored with the run, for SQL joins)."""
    by_id = {c.id: c for c in claims}
    return ItemKeys(
        {f.id: finding_key(f, by_id) for f in findings}, {c.id: claim_key(c) for c in claims}
    )


def review_items(db: Database, run: StoredRun) -> list[ReviewItem]:
    """The run's review items, each with its decisions (also from earlier runs of the article)."""
    by_id = {c.id: c for c in run.claims}
    items: list[ReviewItem] = []
    for finding in run.findings:
        if finding.status == "pass":
            continue
        used = [by_id[c] for c in finding.claims if c in by_id]
        key = finding_key(finding, by_id)
        items.append(ReviewItem(finding.id, "finding", key, finding.status, finding.message, used))
    for claim in run.claims:
        # Dates and durations have no verdict to review: they are checked inside the article.
        looked_up = claim.checkworthy and claim.kind in MATCHED_KINDS
        if looked_up and claim.verdict in ("contradicted", "unverified"):
            message = claim.why or claim.verdict
            items.append(
                ReviewItem(claim.id, "claim", claim_key(claim), claim.verdict, message, [claim])
            )
    _attach_history(db, run, items)
    return items


def _attach_history(db: Database, run: StoredRun, items: list[ReviewItem]) -> None:
    if not items:
        return
    keys = [i.key for i in items]
    marks = ", ".join("?" for _ in keys)
    rows = db.rows(
        "SELECT r.* FROM reviews r JOIN runs u ON u.run_id = r.run_id "
        f"WHERE u.article_key = ? AND r.item_key IN ({marks}) ORDER BY r.at, r.id",
        (run.article_key, *keys),
    )
    by_key: dict[str, list[Decision]] = {}
    for row in rows:
        decision = Decision(
            row["decision"],
            row["note"] or "",
            row["reviewer"],
            row["at"],
            row["run_id"],
            row["value"],
        )
        by_key.setdefault(row["item_key"], []).append(decision)
    for item in items:
        item.history = by_key.get(item.key, [])


def decide(
    db: Database,
    run: StoredRun,
    item: ReviewItem,
    decision: str,
    *,
    note: str = "",
    value: str | None = None,
    reviewer: str | None = None,
) -> Decision:
    """Append a decision to an item; dismissing needs a note, correcting a value and a note."""
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r}: expected one of {', '.join(DECISIONS)}")
    note = note.strip()
    if decision in ("dismiss", "correct") and not note:
        raise InputError(f"a {decision} needs a note saying why")
    if decision == "correct" and not (value or "").strip():
        raise InputError("a correction needs the corrected value")
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    made = Decision(decision, note, reviewer or default_reviewer(), at, run.run_id, value)
    with db.transaction():
        db.insert_rows(
            "reviews",
            [
                {
                    "run_id": run.run_id,
                    "item": item.id,
                    "item_key": item.key,
                    "decision": made.decision,
                    "value": made.value,
                    "note": made.note,
                    "reviewer": made.reviewer,
                    "at": made.at,
                }
            ],
        )
    item.history.append(made)
    return made


def find_item(items: list[ReviewItem], item_id: str) -> ReviewItem:
    """The item with this id (f3, c6), or InputError naming the ids there are."""
    found = next((i for i in items if i.id == item_id), None)
    if found is None:
        known = ", ".join(i.id for i in items) or "none"
        raise InputError(f"no review item {item_id!r} in this run; items: {known}")
    return found


def reviewed_verdict(item: ReviewItem | None, verdict: str | None) -> str | None:
    """The verdict after review: a confirmed or open item keeps it, a dismissed unverified or
    contradicted claim becomes "dismissed", a correction becomes "corrected"."""
    if item is None or item.state in (OPEN, "confirm"):
        return verdict
    return "corrected" if item.state == "correct" else "dismissed"
