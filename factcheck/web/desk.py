"""What the review desk shows and does, as plain functions over the library (no web framework here).

Every count and every order comes from status.py, so the desk agrees with the terminal and the
reports; every write goes through run.check_article and review.decide, as on the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..documents import DocumentLibrary, SearchHit
from ..errors import InputError
from ..reports import Report, report_of
from ..review import Decision, ReviewItem, decide, find_item, review_items
from ..run import (
    Analysis,
    RunResult,
    analyse_text,
    check_article,
    parse_article_url,
    parse_published,
)
from ..runs import StoredClaim, StoredRun, load_run
from ..status import (
    SEVERITIES,
    FigureStatus,
    RunCounts,
    attention,
    figure_statuses,
    run_counts,
)
from ..storage import Database
from ..text import Article, article_from_bytes
from ..tracing import Trace

if TYPE_CHECKING:
    from spacy.language import Language

# Filters of the runs page: the run's status (status.RunCounts.status) or items still open.
RUN_FILTERS = ("flagged", "clean", "to-review")
PER_PAGE = 25
WEB_LOGS = "factcheck-logs"  # beside the database: the web desk's verification logs


@dataclass
class RunRow:
    """One run on the runs page: the article, when, and its counts after review."""

    run_id: str
    article: str
    headline: str
    url: str | None
    published: str | None
    created_at: str
    counts: RunCounts

    @property
    def reviewed(self) -> int:
        """Items with a decision."""
        return self.counts.review["items"] - self.counts.review["open"]


@dataclass
class RunPage:
    """A page of runs, newest first, after the filter and the search."""

    rows: list[RunRow]
    page: int
    has_next: bool
    status: str | None = None
    query: str = ""


@dataclass
class ItemView:
    """A review item as the desk shows it: its severity (status.attention) and its timelines."""

    item: ReviewItem
    severity: str
    timelines: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.item.id


@dataclass
class ArticleView:
    """Everything the article page shows: the run, its items in severity order, its counts."""

    run: StoredRun
    report: Report
    statuses: dict[str, FigureStatus]
    counts: RunCounts
    items: list[ItemView]

    @property
    def headline(self) -> str:
        return self.report.headline

    def items_of(self, claim_id: str) -> list[ItemView]:
        """The items that name a figure."""
        return [v for v in self.items if any(c.id == claim_id for c in v.item.claims)]

    def figures(self) -> list[tuple[StoredClaim, FigureStatus]]:
        """Every figure with its status, in the article's order."""
        return [(c, self.statuses[c.id]) for c in self.run.claims]


@dataclass
class Segment:
    """A piece of a document's text, a stored fact when `fact` is set."""

    text: str
    fact: dict[str, Any] | None = None


@dataclass
class DocumentView:
    """A stored bulletin with its facts marked."""

    document: dict[str, Any]
    facts: list[dict[str, Any]]
    paragraphs: list[list[Segment]]


def headline_of(text: str) -> str:
    """The first non-empty line: the title in the saved files factcheck reads."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def run_row(db: Database, run_id: str) -> RunRow:
    """A run's row on the runs page: its counts after review (status.py)."""
    run = load_run(db, run_id)
    counts = run_counts(run, review_items(db, run))
    return RunRow(
        run.run_id,
        run.article,
        headline_of(run.text),
        run.url,
        run.published,
        run.created_at,
        counts,
    )


@dataclass
class RunRows:
    """Rows of the runs page, each kept until a decision is added for its run's article: a run is
    never changed once stored, so its counts after review change only with a new decision."""

    kept: dict[str, tuple[int, RunRow]] = field(default_factory=dict)

    def row(self, db: Database, run_id: str, latest: int) -> RunRow:
        """The row, computed again when `latest` (the article's last decision id) moved."""
        found = self.kept.get(run_id)
        if found is None or found[0] != latest:
            found = (latest, run_row(db, run_id))
            self.kept[run_id] = found
        return found[1]


