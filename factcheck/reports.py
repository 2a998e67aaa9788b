"""Reports of a stored run: an annotated HTML article, Markdown, JSON and ClaimReview JSON-LD.

`build_report(db, run_id)` gathers a run, its review items and a status per figure;
`render(report, fmt)` writes it in one of FORMATS. Every string that came from the article or a
scraped page is escaped for the format it goes into, and the HTML report is self-contained (inline
CSS, no script, no external resource) under a Content-Security-Policy that forbids scripts, so
nothing scraped can run even if escaping failed. The rating scale of the ClaimReview output is in
RATINGS and docs/reports.md.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from . import __version__
from .errors import InputError
from .matching import MATCHED_KINDS
from .review import OPEN, ReviewItem, review_items, reviewed_verdict
from .runs import StoredClaim, StoredFinding, StoredRun, load_run
from .storage import Database

FORMATS = ("html", "md", "json", "claimreview")
SUFFIXES = {"html": ".html", "md": ".md", "json": ".json", "claimreview": ".jsonld"}
DEFAULT_AUTHOR = "factcheck"
# No script, no connection, no frame; styles only inline, images only as data: URIs.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LINK_REL = "noopener noreferrer nofollow"
ARTICLE_BACKGROUND = "#fffcf2"  # a paper tint, used by nothing else on the page


@dataclass(frozen=True)
class Status:
    """How a figure's status is shown: a symbol and a word (readable without colour) and colours."""

    key: str
    symbol: str
    label: str
    meaning: str
    background: str  # the highlight colour, also looked for in screenshots by the tests
    line: str  # the CSS border-bottom under the figure: its width and style differ per status


# In the order of the legend, most urgent first. Colours are light enough for black text
# (contrast above 7:1); the symbol, the word and the line style carry the status without colour.
STATUSES: dict[str, Status] = {
    s.key: s
    for s in (
        Status(
            "flagged",
            "✗",
            "flagged",
            "a consistency check fails or a bulletin contradicts the figure, and no reviewer "
            "dismissed it",
            "#f7c5c5",
            "3px solid #a4001d",
        ),
        Status(
            "corrected",
            "✎",
            "corrected",
            "a reviewer corrected the figure: as published it is wrong",
            "#e2d3f4",
            "4px double #5a2d82",
        ),
        Status(
            "warn",
            "!",
            "warning",
            "a plausibility note to look at; nothing is known to be wrong",
            "#fbdcb4",
            "3px dashed #a35200",
        ),
        Status(
            "unverified",
            "?",
            "unverified",
            "no stored bulletin states this figure for the same measure, place and period",
            "#fff1a8",
            "3px dotted #7a6200",
        ),
        Status(
            "checked",
            "○",
            "checked in the article",
            "a date or a duration: checked inside the article (dates are valid and in order), "
            "never looked up in bulletins",
            "#d3e4f8",
            "2px solid #1d5a9e",
        ),
        Status(
            "dismissed",
            "⊘",
            "dismissed",
            "flagged, then dismissed by a reviewer as a false alarm (see the note)",
            "#e3e3e3",
            "2px dashed #4d4d4d",
        ),
        Status(
            "supported",
            "✓",
            "supported",
            "a bulletin states the same figure for the same measure, place and period",
            "#cdeccd",
            "2px solid #1a6e1a",
        ),
        Status(
            "non-claim",
            "–",
            "not a claim",
            "a slogan, a programme name or an ordinal: logged, not checked",
            "#f1f1f1",
            "1px dotted #8c8c8c",
        ),
    )
}
# Statuses listed under "Needs attention" at the top of the HTML and Markdown reports.
ATTENTION = ("flagged", "corrected", "warn", "unverified")
# When several things bear on a figure, the most urgent wins.
_PRIORITY = ["flagged", "corrected", "warn", "unverified", "checked"]
_DECISION_WORD = {"confirm": "confirmed", "dismiss": "dismissed", "correct": "corrected"}


@dataclass(frozen=True)
class Rating:
    """One step of the ClaimReview rating scale."""

    value: int
    name: str
    meaning: str


# The ClaimReview scale: 1 (worst) to 5 (best), ordered by how well the figure is established.
RATINGS: dict[str, Rating] = {
    r.name: r
    for r in (
        Rating(
            1,
            "False",
            "an official bulletin about the same measure, place and period states another value "
            "(and no reviewer dismissed it), or a reviewer corrected the figure itself",
        ),
        Rating(
            2,
            "Inconsistent",
            "the article contradicts itself: a consistency check that uses this figure fails "
            "(parts that do not add up, a part above its total), no reviewer dismissed it, and "
            "no bulletin settles which of the figures involved is wrong",
        ),
        Rating(
            3,
            "Unverified",
            "no stored bulletin states the figure (or it is a date or a duration, which are "
            "not looked up), and no reviewer has settled it",
        ),
        Rating(
            4,
            "No error found",
            "flagged, then dismissed by a reviewer as a false alarm, with a note; no bulletin "
            "supports it",
        ),
        Rating(
            5,
            "Accurate",
            "a bulletin states the same figure for the same measure, place and period",
        ),
    )
}
WORST_RATING = 1
BEST_RATING = 5


