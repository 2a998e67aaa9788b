"""Reports of a stored run: an annotated HTML article, Markdown, JSON and ClaimReview JSON-LD.

`build_report(db, run_id)` gathers a run, its review items and every figure's status from
factcheck.status (its own verdict, and the standing findings it takes part in); `render(report,
fmt)` writes it in one of FORMATS, every format with the same `RunCounts`. Every string that came
from the article or a scraped page is escaped for the format it goes into, and the HTML report is
self-contained (inline CSS, no script, no external resource) under a Content-Security-Policy that
forbids scripts, so nothing scraped can run even if escaping failed. The rating scale of the
ClaimReview output is in RATINGS and docs/reports.md.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from . import __version__
from .errors import InputError
from .review import ReviewItem, review_items
from .runs import StoredClaim, StoredFinding, StoredRun, load_run
from .status import (
    DECISION_WORDS,
    VERDICT_MEANINGS,
    VERDICTS,
    Attention,
    FigureStatus,
    RunCounts,
    figure_statuses,
    run_counts,
)
from .status import attention as status_attention
from .storage import Database

FORMATS = ("html", "md", "json", "claimreview")
SUFFIXES = {"html": ".html", "md": ".md", "json": ".json", "claimreview": ".jsonld"}
# No script, no connection, no frame; styles only inline, images only as data: URIs.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LINK_REL = "noopener noreferrer nofollow"
ARTICLE_BACKGROUND = "#fffcf2"  # a paper tint, used by nothing else on the page


@dataclass(frozen=True)
class Look:
    """How a verdict or a finding marker is drawn: a symbol and a word, readable without colour,
    a background (also looked for in screenshots by the tests) and a line style."""

    key: str
    symbol: str
    label: str
    meaning: str
    background: str
    line: str  # a CSS border: its width and style differ per key, so print and grey still tell


# Colours are light enough for black text (contrast above 7:1); the symbol, the word and the
# line carry the verdict without colour. Keyed by status.VERDICTS: a new verdict fails here.
_VERDICT_DRAWING = {
    "contradicted": ("✗", "contradicted", "#f7c5c5", "3px solid #a4001d"),
    "corrected": ("✎", "corrected", "#e2d3f4", "4px double #5a2d82"),
    "unverified": ("?", "unverified", "#fff1a8", "3px dotted #7a6200"),
    "dismissed": ("⊘", "dismissed", "#e3e3e3", "2px dashed #4d4d4d"),
    "supported": ("✓", "supported", "#cdeccd", "2px solid #1a6e1a"),
    "checked": ("○", "checked in the article", "#d3e4f8", "2px solid #1d5a9e"),
    "non-claim": ("–", "not a claim", "#f1f1f1", "1px dotted #8c8c8c"),
}
VERDICT_LOOKS: dict[str, Look] = {
    v: Look(v, *_VERDICT_DRAWING[v][:2], VERDICT_MEANINGS[v], *_VERDICT_DRAWING[v][2:])
    for v in VERDICTS
}
FINDING_COUNT_WORDS = {"fail": "failing checks", "warn": "warnings"}  # for counts of findings
# The marker after a figure for each standing finding it takes part in: a box, not a highlight,
# so that it never hides the figure's own verdict.
FINDING_LOOKS: dict[str, Look] = {
    look.key: look
    for look in (
        Look(
            "fail",
            "⚑",
            "in a failing check",
            "the figure takes part in a consistency check that fails (parts that do not add up, "
            "a part above its total) and that no reviewer dismissed; its own verdict says "
            "whether this figure is the wrong one",
            "#ffe3ea",
            "2px solid #a4001d",
        ),
        Look(
            "warn",
            "△",
            "in a warning",
            "the figure takes part in a plausibility note to look at; nothing is known to be wrong",
            "#ffedd6",
            "2px dashed #a35200",
        ),
    )
}


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
            "contradicted: an official bulletin about the same measure, place and period states "
            "another value; or corrected: a reviewer corrected the figure itself",
        ),
        Rating(
            2,
            "Inconsistent",
            "unverified, checked in the article or dismissed, and taking part in a consistency "
            "check that fails (parts that do not add up, a part above its total) and that no "
            "reviewer dismissed",
        ),
        Rating(
            3,
            "Unverified",
            "unverified: no stored bulletin states the figure; or checked: a date or a "
            "duration, checked inside the article and never looked up",
        ),
        Rating(
            4,
            "No error found",
            "dismissed: contradicted or unverified, then dismissed by a reviewer with a note; no "
            "bulletin supports it",
        ),
        Rating(
            5,
            "Accurate",
            "supported: a bulletin states the same figure for the same measure, place and period "
            "(even when a check it takes part in fails: another figure is the wrong one)",
        ),
    )
}
WORST_RATING = 1
BEST_RATING = 5


def rating_of(status: FigureStatus) -> Rating | None:
    """The ClaimReview rating of a figure's status; None for non-claims (never reviewed)."""
    verdict = status.verdict
    if verdict == "non-claim":
        return None
    if verdict in ("contradicted", "corrected"):
        return RATINGS["False"]
    if verdict == "supported":
        return RATINGS["Accurate"]
    if status.finding == "fail":
        return RATINGS["Inconsistent"]
    if verdict == "dismissed":
        return RATINGS["No error found"]
    return RATINGS["Unverified"]


