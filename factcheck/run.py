"""The main job: read an article, extract its claims, check them, store the run, write the log."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from . import __version__
from .checks import Finding
from .claims import Claim
from .errors import InputError
from .files import check_output
from .matching import Match, Matcher
from .review import ReviewItem, item_keys, review_items
from .runs import StoredRun, run_from_records
from .status import RunCounts, run_counts
from .storage import Database
from .text import MAX_ARTICLE_BYTES, Article, article_from_bytes, read_article
from .verification_log import (
    Coverage,
    claim_record,
    claim_value,
    coverage_of,
    finding_record,
    match_record,
    summary_record,
    write_log,
)

if TYPE_CHECKING:
    from spacy.language import Language

LOG_FOLDER = "factcheck-logs"


@dataclass
class Analysis:
    """Claims and consistency findings of one text."""

    text: str
    claims: list[Claim]
    findings: list[Finding]
    matches: list[Match] = field(default_factory=list)
    bulletins: bool = False  # the database held bulletin facts to match against

    @property
    def coverage(self) -> Coverage:
        return coverage_of(self.claims, self.findings)

    @property
    def flagged(self) -> list[Finding]:
        return [f for f in self.findings if f.status != "pass"]

    @property
    def contradicted(self) -> list[Match]:
        return [m for m in self.matches if m.verdict == "contradicted"]


@dataclass
class RunResult:
    """A finished run: what was checked, where the log went, and the records written."""

    run_id: str
    article: Article
    published: str | None
    created_at: str
    analysis: Analysis
    log_path: Path | None
    records: list[dict[str, Any]]
    url: str | None = None  # where the article was published

    @property
    def exit_code(self) -> int:
        """0 when nothing failed or was contradicted, 1 when something was (DESIGN: flagged)."""
        failed = any(f.status == "fail" for f in self.analysis.findings)
        return 1 if failed or self.analysis.contradicted else 0


def parse_published(value: str | None) -> str | None:
    """Validate a publication date given as YYYY-MM-DD."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InputError(f"--published {value!r}: expected a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"--published {value}: no such day ({exc})") from None


def analyse_text(text: str, published: str | None = None, nlp: Language | None = None) -> Analysis:
    """Claims and findings of a text, with the default pipeline unless one is given."""
    from .pipeline import analyse, load_pipeline

    doc = analyse(nlp or load_pipeline(), text, published)
    return Analysis(text, doc._.claims, doc._.findings)


def new_run_id(sha256: str, now: dt.datetime) -> str:
    """A sortable, unique run id: time of the run and a piece of the article's hash."""
    # Random as well: the same article twice in one second (a file and stdin) gets two runs.
    seed = f"{sha256}{now.isoformat()}{os.getpid()}{secrets.token_hex(8)}"
    salt = hashlib.sha256(seed.encode()).hexdigest()[:6]
    return f"{now:%Y%m%dT%H%M%S}-{salt}"


def default_log_path(article_path: str, run_id: str) -> Path:
    """factcheck-logs/<article name>-<run id>.jsonl in the current folder."""
    return Path(LOG_FOLDER) / f"{Path(article_path).stem}-{run_id}.jsonl"


def protected_files(
    article: str | Path, db: Database | str | Path | None
) -> list[tuple[Path, str]]:
    """The files an output must never replace: the article, the database and its WAL files."""
    return [(Path(article), "the article"), *database_files(db)]


def database_files(db: Database | str | Path | None) -> list[tuple[Path, str]]:
    """The database file and its journals, each with what it is (for output checks)."""
    if db is None:
        return []
    path = db.path if isinstance(db, Database) else Path(db)
    journals = [(Path(f"{path}{suffix}"), "the database's journal") for suffix in _JOURNALS]
    return [(path, "the database"), *journals]


_JOURNALS = ("-wal", "-shm", "-journal")


def run_article(
    path: str | Path,
    *,
    published: str | None = None,
    url: str | None = None,
    db: Database | str | Path | None = None,
    log_path: Path | None = None,
    write: bool = True,
    nlp: Language | None = None,
) -> RunResult:
    """Check one article file; store the run in `db` and write the log unless write=False.

    Every input is validated before anything is written, so bad input leaves nothing behind;
    `db` may be a path, opened (and created) only once the article and the log target are good.
    """
    return check_article(
        read_article(path),
        published=published,
        url=url,
        db=db,
        log_path=log_path,
        write=write,
        nlp=nlp,
    )