def list_runs(
    db: Database,
    status: str | None = None,
    query: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    rows: RunRows | None = None,
) -> RunPage:
    """Runs newest first, optionally of one status (after review) or matching words.

    The status is the one status.py gives after review, so a filtered page reads runs newest
    first until it is full; `rows` keeps them between calls (docs/serve.md, bench/RESULTS.md).
    """
    if status is not None and status not in RUN_FILTERS:
        raise InputError(f"status {status!r}: expected one of {', '.join(RUN_FILTERS)}")
    rows = rows if rows is not None else RunRows()
    page = max(1, page)
    where = ""
    params: tuple[str, ...] = ()
    query = query.strip()
    if query:
        where = "WHERE instr(text, ?) > 0 OR instr(article, ?) > 0 OR instr(url, ?) > 0"
        params = (query, query, query)
    found = db.rows(
        "SELECT run_id, coalesce(article_key, article) AS article_key FROM runs "
        f"{where} ORDER BY created_at DESC, run_id DESC",
        params,
    )
    latest = {
        r["article_key"]: r["latest"]
        for r in db.rows(
            "SELECT coalesce(u.article_key, u.article) AS article_key, max(r.id) AS latest "
            "FROM reviews r JOIN runs u ON u.run_id = r.run_id GROUP BY 1"
        )
    }
    skip = (page - 1) * per_page
    if status is None:
        found = found[skip:]
        skip = 0
    shown: list[RunRow] = []
    for r in found:
        if status is None and len(shown) == per_page:
            return RunPage(shown, page, True, status, query)
        row = rows.row(db, str(r["run_id"]), latest.get(r["article_key"], 0))
        if status == "to-review" and not row.counts.review["open"]:
            continue
        if status in ("flagged", "clean") and row.counts.status != status:
            continue
        if skip:
            skip -= 1
            continue
        if len(shown) == per_page:
            return RunPage(shown, page, True, status, query)
        shown.append(row)
    return RunPage(shown, page, False, status, query)


def _publishers(db: Database) -> dict[str, str]:
    rows = db.rows("SELECT name, publisher FROM sources")
    return {str(r["name"]): str(r["publisher"]) for r in rows if r["publisher"]}


def article_view(db: Database, run_id: str) -> ArticleView:
    """A run with its items ordered most urgent first (status.attention's severities)."""
    run = load_run(db, run_id)
    items = review_items(db, run)
    statuses = figure_statuses(run, items)
    counts = run_counts(run, items, statuses)
    # status.attention orders what to look at; an item it leaves out was decided away (a
    # dismissed finding, a dismissed figure) and goes last, as "fine".
    severity: dict[tuple[str, str], str] = {}
    for entry in attention(run, items, statuses):
        for key in [entry.id] if entry.kind == "finding" else entry.claims:
            severity.setdefault((entry.kind, key), entry.severity)
    order = {c.id: n for n, c in enumerate(run.claims)}
    views = [
        ItemView(
            item,
            severity.get((item.kind, item.id), "fine"),
            {c.id: trace_of(run, c).timeline() for c in item.claims},
        )
        for item in items
    ]
    views.sort(
        key=lambda v: (
            SEVERITIES.index(v.severity),
            min((order.get(c.id, 0) for c in v.item.claims), default=0),
        )
    )
    return ArticleView(run, report_of(run, items, _publishers(db)), statuses, counts, views)


def trace_of(run: StoredRun, claim: StoredClaim) -> Trace:
    """A figure's trace (origin, repetitions, drift) from the run already loaded."""
    record = {"id": claim.id, "text": claim.text, "sentence": claim.sentence}
    return Trace(
        run.run_id, record, claim.verdict or "", claim.why or "", claim.evidence, claim.drift
    )


def record_decision(
    db: Database,
    run_id: str,
    item_id: str,
    decision: str,
    *,
    note: str,
    value: str | None,
    reviewer: str,
) -> Decision:
    """Append a reviewer's decision on one item of a run (review.decide's rules and errors)."""
    if not reviewer.strip():
        raise InputError("a decision needs the reviewer's name: give it at the top of the page")
    run = load_run(db, run_id)
    item = find_item(review_items(db, run), item_id)
    return decide(
        db,
        run,
        item,
        decision,
        note=note,
        value=(value or "").strip() or None,
        reviewer=reviewer.strip(),
    )