@dataclass
class Figure:
    """One figure of the article with everything the reports show about it."""

    claim: StoredClaim
    status: str  # a key of STATUSES
    verdict: str | None  # the verdict after review (review.reviewed_verdict)
    findings: list[StoredFinding] = field(default_factory=list)
    items: list[ReviewItem] = field(default_factory=list)  # review items that name the figure

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def decided(self) -> list[ReviewItem]:
        """Items that name the figure and carry a decision, latest decision last."""
        done = [i for i in self.items if i.latest is not None]
        return sorted(done, key=lambda i: i.latest.at if i.latest else "")

    @property
    def review(self) -> str | None:
        """The latest decision on an item naming the figure: confirmed, dismissed or corrected."""
        decided = self.decided
        return _DECISION_WORD.get(decided[-1].state) if decided else None

    @property
    def corrected_value(self) -> str | None:
        """The value a reviewer gave when correcting an item that names this figure."""
        values = [i.latest.value for i in self.decided if i.state == "correct" and i.latest]
        return values[-1] if values else None

    @property
    def rating(self) -> Rating | None:
        """The ClaimReview rating; None for non-claims."""
        if not self.claim.checkworthy:
            return None
        failing = any(
            i.kind == "finding" and i.proposed == "fail" and i.state != "dismiss"
            for i in self.items
        )
        if self.verdict in ("contradicted", "corrected"):
            return RATINGS["False"]
        if self.verdict == "supported":
            return RATINGS["Accurate"]
        if failing:
            return RATINGS["Inconsistent"]
        if self.verdict == "dismissed":
            return RATINGS["No error found"]
        return RATINGS["Unverified"]


@dataclass
class Report:
    """A stored run with its review items and a status for every figure."""

    run: StoredRun
    items: list[ReviewItem]
    figures: list[Figure]
    publishers: dict[str, str] = field(default_factory=dict)  # source name → publisher

    def figure(self, claim_id: str) -> Figure:
        return next(f for f in self.figures if f.id == claim_id)

    @property
    def headline(self) -> str:
        """The article's first non-empty line: its title in the saved files factcheck reads."""
        return next((line.strip() for line in self.run.text.splitlines() if line.strip()), "")

    @property
    def counts(self) -> dict[str, int]:
        """Figures per status, every status present (zero when none)."""
        found = Counter(f.status for f in self.figures)
        return {key: found.get(key, 0) for key in STATUSES}

    def summary(self) -> dict[str, Any]:
        """Counts of figures, statuses, findings, verdicts and review decisions."""
        findings = Counter(f.status for f in self.run.findings)
        verdicts = Counter(f.claim.verdict for f in self.figures if f.claim.checkworthy)
        states = Counter(i.state for i in self.items)
        used = {cid for f in self.run.findings for cid in f.claims}
        worthy = [f for f in self.figures if f.claim.checkworthy]
        return {
            "figures": len(self.figures),
            "checkworthy": len(worthy),
            "in_checks": sum(1 for f in worthy if f.id in used),
            "statuses": self.counts,
            "findings": {s: findings.get(s, 0) for s in ("pass", "warn", "fail")},
            "verdicts": {
                v: verdicts.get(v, 0) for v in ("supported", "contradicted", "unverified")
            },
            "review": {
                "items": len(self.items),
                "open": states.get(OPEN, 0),
                **{word: states.get(d, 0) for d, word in _DECISION_WORD.items()},
            },
        }


def build_report(db: Database, run_id: str | None = None) -> Report:
    """The report of a stored run (the latest when run_id is None)."""
    run = load_run(db, run_id)
    items = review_items(db, run)
    publishers = {
        str(r["name"]): str(r["publisher"])
        for r in db.rows("SELECT name, publisher FROM sources")
        if r["publisher"]
    }
    return report_of(run, items, publishers)


def report_of(
    run: StoredRun, items: list[ReviewItem], publishers: dict[str, str] | None = None
) -> Report:
    """A report from a run and its review items already loaded."""
    findings_of: dict[str, list[StoredFinding]] = {}
    for finding in run.findings:
        for cid in finding.claims:
            findings_of.setdefault(cid, []).append(finding)
    items_of: dict[str, list[ReviewItem]] = {}
    for item in items:
        for claim in item.claims:
            items_of.setdefault(claim.id, []).append(item)
    figures = []
    for claim in run.claims:
        own = next((i for i in items_of.get(claim.id, []) if i.kind == "claim"), None)
        figure = Figure(
            claim,
            "",
            reviewed_verdict(own, claim.verdict),
            findings_of.get(claim.id, []),
            items_of.get(claim.id, []),
        )
        figure.status = figure_status(figure)
        figures.append(figure)
    return Report(run, items, figures, dict(publishers or {}))