@dataclass
class Figure:
    """One figure of the article with everything the reports show about it."""

    claim: StoredClaim
    status: FigureStatus
    findings: list[StoredFinding] = field(default_factory=list)  # every finding using it
    items: list[ReviewItem] = field(default_factory=list)  # review items that name the figure

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def verdict(self) -> str:
        """The figure's own verdict after review (a key of status.VERDICTS)."""
        return self.status.verdict

    @property
    def look(self) -> Look:
        return VERDICT_LOOKS[self.status.verdict]

    @property
    def standing(self) -> list[StoredFinding]:
        """The fail/warn findings it takes part in that no reviewer dismissed, in run order."""
        return [f for f in self.findings if f.id in self.status.findings]

    @property
    def decided(self) -> list[ReviewItem]:
        """Items that name the figure and carry a decision, latest decision last."""
        done = [i for i in self.items if i.latest is not None]
        return sorted(done, key=lambda i: i.latest.at if i.latest else "")

    @property
    def review(self) -> str | None:
        """The latest decision on an item naming the figure: confirmed, dismissed or corrected."""
        decided = self.decided
        return DECISION_WORDS.get(decided[-1].state) if decided else None

    @property
    def corrected_value(self) -> str | None:
        """The value a reviewer gave when correcting an item that names this figure."""
        values = [i.latest.value for i in self.decided if i.state == "correct" and i.latest]
        return values[-1] if values else None

    @property
    def rating(self) -> Rating | None:
        return rating_of(self.status)

    @property
    def why(self) -> str:
        """The matcher's reason without its leading verdict word (outputs show the verdict)."""
        why = self.claim.why or self.look.meaning
        verdict = self.claim.verdict or ""
        return why.removeprefix(f"{verdict}: ") if verdict else why


@dataclass
class Report:
    """A stored run with its review items, every figure's status and the run's counts."""

    run: StoredRun
    items: list[ReviewItem]
    figures: list[Figure]
    counts: RunCounts
    publishers: dict[str, str] = field(default_factory=dict)  # source name → publisher

    def figure(self, claim_id: str) -> Figure:
        return next(f for f in self.figures if f.id == claim_id)

    def finding(self, finding_id: str) -> StoredFinding:
        return next(f for f in self.run.findings if f.id == finding_id)

    @property
    def statuses(self) -> dict[str, FigureStatus]:
        return {f.id: f.status for f in self.figures}

    @property
    def headline(self) -> str:
        """The article's first non-empty line: its title in the saved files factcheck reads."""
        return next((line.strip() for line in self.run.text.splitlines() if line.strip()), "")

    @property
    def standing(self) -> set[str]:
        """Ids of the fail/warn findings that no reviewer dismissed."""
        return {fid for f in self.figures for fid in f.status.findings}


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
    statuses = figure_statuses(run, items)
    findings_of: dict[str, list[StoredFinding]] = {}
    for finding in run.findings:
        for cid in dict.fromkeys(finding.claims):
            findings_of.setdefault(cid, []).append(finding)
    items_of: dict[str, list[ReviewItem]] = {}
    for item in items:
        for claim in item.claims:
            items_of.setdefault(claim.id, []).append(item)
    figures = [
        Figure(c, statuses[c.id], findings_of.get(c.id, []), items_of.get(c.id, []))
        for c in run.claims
    ]
    counts = run_counts(run, items, statuses)
    return Report(run, items, figures, counts, dict(publishers or {}))


def attention(report: Report) -> tuple[list[Attention], list[Attention]]:
    """status.attention of the report, split for display: the entries listed one by one, and
    the unverified figures, shown together as one entry."""
    entries = status_attention(report.run, report.items, report.statuses)
    return (
        [e for e in entries if e.status != "unverified"],
        [e for e in entries if e.status == "unverified"],
    )


def verdict_line(counts: RunCounts) -> str:
    """The one-sentence verdict on the run, above its counts."""
    v, fail = counts.verdicts, counts.standing["fail"]
    if counts.status == "clean":
        return "Nothing flagged: no check fails and no figure is contradicted or corrected."
    parts = [
        f"{fail} failing check(s)" if fail else "",
        f"{v['contradicted']} figure(s) contradicted by a bulletin" if v["contradicted"] else "",
        f"{v['corrected']} corrected by a reviewer" if v["corrected"] else "",
    ]
    return "Flagged: " + ", ".join(p for p in parts if p) + "."