def check_article(
    article: Article,
    *,
    published: str | None = None,
    url: str | None = None,
    db: Database | str | Path | None = None,
    log_path: Path | None = None,
    write: bool = True,
    nlp: Language | None = None,
    analysis: Analysis | None = None,
    store: bool | None = None,
) -> RunResult:
    """Check an article already read (a file, standard input, an upload), as run_article does.

    `analysis` is the article's analysis when a batch made it already (run_articles); `store`
    (default: `write`) keeps the run in `db` even when no log is written.
    """
    store = write if store is None else store
    published = parse_published(published)
    url = parse_article_url(url)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run_id = new_run_id(article.sha256, now)
    target = Path(log_path) if log_path is not None else default_log_path(article.path, run_id)
    if write:
        check_output(target, "--log", protected_files(article.path, db), log=True)
    if store and db is not None and not isinstance(db, Database):
        db = Database(db)
    if analysis is None:
        analysis = analyse_text(article.text, published, nlp)
    if isinstance(db, Database):
        match_against(db, analysis)
    database = db if isinstance(db, Database) else None
    records = log_records(run_id, article, published, now.isoformat(), analysis, url, database)
    result = RunResult(run_id, article, published, now.isoformat(), analysis, None, records, url)
    if store and isinstance(db, Database):
        save_run(db, result)
    if write:
        try:
            write_log(target, records)
        except OSError as exc:
            raise InputError(f"--log {target}: cannot be written ({exc.strerror})") from None
        result.log_path = target
    return result


ARTICLE_SUFFIXES = (".txt", ".text", ".md")
STDIN = "-"


def read_articles(inputs: Iterable[str], stdin: BinaryIO | None = None) -> list[Article]:
    """Every article the inputs name: files, folders (their .txt/.text/.md files, recursively, in
    name order), glob patterns, and `-` for standard input. All are read and decoded before any is
    checked, so one bad input stops the run before anything is written."""
    articles: list[Article] = []
    seen: set[Path] = set()
    for given in inputs:
        if given == STDIN:
            data = (stdin or sys.stdin.buffer).read(MAX_ARTICLE_BYTES + 1)
            articles.append(article_from_bytes(data, "<stdin>"))
            continue
        for path in _article_paths(given):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                articles.append(read_article(path))
    if not articles:
        raise InputError("no article given")
    return articles


def _article_paths(given: str) -> list[Path]:
    path = Path(given)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix in ARTICLE_SUFFIXES and p.is_file())
        if not found:
            raise InputError(f"{given}: no .txt, .text or .md article in this folder")
        return found
    if not path.exists() and glob.has_magic(given):
        matched = sorted(Path(p) for p in glob.glob(given, recursive=True))
        if not matched:
            raise InputError(f"{given}: no file matches")
        return [p for p in matched if p.is_file()]
    return [path]


def run_articles(
    articles: list[Article],
    *,
    published: str | None = None,
    url: str | None = None,
    db: Database | str | Path | None = None,
    log_path: Path | None = None,
    nlp: Language | None = None,
    progress: Callable[[int, int, Article], None] | None = None,
) -> list[RunResult]:
    """Check many articles in one process: one pipeline, analysed in batches (nlp.pipe), one run
    and one log each, or every record in the one log at `log_path` (JSON Lines, run after run).

    Outputs are validated before the first article is analysed; `url` is for a single article.
    """
    from .pipeline import analyse_many, load_pipeline

    if url is not None and len(articles) > 1:
        raise InputError("--url names one article's address; give one article with it")
    published = parse_published(published)
    if log_path is not None:
        log_path = Path(log_path)
        protected = [p for a in articles for p in protected_files(a.path, db)]
        check_output(log_path, "--log", protected, log=True)
    else:  # the logs' folder, once, before the first article is analysed
        check_output(default_log_path(articles[0].path, "0"), "--log", log=True)
    if db is not None and not isinstance(db, Database):
        db = Database(db)
    nlp = nlp or load_pipeline()
    docs = analyse_many(nlp, (a.text for a in articles), published)
    results = []
    for done, (article, doc) in enumerate(zip(articles, docs, strict=True), start=1):
        analysis = Analysis(article.text, doc._.claims, doc._.findings)
        results.append(
            check_article(
                article,
                published=published,
                url=url,
                db=db,
                write=log_path is None,
                analysis=analysis,
                store=db is not None,
            )
        )
        if progress is not None:
            progress(done, len(articles), article)
    if log_path is not None:
        write_log(log_path, (record for result in results for record in result.records))
        for result in results:
            result.log_path = log_path
    return results


@dataclass
class Reviewed:
    """A finished run as every output shows it: the stored form, its review items (with the
    decisions carried over from earlier runs of the article) and its counts."""

    result: RunResult
    run: StoredRun
    items: list[ReviewItem]

    @property
    def counts(self) -> RunCounts:
        return run_counts(self.run, self.items)


def reviewed(results: list[RunResult], db: Database | str | Path | None) -> list[Reviewed]:
    """The runs of `results` after review: decisions already made on unchanged items count."""
    database = db if isinstance(db, Database) or db is None else Database(db)
    views = []
    for result in results:
        run = run_from_records(result.records, result.article.text)
        run.article_key = article_key(result.article.path)
        items = review_items(database, run) if database is not None else []
        views.append(Reviewed(result, run, items))
    return views