def figure_status(figure: Figure) -> str:
    """The status a figure is highlighted with (a key of STATUSES).

    Every review item naming the figure has an effect unless a reviewer dismissed it: a failed
    finding or a contradiction flags it, a warning warns, an unverified claim stays unverified
    (dates and durations, never looked up in bulletins, are "checked"), a correction marks it
    corrected; the most urgent effect wins. A figure whose every item was dismissed is
    "dismissed" (or stays "supported" when a bulletin supports it).
    """
    claim = figure.claim
    if not claim.checkworthy:
        return "non-claim"
    effects = set()
    dismissed = False
    for item in figure.items:
        if item.state == "dismiss":
            dismissed = True
        elif item.state == "correct":
            effects.add("corrected")
        elif item.proposed in ("fail", "contradicted"):
            effects.add("flagged")
        elif item.proposed == "warn":
            effects.add("warn")
        else:
            effects.add("unverified" if claim.kind in MATCHED_KINDS else "checked")
    for key in _PRIORITY:
        if key in effects:
            return key
    if claim.verdict == "supported":
        return "supported"
    if dismissed:
        return "dismissed"
    if claim.verdict == "contradicted":
        return "flagged"
    if claim.verdict == "unverified" and claim.kind in MATCHED_KINDS:
        return "unverified"
    return "checked"


def render(
    report: Report,
    fmt: str,
    *,
    base_url: str | None = None,
    author: str = DEFAULT_AUTHOR,
    author_url: str | None = None,
    claim_author: str | None = None,
    article_url: str | None = None,
) -> str:
    """The report as text in one of FORMATS.

    base_url is where the HTML report is (or will be) published: ClaimReview `url`s are
    base_url#c-<claim id>, the claim's section in the HTML report. author names the organisation
    publishing the review; claim_author, when known, the article's publisher; article_url, where
    the article was published (default: the file:// URI of the article checked).
    """
    if fmt == "html":
        return render_html(report)
    if fmt == "md":
        return render_markdown(report)
    if fmt == "json":
        return render_json(report)
    if fmt == "claimreview":
        return render_claimreview(
            report,
            base_url=base_url,
            author=author,
            author_url=author_url,
            claim_author=claim_author,
            article_url=article_url,
        )
    raise InputError(f"report format {fmt!r}: expected one of {', '.join(FORMATS)}")


# --- shared helpers ---------------------------------------------------------------------------


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL with a host, else None (never made a link)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def claim_summary(run: StoredRun, claim: StoredClaim, limit: int = 75) -> str:
    """A short statement of the claim for ClaimReview: the clause of the article that holds it.

    The clause runs between the nearest punctuation marks on either side; a clause of a few
    characters gets the one before it too; a long one is cut around the figure (Google suggests
    under 75 characters).
    """
    text = run.text
    if not text or text[claim.start : claim.end] != claim.text:
        return claim.sentence[:limit] or claim.text
    stops = "，,；;。！？!?：:\n"
    start = claim.start
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    end = claim.end
    while end < len(text) and text[end] not in stops:
        end += 1
    if end - start < 8 and start > 1 and text[start - 1] not in "。！？!?\n":
        start -= 1
        while start > 0 and text[start - 1] not in stops:
            start -= 1
    clause = text[start:end].strip()
    if len(clause) <= limit:
        return clause
    at = claim.start - start
    left = max(0, min(at - (limit - len(claim.text)) // 2, len(clause) - limit + 1))
    cut = clause[left : left + limit - 1]
    return ("…" if left else "") + cut + ("…" if left + limit - 1 < len(clause) else "")


def _source_label(report: Report, evidence: dict[str, Any]) -> str:
    name = str(evidence.get("source") or "")
    publisher = report.publishers.get(name)
    label = f"{publisher} ({name})" if publisher and publisher != name else name
    tier = evidence.get("tier")
    return f"{label}, {tier}" if tier else label


# --- HTML -------------------------------------------------------------------------------------


def esc(value: Any) -> str:
    """Text for HTML content or a quoted attribute: &, <, >, " and ' escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def report_css() -> str:
    """The report's stylesheet: enough for article_html() on its own page too."""
    rules = [
        ":root{color-scheme:light}",
        "*{box-sizing:border-box}",
        "body{margin:0;color:#1b1b1f;background:#fff;font:16px/1.6 'Noto Sans CJK SC',"
        "'Noto Sans CJK TC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
        "'WenQuanYi Zen Hei','DejaVu Sans',system-ui,sans-serif}",
        "main{max-width:64rem;margin:0 auto;padding:1.5rem 1.5rem 4rem}",
        "h1{font-size:1.6rem;margin:.2rem 0 .4rem}",
        "h2{font-size:1.25rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;"
        "border-bottom:2px solid #1b1b1f}",
        "h3{font-size:1.05rem;margin:0 0 .4rem}",
        ".meta{color:#444;margin:.2rem 0}",
        ".meta span{margin-right:1.2rem;white-space:nowrap}",
        ".verdict{font-size:1.1rem;font-weight:600;padding:.6rem .9rem;margin:1rem 0;"
        "border-left:6px solid #1b1b1f;background:#f4f4f6}",
        ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));"
        "gap:.5rem;margin:.8rem 0}",
        ".card{border:1px solid #c9c9cf;border-radius:6px;padding:.45rem .7rem;"
        "text-decoration:none;color:inherit}",
        ".card b{display:block;font-size:1.5rem;line-height:1.2}",
        ".card.zero{opacity:.5}",
        ".v-flagged{border-left-color:#a4001d;background:#fbeaea}",
        ".v-clean{border-left-color:#1a6e1a;background:#eef8ee}",
        ".attention li{margin:.3rem 0}",
        ".legend{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;"
        "align-items:baseline;margin:.5rem 0;font-size:.92rem}",
        ".article{font-size:1.08rem;line-height:2.2;border:1px solid #d5d5da;border-radius:6px;"
        f"padding:.4rem 1.3rem;background:{ARTICLE_BACKGROUND};overflow-wrap:anywhere}}",
        ".article p{white-space:pre-wrap;margin:.7rem 0}",
        "a.fig{color:inherit;text-decoration:none;padding:.08em .12em;border-radius:2px}",
        "a.fig:hover,a.fig:focus{outline:2px solid #1b1b1f;outline-offset:1px}",
        ".badge{font-size:.68em;font-weight:700;vertical-align:.55em;margin-left:.12em;"
        "white-space:nowrap;line-height:1;user-select:none}",
        ".tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.9em;"
        "white-space:nowrap}",
        ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
        "white-space:nowrap}",
        "section.claim{border:1px solid #d5d5da;border-radius:6px;padding:.8rem 1rem;"
        "margin:.8rem 0}",
        "section.claim:target,tr:target{outline:3px solid #1b1b1f;outline-offset:2px}",
        ".id{color:#555;font-weight:400;font-size:.85em}",
        ".sentence{background:#f7f7f9;padding:.4rem .6rem;border-radius:4px;margin:.4rem 0}",
        ".sentence mark{background:none;font-weight:700;text-decoration:underline 2px}",
        ".why{margin:.4rem 0}",
        "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0}",
        "th,td{border:1px solid #d5d5da;padding:.3rem .45rem;text-align:left;vertical-align:top}",
        "th{background:#f0f0f3}",
        "td.url{word-break:break-all;font-size:.85em}",
        ".snippet{color:#333;font-size:.92em;margin-top:.2rem}",
        "ul.plain{list-style:none;padding-left:0;margin:.3rem 0}",
        ".history{font-size:.9rem;color:#333}",
        ".back{font-size:.88rem}",
        ".nonclaims a{margin-right:.6rem}",
        "footer{margin-top:3rem;color:#555;font-size:.85rem}",
        "@media print{a.fig{outline:none}section.claim{break-inside:avoid}}",
    ]
    for status in STATUSES.values():
        rules.append(
            f".s-{status.key}{{background:{status.background};border-bottom:{status.line}}}"
        )
    return "\n".join(rules)