def render(
    report: Report,
    fmt: str,
    *,
    base_url: str | None = None,
    author: str | None = None,
    author_url: str | None = None,
    claim_author: str | None = None,
    article_url: str | None = None,
) -> str:
    """The report as text in one of FORMATS; the keyword arguments are ClaimReview's only, and
    it needs an https base_url and an author (see review_publisher and docs/reports.md)."""
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


_CSS = (
    ":root{color-scheme:light}",
    "*{box-sizing:border-box}",
    "body{margin:0;color:#1b1b1f;background:#fff;font:16px/1.6 'Noto Sans CJK SC',"
    "'Noto Sans CJK TC','Source Han Sans SC','PingFang SC','Microsoft YaHei',"
    "'WenQuanYi Zen Hei','DejaVu Sans',system-ui,sans-serif}",
    # Scraped titles, paths and URLs have no spaces to break at: any character may end a line.
    "main{max-width:64rem;margin:0 auto;padding:1.5rem 1.5rem 4rem;overflow-wrap:anywhere}",
    "h1{font-size:1.6rem;margin:.2rem 0 .4rem}",
    "h2{font-size:1.25rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;"
    "border-bottom:2px solid #1b1b1f}",
    "h3{font-size:1.05rem;margin:0 0 .4rem}",
    ".meta{color:#444;margin:.2rem 0}",
    ".meta span{margin-right:1.2rem;display:inline-block}",
    ".banner{font-size:1.1rem;font-weight:600;padding:.6rem .9rem;margin:1rem 0;"
    "border-left:6px solid #1b1b1f;background:#f4f4f6}",
    ".banner-flagged{border-left-color:#a4001d;background:#fbeaea}",
    ".banner-clean{border-left-color:#1a6e1a;background:#eef8ee}",
    ".counts{font-size:.95rem}",
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));"
    "gap:.5rem;margin:.8rem 0}",
    ".card{border:1px solid #c9c9cf;border-radius:6px;padding:.45rem .7rem}",
    ".card b{display:block;font-size:1.5rem;line-height:1.2}",
    ".card.zero{opacity:.5}",
    ".attention>li{margin:.45rem 0}",
    ".attention ul{margin:.2rem 0;padding-left:1.2rem}",
    ".legend{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.35rem 1rem;"
    "align-items:baseline;margin:.5rem 0;font-size:.92rem}",
    ".article{font-size:1.08rem;line-height:2.2;border:1px solid #d5d5da;border-radius:6px;"
    f"padding:.4rem 1.3rem;background:{ARTICLE_BACKGROUND}}}",
    ".article p{white-space:pre-wrap;margin:.7rem 0}",
    "a.fig{color:inherit;text-decoration:none;padding:.08em .12em;border-radius:2px;"
    "white-space:nowrap}",
    ".ref{white-space:nowrap}",
    "a.fig:hover,a.fig:focus,a.mark:focus{outline:2px solid #1b1b1f;outline-offset:1px}",
    ".badge{font-size:.68em;font-weight:700;vertical-align:.55em;margin-left:.12em;"
    "white-space:nowrap;line-height:1;user-select:none}",
    "a.mark{font-size:.68em;font-weight:700;vertical-align:.55em;margin-left:.15em;"
    "padding:0 .25em;border-radius:3px;line-height:1.3;white-space:nowrap;color:#1b1b1f;"
    "text-decoration:none}",
    ".tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.9em;white-space:nowrap}",
    "section.claim{border:1px solid #d5d5da;border-radius:6px;padding:.8rem 1rem;margin:.8rem 0}",
    "section.claim:target,tr:target{outline:3px solid #1b1b1f;outline-offset:2px}",
    ".id{color:#555;font-weight:400;font-size:.85em}",
    ".sentence{background:#f7f7f9;padding:.4rem .6rem;border-radius:4px;margin:.4rem 0}",
    ".sentence mark{background:none;font-weight:700;text-decoration:underline 2px}",
    ".why{margin:.4rem 0}",
    "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0}",
    "th,td{border:1px solid #d5d5da;padding:.3rem .45rem;text-align:left;vertical-align:top}",
    "th{background:#f0f0f3}",
    "td.url{font-size:.85em}",
    "td[data-label=states],td[data-label=published]{white-space:nowrap}",
    ".snippet{color:#333;font-size:.92em;margin-top:.2rem}",
    "ul.plain{list-style:none;padding-left:0;margin:.3rem 0}",
    ".history{font-size:.9rem;color:#333}",
    ".back{font-size:.88rem}",
    ".nonclaims a{margin-right:.6rem}",
    "footer{margin-top:3rem;color:#555;font-size:.85rem}",
    # A phone: tables become one block per row, each cell under its column's name.
    "@media (max-width:40rem){main{padding:1rem .8rem 3rem}"
    ".cards{grid-template-columns:repeat(auto-fill,minmax(6.5rem,1fr));gap:.35rem}"
    ".card{padding:.25rem .5rem;font-size:.85rem}.card b{font-size:1.15rem}"
    ".article{padding:.2rem .7rem}section.claim{padding:.6rem .6rem}"
    "table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto}"
    "table.stack thead{display:none}table.stack tr{border:1px solid #d5d5da;border-radius:4px;"
    "margin:.4rem 0;padding:.2rem .4rem}table.stack td{border:none;padding:.1rem 0}"
    "table.stack td::before{content:attr(data-label) ': ';color:#555;font-size:.85em}}",
    # Paper: meaning is in symbols, words and lines (backgrounds may not print); nothing that
    # only helps on screen; evidence in small type; an item is never cut by a page break.
    "@media print{@page{margin:14mm 12mm}body{font-size:9.5pt;line-height:1.4}"
    "main{max-width:none;padding:0}h2{margin:1rem 0 .4rem;break-after:avoid}"
    ".cards,.back,.legend-note,.snippet{display:none}"
    ".article{line-height:1.8;border:none;padding:0}a{color:inherit;text-decoration:none}"
    "section.claim{break-inside:avoid;padding:.3rem .5rem;margin:.3rem 0;border-color:#999}"
    ".sentence{padding:.1rem .3rem;margin:.2rem 0}.why{margin:.2rem 0}"
    "section.claim p{margin:.15rem 0}table{font-size:7.5pt;margin:.15rem 0}"
    "th,td{padding:.05rem .25rem}li,tr{break-inside:avoid}"
    ".legend{grid-template-columns:repeat(2,max-content 1fr);font-size:8pt;gap:.1rem .6rem}}",
)


