"""One status model for every output: a figure's own verdict, and the findings it takes part in.

A figure has two things to say, and every output (terminal, log summary, HTML, Markdown, JSON,
ClaimReview, the web desk) shows both, from here, with the same counts:

- its own verdict against the bulletins, after review: supported, contradicted, unverified;
  corrected or dismissed by a reviewer; "checked" for dates and durations, which are checked
  inside the article and never looked up; "non-claim" for slogans, ordinals and identifiers;
- the consistency findings it takes part in that are still standing (not dismissed): the worst
  of them, fail or warn, with their ids.

A sum that fails makes none of its parts "contradicted": 13 supported by a bulletin stays
supported, and is shown as taking part in the failing sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .figure import MATCHED_KINDS
from .review import OPEN, ReviewItem, reviewed_verdict
from .runs import StoredRun

# A figure's own verdict, most urgent first.
VERDICTS = (
    "contradicted",
    "corrected",
    "unverified",
    "dismissed",
    "supported",
    "checked",
    "non-claim",
)
VERDICT_MEANINGS = {
    "contradicted": "a bulletin states another value for the same measure, place and period",
    "corrected": "a reviewer corrected the figure: as published it is wrong",
    "unverified": "no stored bulletin states this figure for the same measure, place and period",
    "dismissed": "contradicted or unverified, then dismissed by a reviewer (see the note)",
    "supported": "a bulletin states the same figure for the same measure, place and period",
    "checked": "a date or a duration: checked inside the article, never looked up in bulletins",
    "non-claim": "a slogan, a programme name, an ordinal or an identifier: logged, not checked",
}
FINDING_STATES = ("fail", "warn", "pass")
SEVERITIES = ("flagged", "warned", "unverified", "fine")
DECISION_WORDS = {"confirm": "confirmed", "dismiss": "dismissed", "correct": "corrected"}


@dataclass(frozen=True)
class FigureStatus:
    """What one figure's verdict and standing findings are."""

    claim_id: str
    verdict: str  # one of VERDICTS
    finding: str | None = None  # the worst standing finding it takes part in: fail, warn or None
    findings: tuple[str, ...] = ()  # ids of the standing fail/warn findings, in the run's order

    @property
    def severity(self) -> str:
        """flagged (a fail, a contradiction or a correction), warned, unverified or fine."""
        if self.verdict in ("contradicted", "corrected") or self.finding == "fail":
            return "flagged"
        if self.finding == "warn":
            return "warned"
        if self.verdict == "unverified":
            return "unverified"
        return "fine"

    @property
    def rank(self) -> int:
        """0 for the most urgent: sort figures by it to show what to look at first."""
        return SEVERITIES.index(self.severity)


@dataclass(frozen=True)
class RunCounts:
    """The counts every output of a run shows, computed once."""

    figures: int
    checkworthy: int
    in_checks: int
    verdicts: dict[str, int]  # every key of VERDICTS, over all figures
    findings: dict[str, int]  # fail / warn / pass, as the checks gave them
    standing: dict[str, int]  # fail / warn findings not dismissed by a reviewer
    review: dict[str, int] = field(default_factory=dict)  # items, open, confirmed, …
    drift: int = 0

    @property
    def looked_up(self) -> int:
        """Figures looked up in the bulletins (check-worthy, not dates or durations)."""
        return sum(self.verdicts[v] for v in VERDICTS if v not in ("checked", "non-claim"))

    @property
    def status(self) -> str:
        """flagged when a standing finding fails or a figure is contradicted or corrected."""
        bad = self.standing["fail"] + self.verdicts["contradicted"] + self.verdicts["corrected"]
        return "flagged" if bad else "clean"

    def record(self) -> dict[str, Any]:
        """A JSON-ready view, the same in the log, the JSON report and the web desk."""
        return {
            "status": self.status,
            "figures": self.figures,
            "checkworthy": self.checkworthy,
            "looked_up": self.looked_up,
            "in_checks": self.in_checks,
            "verdicts": dict(self.verdicts),
            "findings": dict(self.findings),
            "standing_findings": dict(self.standing),
            "review": dict(self.review),
            "drift": self.drift,
        }

    def line(self) -> str:
        """One line of the counts, worded the same in every output: findings still standing after
        review (dismissed ones said apart), and every verdict that adds up to the figures looked up."""
        v, f, standing = self.verdicts, self.findings, self.standing
        dismissed = f["fail"] + f["warn"] - standing["fail"] - standing["warn"]
        checks = f"{standing['fail']} failed, {standing['warn']} warned, {f['pass']} passed checks"
        if dismissed:
            checks += f" ({dismissed} dismissed on review)"
        verdicts = [f"{v['contradicted']} contradicted"]
        verdicts += [f"{v[k]} {k}" for k in ("corrected", "dismissed") if v[k]]
        verdicts += [f"{v['supported']} supported", f"{v['unverified']} unverified"]
        return (
            f"{checks}; {', '.join(verdicts)} of {self.looked_up} figures looked up; "
            f"{v['checked']} dates and durations checked in the article only, not looked up"
        )