def exit_status(views: list[Reviewed]) -> int:
    """1 when any article is flagged after review (a standing fail, a contradiction), else 0."""
    return 1 if any(v.counts.status == "flagged" for v in views) else 0


def parse_article_url(value: str | None) -> str | None:
    """Validate the article's published address: an http or https URL."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise InputError(f"--url {value!r}: expected the article's web address (http or https)")
    return value


def match_against(db: Database, analysis: Analysis) -> None:
    """Give every check-worthy claim a verdict from the bulletins in db."""
    matcher = Matcher(db)
    analysis.bulletins = matcher.has_facts()
    if analysis.bulletins:
        analysis.matches = matcher.match(analysis.claims)
    else:
        analysis.matches = [
            Match(c.id, "unverified", "the database holds no bulletins yet")
            for c in analysis.claims
            if c.checkworthy
        ]


def log_records(
    run_id: str,
    article: Article,
    published: str | None,
    created_at: str,
    analysis: Analysis,
    url: str | None = None,
    db: Database | None = None,
) -> list[dict[str, Any]]:
    """Every record of the log, in order: run, claims, findings, matches, summary; `db` gives the
    review decisions that carry over to this run."""
    run = {
        "type": "run",
        "run_id": run_id,
        "article": article.path,
        "article_sha256": article.sha256,
        "url": url,
        "published": published,
        "created_at": created_at,
        "version": __version__,
        "encoding": article.encoding,
    }
    claims = [claim_record(c, article.text) for c in analysis.claims]
    findings = [finding_record(f) for f in analysis.findings]
    matches = [match_record(m) for m in analysis.matches]
    summary = summary_record(analysis.claims, analysis.findings, analysis.matches)
    # The status model's counts, after the decisions already made on unchanged items of this
    # article: the same counts, and the same status, as the terminal and every report show.
    stored = run_from_records([run, *claims, *findings, *matches], article.text)
    stored.article_key = article_key(article.path)
    counts = run_counts(stored, review_items(db, stored) if db is not None else [])
    summary["status"] = counts.status
    summary["counts"] = counts.record()
    return [run, *claims, *findings, *matches, summary]


def save_run(db: Database, result: RunResult) -> None:
    """Store a run, its claims and its findings in one transaction."""
    run = result.records[0]
    summary = result.records[-1]
    stored = run_from_records(result.records, result.article.text)
    keys = item_keys(stored.claims, stored.findings)
    with db.transaction():
        db.insert_rows(
            "runs",
            [
                {
                    "run_id": result.run_id,
                    "article": run["article"],
                    "article_sha256": run["article_sha256"],
                    "url": result.url,
                    "published": run["published"],
                    "created_at": run["created_at"],
                    "version": run["version"],
                    "encoding": run["encoding"],
                    "status": summary["status"],
                    "log": None,
                    "text": result.article.text,
                    "article_key": article_key(result.article.path),
                }
            ],
        )
        db.insert_rows(
            "claims",
            [_claim_row(result.run_id, c, result.article.text) for c in result.analysis.claims],
        )
        db.insert_rows(
            "findings",
            [
                {
                    "run_id": result.run_id,
                    "id": f.id,
                    "check": f.check,
                    "status": f.status,
                    "claims": json.dumps(f.claims),
                    "message": f.message,
                    "item_key": keys.findings[f.id],
                }
                for f in result.analysis.findings
            ],
        )
        db.insert_rows(
            "matches",
            [
                {
                    "run_id": result.run_id,
                    "claim": record["claim"],
                    "verdict": record["verdict"],
                    "evidence": json.dumps(record["evidence"], ensure_ascii=False),
                    "origin": json.dumps(record["origin"], ensure_ascii=False),
                    "why": record["why"],
                    "repetitions": json.dumps(record["repetitions"], ensure_ascii=False),
                    "drift": json.dumps(record["drift"], ensure_ascii=False),
                    "item_key": keys.claims[record["claim"]],
                }
                for record in result.records
                if record["type"] == "match"
            ],
        )


def article_key(path: str) -> str:
    """What makes two runs runs of the same article: its resolved path."""
    return str(Path(path).resolve())


def _claim_row(run_id: str, claim: Claim, text: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "id": claim.id,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "kind": claim.kind,
        "value": json.dumps(claim_value(claim), ensure_ascii=False),
        "unit": claim.unit,
        "approx": claim.figure.approx,
        "direction": claim.figure.direction,
        "measure": claim.measure,
        "place": claim.place,
        "period": claim.period,
        "comparison": claim.comparison,
        "actor": claim.actor,
        "checkworthy": int(claim.checkworthy),
        "sentence": text[claim.sentence.start : claim.sentence.end].strip(),
        **claim.scope_row(),
    }