def report_css() -> str:
    """The report's stylesheet: enough for article_html() on a page of its own too."""
    rules = list(_CSS)
    for kind, looks in (("v", VERDICT_LOOKS), ("m", FINDING_LOOKS)):
        for look in looks.values():
            # A verdict underlines the figure; a finding marker is a box around its ids.
            edge = "border-bottom" if kind == "v" else "border"
            rules.append(f".{kind}-{look.key}{{background:{look.background};{edge}:{look.line}}}")
    return "\n".join(rules)


def _tag(look: Look, text: str | None = None) -> str:
    """A look's symbol and word on its colour and line, for summaries and lists."""
    kind = "v" if look.key in VERDICT_LOOKS else "m"
    shown = text if text is not None else f"{look.symbol} {look.label}"
    return f'<span class="tag {kind}-{look.key}">{esc(shown)}</span>'


def _badge(figure: Figure) -> str:
    extra = ""
    if figure.verdict == "corrected" and figure.corrected_value:
        extra = f" → {figure.corrected_value}"
    elif figure.review and figure.review != figure.verdict:
        extra = f" {figure.review}"
    return f'<span class="badge" aria-hidden="true">{esc(figure.look.symbol + extra)}</span>'


def _marks(figure: Figure) -> str:
    """A linked box after the figure for each standing finding it takes part in (⚑f3)."""
    return "".join(
        f'<a class="mark m-{esc(f.status)}" href="#f-{esc(f.id)}" '
        f'aria-label="{esc(f"takes part in {FINDING_LOOKS[f.status].label}: finding {f.id}")}">'
        f"{esc(FINDING_LOOKS[f.status].symbol + f.id)}</a>"
        for f in figure.standing
    )


def _figure_label(figure: Figure) -> str:
    label = f"{figure.claim.text}: {figure.look.label}"
    if figure.review:
        label += f", reviewed ({figure.review})"
    for finding in figure.standing:
        label += f"; takes part in {FINDING_LOOKS[finding.status].label} {finding.id}"
    return label


def _figure_link(figure: Figure, shown: str | None = None) -> str:
    """The figure in the article: a link to its section, highlighted by its own verdict, then
    the markers of the standing findings it takes part in."""
    claim, status = figure.claim, figure.status
    label = _figure_label(figure)
    return (
        f'<a class="fig v-{esc(status.verdict)}" id="fig-{esc(claim.id)}" '
        f'href="#c-{esc(claim.id)}" data-claim="{esc(claim.id)}" '
        f'data-verdict="{esc(status.verdict)}" data-finding="{esc(status.finding or "")}" '
        f'data-findings="{esc(" ".join(status.findings))}" '
        f'title="{esc(label)}" aria-label="{esc(label)}">'
        f"{esc(claim.text if shown is None else shown)}{_badge(figure)}</a>{_marks(figure)}"
    )


def article_html(report: Report) -> str:
    """The annotated article as an HTML fragment styled by report_css(): one paragraph per line,
    every figure a highlighted link to #c-<id> with its finding markers; other text escaped."""
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


def _table(columns: list[tuple[str, str]], rows: list[tuple[str, list[str]]]) -> str:
    """A table that becomes one block per row on a phone. columns: (name, td attributes);
    rows: (tr id or "", cells as HTML already escaped)."""
    head = "".join(f"<th>{esc(name)}</th>" for name, _ in columns)
    body = "\n".join(
        (f'<tr id="{esc(row_id)}">' if row_id else "<tr>")
        + "".join(
            f'<td data-label="{esc(name)}"{attrs}>{cell}</td>'
            for (name, attrs), cell in zip(columns, cells, strict=True)
        )
        + "</tr>"
        for row_id, cells in rows
    )
    return f'<table class="stack"><thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody></table>'