def figure_statuses(run: StoredRun, items: Iterable[ReviewItem] = ()) -> dict[str, FigureStatus]:
    """Every figure's status, by claim id, after the review decisions in `items`."""
    items = list(items)
    own = {i.claims[0].id: i for i in items if i.kind == "claim" and i.claims}
    dismissed = {i.id for i in items if i.kind == "finding" and i.state == "dismiss"}
    standing: dict[str, list[tuple[str, str]]] = {}
    for finding in run.findings:
        if finding.status == "pass" or finding.id in dismissed:
            continue
        for cid in dict.fromkeys(finding.claims):
            standing.setdefault(cid, []).append((finding.id, finding.status))
    statuses = {}
    for claim in run.claims:
        if not claim.checkworthy:
            verdict = "non-claim"
        elif claim.kind not in MATCHED_KINDS:
            verdict = "checked"
        else:
            verdict = reviewed_verdict(own.get(claim.id), claim.verdict) or "unverified"
        found = standing.get(claim.id, [])
        worst = "fail" if any(s == "fail" for _, s in found) else ("warn" if found else None)
        statuses[claim.id] = FigureStatus(claim.id, verdict, worst, tuple(i for i, _ in found))
    return statuses


def run_counts(
    run: StoredRun,
    items: Iterable[ReviewItem] = (),
    statuses: dict[str, FigureStatus] | None = None,
) -> RunCounts:
    """The counts of a run after review, the same for every output."""
    items = list(items)
    statuses = statuses if statuses is not None else figure_statuses(run, items)
    verdicts = Counter(s.verdict for s in statuses.values())
    findings = Counter(f.status for f in run.findings)
    dismissed = {i.id for i in items if i.kind == "finding" and i.state == "dismiss"}
    standing = Counter(f.status for f in run.findings if f.id not in dismissed)
    states = Counter(i.state for i in items)
    used = {cid for f in run.findings for cid in f.claims}
    worthy = [c for c in run.claims if c.checkworthy]
    return RunCounts(
        figures=len(run.claims),
        checkworthy=len(worthy),
        in_checks=sum(1 for c in worthy if c.id in used),
        verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
        findings={s: findings.get(s, 0) for s in FINDING_STATES},
        standing={s: standing.get(s, 0) for s in ("fail", "warn")},
        review={
            "items": len(items),
            "open": states.get(OPEN, 0),
            **{word: states.get(d, 0) for d, word in DECISION_WORDS.items()},
        },
        drift=sum(1 for c in run.claims if c.checkworthy and c.drift),
    )


@dataclass(frozen=True)
class Attention:
    """One thing to look at: a standing finding, or a figure's verdict (repeats folded into one)."""

    severity: str  # flagged, warned or unverified (SEVERITIES)
    kind: str  # "finding" or "claim"
    id: str  # what `review --item` and `trace` take: f3, c6 (the first of repeats)
    status: str  # fail / warn for findings; contradicted / corrected / unverified for claims
    message: str
    claims: tuple[str, ...]  # the figures it names; for a claim, every repeat of the figure

    @property
    def count(self) -> int:
        """How many times the figure is repeated (1 for a finding)."""
        return len(self.claims) if self.kind == "claim" else 1


def attention(
    run: StoredRun,
    items: Iterable[ReviewItem] = (),
    statuses: dict[str, FigureStatus] | None = None,
) -> list[Attention]:
    """What to look at first, most urgent first: failed findings and contradicted or corrected
    figures, then warnings, then unverified figures; a figure repeated with the same verdict
    (128個 five times) is one entry."""
    items = list(items)
    statuses = statuses if statuses is not None else figure_statuses(run, items)
    dismissed = {i.id for i in items if i.kind == "finding" and i.state == "dismiss"}
    entries = [
        Attention(
            "flagged" if f.status == "fail" else "warned",
            "finding",
            f.id,
            f.status,
            f.message,
            tuple(dict.fromkeys(f.claims)),
        )
        for f in run.findings
        if f.status != "pass" and f.id not in dismissed
    ]
    repeats: dict[tuple[Any, ...], list[str]] = {}
    first: dict[tuple[Any, ...], tuple[str, str]] = {}
    for claim in run.claims:
        verdict = statuses[claim.id].verdict
        if verdict not in ("contradicted", "corrected", "unverified"):
            continue
        key = (claim.text, claim.measure, verdict)
        repeats.setdefault(key, []).append(claim.id)
        first.setdefault(key, (claim.id, claim.why or verdict))
    for key, ids in repeats.items():
        verdict = key[2]
        severity = "unverified" if verdict == "unverified" else "flagged"
        cid, why = first[key]
        entries.append(Attention(severity, "claim", cid, verdict, why, tuple(ids)))
    return sorted(entries, key=lambda e: SEVERITIES.index(e.severity))