def _badge(figure: Figure) -> str:
    status = STATUSES[figure.status]
    extra = ""
    if figure.status == "corrected" and figure.corrected_value:
        extra = f" → {figure.corrected_value}"
    elif figure.review and figure.review != figure.status:
        extra = f" {figure.review}"
    return f'<span class="badge" aria-hidden="true">{esc(status.symbol + extra)}</span>'


def _tag(status_key: str, text: str | None = None) -> str:
    status = STATUSES[status_key]
    shown = text if text is not None else f"{status.symbol} {status.label}"
    return f'<span class="tag s-{status.key}">{esc(shown)}</span>'


def _figure_link(figure: Figure, shown: str | None = None) -> str:
    """The figure in the article: a link to its section, highlighted by status."""
    claim = figure.claim
    status = STATUSES[figure.status]
    label = f"{claim.text}: {status.label}"
    if figure.review:
        label += f", reviewed ({figure.review})"
    return (
        f'<a class="fig s-{status.key}" id="fig-{esc(claim.id)}" href="#c-{esc(claim.id)}" '
        f'data-claim="{esc(claim.id)}" data-status="{esc(status.key)}" '
        f'title="{esc(label)}" aria-label="{esc(label)}">'
        f"{esc(claim.text if shown is None else shown)}{_badge(figure)}</a>"
    )


def article_html(report: Report) -> str:
    """The annotated article as an HTML fragment (a div.article), styled by report_css().

    One paragraph per line, every figure a highlighted link to #c-<id>; other text escaped.
    """
    text = report.run.text
    figures = sorted(report.figures, key=lambda f: (f.claim.start, f.claim.end))
    usable = bool(text) and all(text[f.claim.start : f.claim.end] == f.claim.text for f in figures)
    if not usable:
        links = " ".join(_figure_link(f) for f in figures)
        return (
            '<p class="meta">The article text is not stored with this run, so its figures are '
            f'listed instead.</p>\n<div class="article"><p>{links}</p></div>'
        )
    paragraphs = []
    index = 0
    for line in re.finditer(r"[^\r\n]+", text):
        cursor, line_end = line.span()
        parts = []
        while index < len(figures) and figures[index].claim.start < line_end:
            figure = figures[index]
            start = max(figure.claim.start, cursor)  # an overlapping figure keeps its new part
            end = min(max(start, figure.claim.end), line_end)
            parts.append(esc(text[cursor:start]))
            parts.append(_figure_link(figure, text[start:end]))
            cursor = end
            index += 1
        parts.append(esc(text[cursor:line_end]))
        if parts != [esc(line.group())] or line.group().strip():
            paragraphs.append(f"<p>{''.join(parts)}</p>")
    return '<div class="article" lang="zh">\n' + "\n".join(paragraphs) + "\n</div>"