def _evidence_table(report: Report, figure: Figure) -> str:
    claim = figure.claim
    origin_url = (claim.origin or {}).get("url")
    rows = [
        ("origin" if origin_url and e.get("url") == origin_url else "repeats it", e)
        for e in claim.evidence
    ]
    rows.extend(("drift: another value", d) for d in claim.drift)
    if not rows:
        return ""
    columns = [
        ("role", ""),
        ("document", ' lang="zh"'),
        ("states", ' lang="zh"'),
        ("source", ""),
        ("published", ""),
        ("link", ' class="url"'),
    ]
    cells = [
        (
            "",
            [
                esc(role),
                f"<b>{esc(e.get('title'))}</b><div class='snippet'>{esc(e.get('snippet'))}</div>",
                esc(e.get("text") or e.get("value")),
                esc(_source_label(report, e)),
                esc(e.get("published") or "undated"),
                _url_cell(e.get("url")),
            ],
        )
        for role, e in rows
    ]
    return "<p>Evidence (in trace order):</p>" + _table(columns, cells)


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


def _figure_ref(figure: Figure, compact: bool = False) -> str:
    """A figure named in a list: a link to its section with its verdict, as a tag or a symbol."""
    link = f'<a href="#c-{esc(figure.id)}" lang="zh">{esc(figure.claim.text)}</a>'
    if compact:
        return f'<span class="ref">{link}{esc(figure.look.symbol)}</span>'
    return f'<span class="ref">{_tag(figure.look)} {link}</span>'


def _finding_state(report: Report, finding: StoredFinding) -> str:
    """A finding's state as a tag: pass, or fail/warn with "(dismissed)" when a reviewer did."""
    if finding.status == "pass":
        return '<span class="tag v-supported">✓ pass</span>'
    look = FINDING_LOOKS[finding.status]
    dismissed = "" if finding.id in report.standing else " (dismissed)"
    return _tag(look, f"{look.symbol} {finding.status}") + dismissed


def _finding_line(report: Report, finding: StoredFinding) -> str:
    others = ", ".join(
        _figure_ref(report.figure(cid), compact=True)
        for cid in dict.fromkeys(finding.claims)
        if any(f.id == cid for f in report.figures)
    )
    return (
        f'<li><a href="#f-{esc(finding.id)}">{esc(finding.id)}</a> '
        f"{_finding_state(report, finding)} {esc(finding.check)}: <span lang='zh'>{esc(finding.message)}</span> "
        f"(figures: {others})</li>"
    )