@dataclass
class Submission:
    """An article sent to the desk, validated and analysed, ready to be matched and stored."""

    article: Article
    published: str | None
    url: str | None
    analysis: Analysis


@dataclass
class Checker:
    """Checks articles sent to the desk with one pipeline, loaded once, one article at a time."""

    nlp: Language
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(
        self, data: bytes, name: str, published: str | None = None, url: str | None = None
    ) -> Submission:
        """Decode and validate as `factcheck run` does (InputError first), then analyse."""
        article = article_from_bytes(data, name)
        published = parse_published(published or None)
        url = parse_article_url(url or None)
        # spaCy pipelines are not documented as thread-safe: one analysis at a time.
        with self.lock:
            analysis = analyse_text(article.text, published, self.nlp)
        return Submission(article, published, url, analysis)

    def store(self, db: Database, submission: Submission) -> RunResult:
        """Match against the bulletins, store the run and write its log (in factcheck-logs/
        beside the database), as `factcheck run` does."""
        article = submission.article
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        name = f"{Path(article.path).stem}-{stamp}-{article.sha256[:6]}.jsonl"
        return check_article(
            article,
            published=submission.published,
            url=submission.url,
            db=db,
            log_path=db.path.parent / WEB_LOGS / name,
            analysis=submission.analysis,
        )


def upload_name(filename: str | None, data: bytes) -> str:
    """The name a pasted or uploaded article is stored under (its runs' article).

    An upload keeps its file name (without folders), as `run` keeps the path; a paste is named
    by its content, so pasting the same text again is a run of the same article.
    """
    base = Path((filename or "").replace("\\", "/")).name.strip()
    if base and base not in (".", ".."):
        return base
    return f"pasted-{hashlib.sha256(data).hexdigest()[:12]}.txt"


def search_bulletins(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Stored documents matching the query (the `search` command's results)."""
    return DocumentLibrary(db).search(query, limit)


def source_stats(db: Database) -> list[dict[str, Any]]:
    """Per source: tier, documents, facts, failures, last fetch, last error (`db stats`)."""
    return DocumentLibrary(db).stats()


def document_view(db: Database, document_id: int) -> DocumentView:
    """A stored document with its facts, its text cut into paragraphs of marked segments."""
    found = db.rows("SELECT * FROM documents WHERE id = ?", (document_id,))
    if not found:
        raise InputError(f"no stored document {document_id}")
    document = found[0]
    facts = db.rows("SELECT * FROM facts WHERE document_id = ? ORDER BY start", (document_id,))
    return DocumentView(document, facts, marked(document["text"] or "", facts))


def marked(text: str, spans: list[dict[str, Any]]) -> list[list[Segment]]:
    """The text cut at the spans' start/end offsets, one list of segments per line."""
    usable = sorted(
        (s for s in spans if 0 <= s["start"] < s["end"] <= len(text)), key=lambda s: s["start"]
    )
    segments: list[Segment] = []
    cursor = 0
    for span in usable:
        if span["start"] < cursor:  # overlapping facts: the first one is marked
            continue
        segments.append(Segment(text[cursor : span["start"]]))
        segments.append(Segment(text[span["start"] : span["end"]], span))
        cursor = span["end"]
    segments.append(Segment(text[cursor:]))
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.fact is not None:
            lines[-1].append(segment)
            continue
        first, *rest = segment.text.split("\n")
        lines[-1].append(Segment(first))
        lines.extend([Segment(part)] for part in rest)
    return [line for line in lines if any(s.text.strip() for s in line)]


def item_sentences(item: ReviewItem) -> list[list[Segment]]:
    """The sentences of an item's figures, each cut into segments with its figures marked."""
    by_sentence: dict[str, list[StoredClaim]] = {}
    for claim in item.claims:
        by_sentence.setdefault(claim.sentence, []).append(claim)
    result = []
    for sentence, claims in by_sentence.items():
        spans = []
        cursor = 0
        for claim in claims:
            at = sentence.find(claim.text, cursor)
            if at < 0:
                continue
            spans.append({"id": claim.id, "start": at, "end": at + len(claim.text)})
            cursor = at + len(claim.text)
        result.append([s for line in marked(sentence, spans) for s in line])
    return result