def _url_cell(url: Any) -> str:
    link = safe_url(url)
    if link:
        return f'<a href="{esc(link)}" rel="{LINK_REL}">{esc(link)}</a>'
    return f"{esc(url)}" if url else ""


def _evidence_rows(report: Report, figure: Figure) -> str:
    claim = figure.claim
    rows = []
    origin_url = (claim.origin or {}).get("url")
    for evidence in claim.evidence:
        role = "origin" if origin_url and evidence.get("url") == origin_url else "repeats it"
        rows.append((role, evidence))
    rows.extend(("drift: another value", d) for d in claim.drift)
    if not rows:
        return ""
    body = []
    for role, evidence in rows:
        body.append(
            "<tr>"
            f"<td>{esc(role)}</td>"
            f'<td lang="zh"><b>{esc(evidence.get("title"))}</b>'
            f'<div class="snippet">{esc(evidence.get("snippet"))}</div></td>'
            f'<td lang="zh">{esc(evidence.get("text") or evidence.get("value"))}</td>'
            f"<td>{esc(_source_label(report, evidence))}</td>"
            f"<td>{esc(evidence.get('published') or 'undated')}</td>"
            f'<td class="url">{_url_cell(evidence.get("url"))}</td>'
            "</tr>"
        )
    return (
        "<table><thead><tr><th>role</th><th>document</th><th>states</th><th>source</th>"
        "<th>published</th><th>link</th></tr></thead>\n<tbody>"
        + "\n".join(body)
        + "</tbody></table>"
    )


def _sentence_html(report: Report, figure: Figure) -> str:
    claim = figure.claim
    sentence = claim.sentence
    at = sentence.find(claim.text)
    if at < 0:
        return f'<p class="sentence" lang="zh">{esc(sentence)}</p>'
    end = at + len(claim.text)
    return (
        f'<p class="sentence" lang="zh">{esc(sentence[:at])}<mark>{esc(claim.text)}</mark>'
        f"{esc(sentence[end:])}</p>"
    )


def _finding_line(report: Report, finding: StoredFinding) -> str:
    tag = {"fail": "flagged", "warn": "warn", "pass": "supported"}[finding.status]
    word = {"fail": "✗ fail", "warn": "! warn", "pass": "✓ pass"}[finding.status]
    others = ", ".join(
        f'<a href="#c-{esc(cid)}" lang="zh">{esc(report.figure(cid).claim.text)}</a>'
        for cid in finding.claims
        if any(f.id == cid for f in report.figures)
    )
    return (
        f'<li><a href="#f-{esc(finding.id)}">{esc(finding.id)}</a> {_tag(tag, word)} '
        f"{esc(finding.check)}: <span lang='zh'>{esc(finding.message)}</span> "
        f"(figures: {others})</li>"
    )


def _history_html(items: list[ReviewItem]) -> str:
    lines = []
    for item in items:
        for d in item.history:
            value = f", value {d.value}" if d.value else ""
            lines.append(
                f"<li>{esc(item.id)}: <b>{esc(_DECISION_WORD.get(d.decision, d.decision))}</b>"
                f"{esc(value)} by {esc(d.reviewer)} on {esc(d.at[:16].replace('T', ' '))}"
                f" (run {esc(d.run_id)}): {esc(d.note or 'no note')}</li>"
            )
    if not lines:
        return ""
    return f'<p>Review:</p><ul class="history">{"".join(lines)}</ul>'