def _history_html(items: list[ReviewItem]) -> str:
    lines = []
    for item in items:
        for d in item.history:
            value = f", value {d.value}" if d.value else ""
            lines.append(
                f"<li>{esc(item.id)}: <b>{esc(DECISION_WORDS.get(d.decision, d.decision))}</b>"
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
    reviewed = f" ({figure.review} by a reviewer)" if figure.review else ""
    marks = "".join(
        " " + _tag(FINDING_LOOKS[f.status], f"{FINDING_LOOKS[f.status].symbol} {f.id}")
        for f in figure.standing
    )
    parts = [
        f'<section class="claim" id="c-{esc(claim.id)}" data-verdict="{esc(figure.verdict)}">',
        f"<h3>{_tag(figure.look)}{marks} <span lang='zh'>{esc(claim.text)}</span> "
        f'<span class="id">{esc(claim.id)} · {esc(" · ".join(facts))}</span></h3>',
        _sentence_html(report, figure),
        f'<p class="why">Verdict: <b>{esc(figure.look.symbol)} {esc(figure.look.label)}</b>'
        f"{esc(reviewed)} — <span lang='zh'>{esc(figure.why)}</span></p>",
    ]
    if rating:
        parts.append(f"<p>Rating: {esc(rating.value)} of {BEST_RATING}, {esc(rating.name)}</p>")
    if figure.findings:
        lines = "".join(_finding_line(report, f) for f in figure.findings)
        parts.append(f'<p>Consistency checks:</p><ul class="plain">{lines}</ul>')
    parts.append(_evidence_table(report, figure))
    parts.append(_history_html(figure.items))
    parts.append(f'<p class="back"><a href="#fig-{esc(claim.id)}">↑ back to the article</a></p>')
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _repeats(entry: Attention) -> str:
    return f" ×{entry.count}" if entry.count > 1 else ""


def _attention_html(report: Report) -> str:
    listed, unverified = attention(report)
    if not (listed or unverified):
        return "<p>Nothing needs attention.</p>"
    entries = []
    for entry in listed:
        if entry.kind == "finding":
            finding = report.finding(entry.id)
            look = FINDING_LOOKS[finding.status]
            refs = "".join(f"<li>{_figure_ref(report.figure(c))}</li>" for c in entry.claims)
            entries.append(
                f"<li>{_tag(look, f'{look.symbol} {finding.id}')} "
                f'<a href="#f-{esc(finding.id)}">{esc(finding.check)}</a>: '
                f"<span lang='zh'>{esc(finding.message)}</span><ul>{refs}</ul></li>"
            )
        else:
            figure = report.figure(entry.id)
            entries.append(
                f"<li>{_figure_ref(figure)}{esc(_repeats(entry))} "
                f"<span lang='zh'>{esc(_reason(figure))}</span></li>"
            )
    if unverified:
        refs = ", ".join(
            f'<span class="ref"><a href="#c-{esc(e.id)}" lang="zh">'
            f"{esc(report.figure(e.id).claim.text)}</a>{esc(_repeats(e))}"
            + (f" ({esc(report.figure(e.id).review)})" if report.figure(e.id).review else "")
            + "</span>"
            for e in unverified
        )
        look = VERDICT_LOOKS["unverified"]
        total = sum(e.count for e in unverified)
        entries.append(
            f"<li>{_tag(look, f'{look.symbol} {total} unverified')} "
            f"{esc(look.meaning)}: {refs}</li>"
        )
    return '<ul class="attention">' + "".join(entries) + "</ul>"


def _reason(figure: Figure) -> str:
    """Why a contradicted or corrected figure is listed."""
    if figure.verdict == "corrected":
        return f"corrected to {figure.corrected_value}" if figure.corrected_value else "corrected"
    return figure.why


def _counts_html(counts: RunCounts) -> str:
    """The counts: RunCounts.line() as text, and the whole record in data-counts for tools."""
    record = json.dumps(counts.record(), sort_keys=True)
    return f'<p class="counts" id="counts" data-counts="{esc(record)}">{esc(counts.line())}</p>'


def _cards(counts: RunCounts) -> str:
    """A card per verdict (figures), then per standing finding state (findings, not figures)."""
    shown = [("v", VERDICT_LOOKS[v], counts.verdicts[v], VERDICT_LOOKS[v].label) for v in VERDICTS]
    shown += [
        ("m", FINDING_LOOKS[s], counts.standing[s], word) for s, word in FINDING_COUNT_WORDS.items()
    ]
    return "".join(
        f'<div class="card {kind}-{esc(look.key)}{"" if n else " zero"}"><b>{esc(n)}</b>'
        f"{esc(look.symbol)} {esc(word)}</div>"
        for kind, look, n, word in shown
    )


def render_html(report: Report) -> str:
    """One self-contained HTML page: summary, legend, the annotated article, then the details."""
    run = report.run
    counts = report.counts
    review = counts.review
    article_name = Path(run.article).name
    title = f"factcheck report: {article_name}"
    worthy = [f for f in report.figures if f.claim.checkworthy]
    legend = "".join(
        f"<div>{_tag(look)}</div><div>{esc(look.meaning)}</div>"
        for look in (*VERDICT_LOOKS.values(), *FINDING_LOOKS.values())
    )
    findings_table = _table(
        [("id", ""), ("status", ""), ("check", ""), ("message", ' lang="zh"'), ("figures", "")],
        [
            (
                f"f-{f.id}",
                [
                    esc(f.id),
                    _finding_state(report, f),
                    esc(f.check),
                    esc(f.message),
                    ", ".join(f'<a href="#c-{esc(c)}">{esc(c)}</a>' for c in f.claims),
                ],
            )
            for f in run.findings
        ],
    )
    sections = "\n".join(_claim_section(report, f) for f in worthy)
    nonclaims = "".join(
        f'<a id="c-{esc(f.id)}" href="#fig-{esc(f.id)}" lang="zh">{esc(f.claim.text)}</a>'
        for f in report.figures
        if not f.claim.checkworthy
    )
    items_html = (
        _table(
            [
                ("id", ""),
                ("kind", ""),
                ("proposed", ""),
                ("state", ""),
                ("message", ' lang="zh"'),
                ("figures", ' lang="zh"'),
            ],
            [
                (
                    "",
                    [
                        esc(i.id),
                        esc(i.kind),
                        esc(i.proposed),
                        esc(DECISION_WORDS.get(i.state, i.state)),
                        esc(i.message),
                        ", ".join(f'<a href="#c-{esc(c.id)}">{esc(c.text)}</a>' for c in i.claims),
                    ],
                )
                for i in report.items
            ],
        )
        if report.items
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
<span>at: {_url_cell(run.url) if run.url else "no URL given"}</span>
<span>run: {esc(run.run_id)}</span>
<span>checked: {esc(run.created_at[:19].replace("T", " "))}</span></p>
</header>
<section id="summary">
<p class="banner banner-{esc(counts.status)}">{esc(verdict_line(counts))}</p>
{_counts_html(counts)}
<p>{counts.figures} figures found, {counts.checkworthy} check-worthy, {counts.in_checks} of them
used by a consistency check; review: {review["items"]} item(s), {review["open"]} open,
{review["confirmed"]} confirmed, {review["dismissed"]} dismissed, {review["corrected"]} corrected.</p>
<div class="cards">{_cards(counts)}</div>
<h2>Needs attention</h2>
{_attention_html(report)}
</section>
<section id="legend">
<h2>Legend</h2>
<p class="legend-note">Every figure in the article is highlighted by its own verdict and links to
its findings and evidence; the symbol after it and the line under it tell the verdict without
colour. A boxed mark after a figure (⚑f3, △f5) names a standing finding it takes part in and
links to it.</p>
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
{findings_table}
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


def _md_counts(counts: RunCounts) -> list[str]:
    """The counts as Markdown lines: RunCounts.line() verbatim, then every verdict."""
    verdicts = ", ".join(
        f"{counts.verdicts[v]} {VERDICT_LOOKS[v].symbol} {VERDICT_LOOKS[v].label}" for v in VERDICTS
    )
    standing = ", ".join(
        f"{counts.standing[s]} {FINDING_LOOKS[s].symbol} {word}"
        for s, word in FINDING_COUNT_WORDS.items()
    )
    review = counts.review
    return [
        f"- **{md_escape(verdict_line(counts))}**",
        f"- Counts: {md_escape(counts.line())}",
        f"- Verdicts: {verdicts}",
        f"- Standing findings: {standing}",
        f"- {counts.figures} figures, {counts.checkworthy} check-worthy; review: "
        f"{review['items']} item(s), {review['open']} open",
    ]


def _md_figure(figure: Figure) -> str:
    reviewed = f" ({figure.review})" if figure.review not in (None, figure.verdict) else ""
    return (
        f"{figure.look.symbol} **{md_escape(figure.claim.text)}** ({figure.id}, "
        f"{figure.look.label}{md_escape(reviewed)})"
    )


def _md_attention(report: Report) -> list[str]:
    listed, unverified = attention(report)
    if not (listed or unverified):
        return ["Nothing needs attention."]
    lines = []
    for entry in listed:
        if entry.kind == "finding":
            finding = report.finding(entry.id)
            look = FINDING_LOOKS[finding.status]
            lines.append(
                f"- {look.symbol} {finding.id} {md_escape(finding.check)} ({look.label}): "
                f"{md_escape(finding.message)}"
            )
            lines.extend(f"  - {_md_figure(report.figure(c))}" for c in entry.claims)
        else:
            figure = report.figure(entry.id)
            lines.append(f"- {_md_figure(figure)}{_repeats(entry)}: {md_escape(_reason(figure))}")
    if unverified:
        look = VERDICT_LOOKS["unverified"]
        total = sum(e.count for e in unverified)
        lines.append(
            f"- {look.symbol} {total} unverified ({md_escape(look.meaning)}): "
            + ", ".join(
                f"{md_escape(report.figure(e.id).claim.text)} ({e.id}){_repeats(e)}"
                for e in unverified
            )
        )
    return lines


def render_markdown(report: Report) -> str:
    """A note for an editor: the counts, what needs attention, a table of the figures."""
    run = report.run
    lines = [
        f"# Verification report: {md_escape(report.headline or Path(run.article).name)}",
        "",
        f"- Article: {md_escape(run.article)}, published {md_escape(run.published or 'unknown')}"
        + (f", at {md_link(run.url, run.url)}" if run.url else ""),
        f"- Run {md_escape(run.run_id)}, checked {md_escape(run.created_at[:10])} "
        f"with factcheck {md_escape(__version__)}",
        *_md_counts(report.counts),
        "",
        "## Needs attention",
        "",
        *_md_attention(report),
        "",
        "## Figures",
        "",
        "| id | figure | verdict | checks | rating | why | origin |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in report.figures:
        if not figure.claim.checkworthy:
            continue
        claim = figure.claim
        rating = figure.rating
        origin = claim.origin
        origin_md = (
            md_link(
                f"{origin.get('title')} ({origin.get('published') or 'undated'})", origin.get("url")
            )
            if origin
            else ""
        )
        reviewed = f" ({figure.review})" if figure.review not in (None, figure.verdict) else ""
        checks = " ".join(FINDING_LOOKS[f.status].symbol + f.id for f in figure.standing)
        lines.append(
            f"| {md_escape(claim.id)} | {md_escape(claim.text)} | {figure.look.symbol} "
            f"{md_escape(figure.look.label + reviewed)} | {checks} "
            f"| {md_escape(f'{rating.value} {rating.name}' if rating else '')} "
            f"| {md_escape(figure.why)} | {origin_md} |"
        )
    decided = [i for i in report.items if i.history]
    if decided:
        lines += ["", "## Review decisions", ""]
        for item in decided:
            for d in item.history:
                value = f", value {d.value}" if d.value else ""
                word = DECISION_WORDS.get(d.decision, d.decision)
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


def _looks(looks: dict[str, Look]) -> dict[str, dict[str, str]]:
    return {
        k: {"symbol": v.symbol, "label": v.label, "meaning": v.meaning} for k, v in looks.items()
    }


def report_data(report: Report) -> dict[str, Any]:
    """Everything in the report as JSON-ready data; `summary` is RunCounts.record()."""
    run = report.run
    claims = []
    for figure in report.figures:
        rating = figure.rating
        claims.append(
            {
                **vars(figure.claim),  # "verdict" there is the matcher's, before review
                "status": {
                    "verdict": figure.verdict,
                    "finding": figure.status.finding,
                    "findings": list(figure.status.findings),
                },
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
        "report_version": 2,
        "factcheck_version": __version__,
        "run": {
            "run_id": run.run_id,
            "article": run.article,
            "url": run.url,
            "headline": report.headline,
            "published": run.published,
            "created_at": run.created_at,
        },
        "summary": report.counts.record(),
        "counts_line": report.counts.line(),
        "verdicts": _looks(VERDICT_LOOKS),
        "finding_markers": _looks(FINDING_LOOKS),
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


def _one_line(value: Any) -> str:
    """A value quoted for an error message that stays one line (repr escapes line breaks)."""
    return repr(value)[:120]


def review_publisher(
    base_url: str | None, author: str | None, author_url: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The base URL of the ClaimReview urls and the review's author, or InputError (one line)."""
    link = safe_url(base_url)
    if not link or urlsplit(link).scheme.lower() != "https":
        raise InputError(
            "ClaimReview needs --base-url, the https:// address where the HTML report is "
            f"published; got {_one_line(base_url)}"
        )
    name = (author or "").strip()
    if not name or not name.isprintable():
        raise InputError(
            "ClaimReview needs --author, the name of the organisation publishing the review; "
            f"got {_one_line(author)}"
        )
    reviewer: dict[str, Any] = {"@type": "Organization", "name": name}
    if author_url is not None:
        if not safe_url(author_url):
            raise InputError(
                f"the author's URL must be an http(s) URL; got {_one_line(author_url)}"
            )
        reviewer["url"] = author_url.strip()
    return link.split("#")[0], reviewer


def _appearance(
    report: Report, article_url: str | None, claim_author: str | None
) -> dict[str, Any] | None:
    """The article as a CreativeWork at its published http(s) URL; None without one, since a
    local file is not where a reader can see the claim."""
    url = article_url if article_url is not None else report.run.url
    if url is None:
        return None
    link = safe_url(url)
    if not link:
        raise InputError(f"the article's URL must be an http(s) URL; got {_one_line(url)}")
    appearance: dict[str, Any] = {"@type": "CreativeWork", "url": link}
    if report.headline:
        appearance["headline"] = report.headline
    if report.run.published:
        appearance["datePublished"] = report.run.published
    if claim_author:
        appearance["author"] = {"@type": "Organization", "name": claim_author}
    return appearance


def claim_reviews(
    report: Report,
    *,
    base_url: str | None = None,
    author: str | None = None,
    author_url: str | None = None,
    claim_author: str | None = None,
    article_url: str | None = None,
) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per check-worthy figure, as JSON-LD objects; InputError
    unless base_url is an https URL and author a non-blank name."""
    base, reviewer = review_publisher(base_url, author, author_url)
    run = report.run
    appearance = _appearance(report, article_url, claim_author)
    reviews = []
    for figure in report.figures:
        rating = figure.rating
        if rating is None:
            continue
        claim = figure.claim
        item: dict[str, Any] = {"@type": "Claim"}
        if appearance:
            item["appearance"] = [appearance]
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
                "ratingExplanation": explanation(figure),
            },
        }
        latest = figure.decided[-1].latest if figure.decided else None
        if latest is not None:
            review["dateModified"] = latest.at[:10]
        reviews.append(review)
    return reviews


def explanation(figure: Figure) -> str:
    """Why a figure has its rating: "<verdict>: " first (tools count verdicts by it), then the
    matcher's reason, the standing findings it takes part in and the reviewers' decisions."""
    parts = [f"{figure.verdict}: {figure.why}"]
    parts.extend(
        f"takes part in {'failing' if f.status == 'fail' else 'warning'} finding {f.id} "
        f"({f.message})"
        for f in figure.standing
    )
    for item in figure.decided:
        latest = item.latest
        if latest is None:
            continue
        value = f" to {latest.value}" if latest.value else ""
        parts.append(
            f"{DECISION_WORDS.get(latest.decision, latest.decision)}{value} by a reviewer"
            f"{': ' + latest.note if latest.note else ''}"
        )
    return "; ".join(parts)


def render_claimreview(
    report: Report,
    *,
    base_url: str | None = None,
    author: str | None = None,
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
