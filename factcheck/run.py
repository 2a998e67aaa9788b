"""The main job: read an article, extract its claims, check them, store the run, write the log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import __version__
from .checks import Finding
from .claims import Claim
from .errors import InputError
from .files import check_output
from .matching import Match, Matcher
from .review import item_keys
from .runs import run_from_records
from .storage import Database
from .text import Article, read_article
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
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(f"--published {value!r}: expected a date as YYYY-MM-DD") from exc


def analyse_text(text: str, published: str | None = None, nlp: Language | None = None) -> Analysis:
    """Claims and findings of a text, with the default pipeline unless one is given."""
    from .pipeline import analyse, load_pipeline

    doc = analyse(nlp or load_pipeline(), text, published)
    return Analysis(text, doc._.claims, doc._.findings)


def new_run_id(sha256: str, now: dt.datetime) -> str:
    """A sortable, unique run id: time of the run and a piece of the article's hash."""
    salt = hashlib.sha256(f"{sha256}{now.isoformat()}{os.getpid()}".encode()).hexdigest()[:6]
    return f"{now:%Y%m%dT%H%M%S}-{salt}"


def default_log_path(article_path: str, run_id: str) -> Path:
    """factcheck-logs/<article name>-<run id>.jsonl in the current folder."""
    return Path(LOG_FOLDER) / f"{Path(article_path).stem}-{run_id}.jsonl"


def protected_files(
    article: str | Path, db: Database | str | Path | None
) -> list[tuple[Path, str]]:
    """The files an output must never replace: the article, the database and its WAL files."""
    files = [(Path(article), "the article")]
    if db is not None:
        path = db.path if isinstance(db, Database) else Path(db)
        files += [(path, "the database")]
        files += [(Path(f"{path}{suffix}"), "the database's journal") for suffix in _JOURNALS]
    return files


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
) -> RunResult:
    """Check an article already read (a file, standard input, an upload), as run_article does.

    `analysis` is the article's analysis when a batch made it already (run_articles).
    """
    published = parse_published(published)
    url = parse_article_url(url)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run_id = new_run_id(article.sha256, now)
    target = log_path or default_log_path(article.path, run_id)
    if write:
        check_output(target, "--log", protected_files(article.path, db), log=True)
        if db is not None and not isinstance(db, Database):
            db = Database(db)
    if analysis is None:
        analysis = analyse_text(article.text, published, nlp)
    if isinstance(db, Database):
        match_against(db, analysis)
    records = log_records(run_id, article, published, now.isoformat(), analysis, url)
    result = RunResult(run_id, article, published, now.isoformat(), analysis, None, records, url)
    if write:
        if isinstance(db, Database):
            save_run(db, result)
        try:
            write_log(target, records)
        except OSError as exc:
            raise InputError(f"--log {target}: cannot be written ({exc.strerror})") from None
        result.log_path = target
    return result


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
) -> list[dict[str, Any]]:
    """Every record of the log, in order: run, claims, findings, matches, summary."""
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