def _claim_section(report: Report, figure: Figure) -> str:
    claim = figure.claim
    facts = [claim.kind]
    if claim.measure:
        facts.append(claim.measure)
    rating = figure.rating
    why = claim.why or (
        "not looked up in bulletins" if claim.verdict is None else f"verdict: {claim.verdict}"
    )
    parts = [
        f'<section class="claim" id="c-{esc(claim.id)}">',
        f"<h3>{_tag(figure.status)} <span lang='zh'>{esc(claim.text)}</span> "
        f'<span class="id">{esc(claim.id)} · {esc(" · ".join(facts))}</span></h3>',
        _sentence_html(report, figure),
        f'<p class="why">Against the bulletins: <b>{esc(claim.verdict or "not matched")}</b>'
        f"{esc(f' → after review: {figure.verdict}' if figure.verdict != claim.verdict else '')}"
        f" — <span lang='zh'>{esc(why)}</span></p>",
    ]
    if rating:
        parts.append(f"<p>Rating: {esc(rating.value)} of {BEST_RATING}, {esc(rating.name)}</p>")
    if figure.findings:
        lines = "".join(_finding_line(report, f) for f in figure.findings)
        parts.append(f'<p>Consistency checks:</p><ul class="plain">{lines}</ul>')
    rows = _evidence_rows(report, figure)
    if rows:
        parts.append("<p>Evidence (in trace order):</p>" + rows)
    parts.append(_history_html(figure.items))
    parts.append(f'<p class="back"><a href="#fig-{esc(claim.id)}">↑ back to the article</a></p>')
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def render_html(report: Report) -> str:
    """One self-contained HTML page: summary, legend, the annotated article, then the details."""
    run = report.run
    summary = report.summary()
    counts = report.counts
    article_name = Path(run.article).name
    title = f"factcheck report: {article_name}"
    worthy = [f for f in report.figures if f.claim.checkworthy]
    attention = [f for f in worthy if f.status in ATTENTION]
    flagged = counts["flagged"]
    if flagged:
        verdict = f"{flagged} figure(s) flagged: a check fails or a bulletin contradicts them."
    else:
        verdict = "Nothing flagged: no check fails and no bulletin contradicts a figure."
    if counts["corrected"]:
        verdict += f" {counts['corrected']} corrected by a reviewer."
    if counts["unverified"]:
        verdict += f" {counts['unverified']} unverified: no stored bulletin states them."
    tone = "v-flagged" if flagged else "" if counts["corrected"] else "v-clean"
    review = summary["review"]
    cards = "".join(
        f'<div class="card s-{key}{"" if counts[key] else " zero"}"><b>{esc(counts[key])}</b>'
        f"{esc(STATUSES[key].symbol)} {esc(STATUSES[key].label)}</div>"
        for key in STATUSES
    )
    if attention:
        attention_html = (
            '<ul class="attention">'
            + "".join(
                f'<li>{_tag(f.status)} <a href="#c-{esc(f.id)}" lang="zh">{esc(f.claim.text)}</a>'
                f" <span lang='zh'>{esc(_attention_reason(report, f))}</span></li>"
                for f in attention
            )
            + "</ul>"
        )
    else:
        attention_html = "<p>Nothing needs attention.</p>"
    legend = "".join(
        f"<div>{_tag(s.key, f'{s.symbol} {s.label}')}</div><div>{esc(s.meaning)}</div>"
        for s in STATUSES.values()
    )
    findings_rows = "\n".join(
        f'<tr id="f-{esc(f.id)}"><td>{esc(f.id)}</td>'
        f"<td>{_tag({'fail': 'flagged', 'warn': 'warn', 'pass': 'supported'}[f.status], f.status)}"
        f"</td><td>{esc(f.check)}</td><td lang='zh'>{esc(f.message)}</td><td>"
        + ", ".join(f'<a href="#c-{esc(c)}">{esc(c)}</a>' for c in f.claims)
        + "</td></tr>"
        for f in run.findings
    )
    sections = "\n".join(_claim_section(report, f) for f in worthy)
    nonclaims = "".join(
        f'<a id="c-{esc(f.id)}" href="#fig-{esc(f.id)}" lang="zh">{esc(f.claim.text)}</a>'
        for f in report.figures
        if not f.claim.checkworthy
    )
    items_rows = "\n".join(
        f"<tr><td>{esc(i.id)}</td><td>{esc(i.kind)}</td><td>{esc(i.proposed)}</td>"
        f"<td>{esc(_DECISION_WORD.get(i.state, i.state))}</td>"
        f"<td lang='zh'>{esc(i.message)}</td><td>"
        + ", ".join(f'<a href="#c-{esc(c.id)}">{esc(c.text)}</a>' for c in i.claims)
        + "</td></tr>"
        for i in report.items
    )
    items_html = (
        "<table><thead><tr><th>id</th><th>kind</th><th>proposed</th><th>state</th>"
        f"<th>message</th><th>figures</th></tr></thead><tbody>{items_rows}</tbody></table>"
        if items_rows
        else "<p>No review item.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="factcheck {esc(__version__)}">
<title>{esc(title)}</title>
<style>
{report_css()}
</style>
</head>
<body>
<main>
<header>
<p class="meta">factcheck verification report</p>
<h1 lang="zh">{esc(report.headline or article_name)}</h1>
<p class="meta"><span>article: {esc(run.article)}</span>
<span>published: {esc(run.published or "unknown")}</span>
<span>run: {esc(run.run_id)}</span>
<span>checked: {esc(run.created_at[:19].replace("T", " "))}</span></p>
</header>
<section id="summary">
<p class="verdict {tone}">{esc(verdict)}</p>
<p>{summary["figures"]} figures found, {summary["checkworthy"]} check-worthy,
{summary["in_checks"]} of them used by a consistency check; findings:
{summary["findings"]["fail"]} fail, {summary["findings"]["warn"]} warn,
{summary["findings"]["pass"]} pass; review: {review["items"]} item(s),
{review["open"]} open, {review["confirmed"]} confirmed, {review["dismissed"]} dismissed,
{review["corrected"]} corrected.</p>
<div class="cards">{cards}</div>
<h2>Needs attention</h2>
{attention_html}
</section>
<section id="legend">
<h2>Legend</h2>
<p>Every figure in the article is highlighted and links to its findings and evidence. The
symbol after each figure and the line under it tell the status without colour.</p>
<div class="legend">{legend}</div>
</section>
<section id="article">
<h2>The article</h2>
{article_html(report)}
</section>
<section id="figures">
<h2>Check-worthy figures</h2>
{sections}
<h3>Not claims</h3>
<p class="nonclaims">{nonclaims or "none"}</p>
</section>
<section id="findings">
<h2>Consistency findings</h2>
<table><thead><tr><th>id</th><th>status</th><th>check</th><th>message</th><th>figures</th></tr>
</thead><tbody>{findings_rows}</tbody></table>
</section>
<section id="review">
<h2>Review items</h2>
{items_html}
</section>
<footer>Generated by factcheck {esc(__version__)}. Text from the article and from scraped
pages is shown as text; this page runs no script and loads nothing.</footer>
</main>
</body>
</html>
"""


def _attention_reason(report: Report, figure: Figure) -> str:
    if figure.status == "corrected":
        return f"corrected to {figure.corrected_value}" if figure.corrected_value else "corrected"
    reasons = [f.message for f in figure.findings if f.status in ("fail", "warn")]
    if figure.claim.verdict != "supported" or not reasons:
        reasons.append(figure.claim.why or "")
    return "; ".join(r for r in reasons if r)


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown line or table cell: HTML specials as entities, Markdown
    punctuation backslash-escaped, line breaks as spaces."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(label: Any, url: Any) -> str:
    """[label](url) for an http(s) URL; otherwise the escaped label and URL as plain text."""
    link = safe_url(url)
    if not link:
        return md_escape(label) + (f" ({md_escape(url)})" if url else "")
    target = quote(link, safe=":/?#@!$&'*+,;=%~.-_[]")
    target = target.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")
    return f"[{md_escape(label)}](<{target}>)"


def render_markdown(report: Report) -> str:
    """A note for an editor: the summary, what needs attention, a table of the figures."""
    run = report.run
    summary = report.summary()
    counts = report.counts
    lines = [
        f"# Verification report: {md_escape(report.headline or Path(run.article).name)}",
        "",
        f"- Article: {md_escape(run.article)}, published {md_escape(run.published or 'unknown')}",
        f"- Run {md_escape(run.run_id)}, checked {md_escape(run.created_at[:10])} "
        f"with factcheck {md_escape(__version__)}",
        f"- {summary['figures']} figures, {summary['checkworthy']} check-worthy: "
        + ", ".join(
            f"{counts[k]} {STATUSES[k].symbol} {STATUSES[k].label}" for k in STATUSES if counts[k]
        ),
        f"- Review: {summary['review']['items']} item(s), {summary['review']['open']} open",
        "",
        "## Needs attention",
        "",
    ]
    attention = [f for f in report.figures if f.status in ATTENTION]
    if not attention:
        lines.append("Nothing flagged.")
    for figure in attention:
        status = STATUSES[figure.status]
        reviewed = f" ({figure.review})" if figure.review not in (None, figure.status) else ""
        lines.append(
            f"- {status.symbol} **{md_escape(figure.claim.text)}** ({figure.id}, "
            f"{status.label}{reviewed}): {md_escape(_attention_reason(report, figure))}"
        )
    lines += [
        "",
        "## Figures",
        "",
        "| id | figure | status | rating | why | origin |",
        "|---|---|---|---|---|---|",
    ]
    for figure in report.figures:
        if not figure.claim.checkworthy:
            continue
        claim = figure.claim
        status = STATUSES[figure.status]
        rating = figure.rating
        origin = claim.origin
        origin_md = (
            md_link(
                f"{origin.get('title')} ({origin.get('published') or 'undated'})", origin.get("url")
            )
            if origin
            else ""
        )
        reviewed = f" ({figure.review})" if figure.review not in (None, figure.status) else ""
        lines.append(
            f"| {md_escape(claim.id)} | {md_escape(claim.text)} | {status.symbol} "
            f"{md_escape(status.label + reviewed)} "
            f"| {md_escape(f'{rating.value} {rating.name}' if rating else '')} "
            f"| {md_escape(claim.why or '')} | {origin_md} |"
        )
    decided = [i for i in report.items if i.history]
    if decided:
        lines += ["", "## Review decisions", ""]
        for item in decided:
            for d in item.history:
                value = f", value {d.value}" if d.value else ""
                word = _DECISION_WORD.get(d.decision, d.decision)
                lines.append(
                    f"- {md_escape(item.id)}: {md_escape(word)}{md_escape(value)} "
                    f"by {md_escape(d.reviewer)}, {md_escape(d.at[:10])}: "
                    f"{md_escape(d.note or 'no note')}"
                )
    non_claims = [f.claim.text for f in report.figures if not f.claim.checkworthy]
    if non_claims:
        lines += ["", f"Not claims: {md_escape('、'.join(non_claims))}"]
    return "\n".join(lines) + "\n"


# --- JSON -------------------------------------------------------------------------------------


def _json_text(data: Any) -> str:
    """JSON with non-ASCII readable and <, >, & as \\u escapes, so that the text can be pasted
    into an HTML <script type="application/ld+json"> block without closing it."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def report_data(report: Report) -> dict[str, Any]:
    """Everything in the report as JSON-ready data."""
    run = report.run
    claims = []
    for figure in report.figures:
        claim = figure.claim
        rating = figure.rating
        claims.append(
            {
                **vars(claim),
                "status": figure.status,
                "reviewed_verdict": figure.verdict,
                "review": figure.review,
                "corrected_value": figure.corrected_value,
                "findings": [f.id for f in figure.findings],
                "review_items": [i.id for i in figure.items],
                "rating": (
                    {"value": rating.value, "name": rating.name} if rating is not None else None
                ),
            }
        )
    return {
        "type": "factcheck-report",
        "report_version": 1,
        "factcheck_version": __version__,
        "run": {
            "run_id": run.run_id,
            "article": run.article,
            "headline": report.headline,
            "published": run.published,
            "created_at": run.created_at,
        },
        "summary": report.summary(),
        "statuses": {
            s.key: {"symbol": s.symbol, "label": s.label, "meaning": s.meaning}
            for s in STATUSES.values()
        },
        "rating_scale": {
            "worst": WORST_RATING,
            "best": BEST_RATING,
            "ratings": [
                {"value": r.value, "name": r.name, "meaning": r.meaning} for r in RATINGS.values()
            ],
        },
        "claims": claims,
        "findings": [vars(f) for f in run.findings],
        "review_items": [i.record() for i in report.items],
        "publishers": report.publishers,
    }


def render_json(report: Report) -> str:
    """The report as one JSON document, for tools."""
    return _json_text(report_data(report))


# --- ClaimReview ------------------------------------------------------------------------------


def _creative_work(
    url: Any, headline: Any, published: Any, publisher: str | None
) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    link = safe_url(url)
    if link:
        work["url"] = link
    if headline:
        work["headline"] = str(headline)
    if published:
        work["datePublished"] = str(published)
    if publisher:
        work["publisher"] = {"@type": "Organization", "name": publisher}
    return work


def claim_reviews(
    report: Report,
    *,
    base_url: str | None = None,
    author: str = DEFAULT_AUTHOR,
    author_url: str | None = None,
    claim_author: str | None = None,
    article_url: str | None = None,
) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per check-worthy figure, as JSON-LD objects."""
    run = report.run
    base = (base_url or f"urn:factcheck:run:{run.run_id}").split("#")[0]
    reviewer: dict[str, Any] = {"@type": "Organization", "name": author}
    if author_url:
        reviewer["url"] = author_url
    key = Path(run.article_key)
    article_url = (
        safe_url(article_url)
        or safe_url(run.article)
        or (key.as_uri() if key.is_absolute() else None)
    )
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article_url:
        appearance["url"] = article_url
    if report.headline:
        appearance["headline"] = report.headline
    if run.published:
        appearance["datePublished"] = run.published
    if claim_author:
        appearance["author"] = {"@type": "Organization", "name": claim_author}
    reviews = []
    for figure in report.figures:
        rating = figure.rating
        if rating is None:
            continue
        claim = figure.claim
        item: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
        if run.published:
            item["datePublished"] = run.published
        if claim_author:
            item["author"] = {"@type": "Organization", "name": claim_author}
        origin = claim.origin
        if origin and figure.verdict == "supported":
            publisher = report.publishers.get(str(origin.get("source"))) or origin.get("source")
            item["firstAppearance"] = _creative_work(
                origin.get("url"), origin.get("title"), origin.get("published"), publisher
            )
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{base}#c-{claim.id}",
            "claimReviewed": claim_summary(run, claim),
            "author": reviewer,
            "datePublished": run.created_at[:10],
            "itemReviewed": item,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rating.value,
                "bestRating": BEST_RATING,
                "worstRating": WORST_RATING,
                "alternateName": rating.name,
                "ratingExplanation": _explanation(figure),
            },
        }
        latest = figure.decided[-1].latest if figure.decided else None
        if latest is not None:
            review["dateModified"] = latest.at[:10]
        reviews.append(review)
    return reviews


def _explanation(figure: Figure) -> str:
    claim = figure.claim
    parts = [claim.why or f"verdict: {claim.verdict or 'not matched'}"]
    failing = [f.message for f in figure.findings if f.status == "fail"]
    parts.extend(failing)
    for item in figure.decided:
        latest = item.latest
        if latest is None:
            continue
        value = f" to {latest.value}" if latest.value else ""
        parts.append(
            f"{_DECISION_WORD.get(latest.decision, latest.decision)}{value} by a reviewer"
            f"{': ' + latest.note if latest.note else ''}"
        )
    return "; ".join(parts)


def render_claimreview(
    report: Report,
    *,
    base_url: str | None = None,
    author: str = DEFAULT_AUTHOR,
    author_url: str | None = None,
    claim_author: str | None = None,
    article_url: str | None = None,
) -> str:
    """The ClaimReview list as JSON-LD text."""
    return _json_text(
        claim_reviews(
            report,
            base_url=base_url,
            author=author,
            author_url=author_url,
            claim_author=claim_author,
            article_url=article_url,
        )
    )
