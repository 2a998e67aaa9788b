"""The bulletin library: stored documents, their facts, full-text search and per-source counts.

`DocumentLibrary` is the store that fetching and ingesting write to (fetching.DocumentStore and
PageCache). Every stored document has its figures extracted by the same pipeline as articles, so
a claim and its evidence are comparable by construction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .claims import Claim, extract_claims
from .fetching import (
    CachedPage,
    FetchedDocument,
    FetchReport,
    PoliteClient,
    Progress,
    fetch_source,
    ingest_files,
)
from .measures import clean
from .places import Division, place_division
from .storage import Database, default_db_path
from .verification_log import claim_value, json_number

if TYPE_CHECKING:
    from pathlib import Path

    from .sources import Source

INGEST_BATCH = 100  # documents per commit when ingesting saved pages
INGEST_WORKERS = 2  # processes that read, parse and extract while this one stores
MIN_FTS_QUERY = 3
CONTEXT_BEFORE, CONTEXT_AFTER = (
    30,
    10,
)  # the trigram tokenizer matches nothing shorter (FIELD-NOTES)


@dataclass
class SearchHit:
    """One document matching a search, with a snippet around the match."""

    document: int
    url: str
    title: str
    published: str | None
    source: str
    snippet: str


def now_utc() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class DocumentLibrary:
    """Documents and facts in the database; the store behind fetch and ingest."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._homes: dict[str, Division | None] = {}

    def home(self, source: str) -> Division | None:
        """A source's jurisdiction (its `place:`), what its pages' 全市 and 本市 mean."""
        if source not in self._homes:
            row = self.db.db.execute(
                "SELECT place FROM sources WHERE name = ?", (source,)
            ).fetchone()
            self._homes[source] = place_division(row[0]) if row and row[0] else None
        return self._homes[source]

    # --- sources ------------------------------------------------------------------------------

    def register_source(self, source: Source) -> None:
        """Insert or refresh a source's row (its counts and fetch history are kept)."""
        url = source.start_urls[0] if source.start_urls else None
        with self.db.transaction():
            self.db.db.execute(
                "INSERT INTO sources (name, publisher, tier, url, place) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET publisher = excluded.publisher, "
                "tier = excluded.tier, url = excluded.url, place = excluded.place",
                (source.name, source.publisher, source.tier, url, source.place),
            )
        self._homes.pop(source.name, None)

    def mark_fetched(self, name: str, error: str | None) -> None:
        """Record the end of a fetch of a source, with its last error (None clears it)."""
        with self.db.transaction():
            self.db.db.execute(
                "UPDATE sources SET last_fetched = ?, last_error = ? WHERE name = ?",
                (now_utc(), error, name),
            )

    def _ensure_source(self, name: str) -> None:
        self.db.db.execute(
            "INSERT OR IGNORE INTO sources (name, tier) VALUES (?, 'official')", (name,)
        )

    def fetch(
        self,
        source: Source,
        *,
        progress: Progress | None = None,
        force: bool = False,
        client: PoliteClient | None = None,
    ) -> FetchReport:
        """Fetch one source into the library and record when, and its last error."""
        self.register_source(source)
        report = fetch_source(source, self, progress=progress, client=client, force=force)
        self.mark_fetched(source.name, report.errors[-1][1] if report.errors else None)
        return report

    def ingest(
        self, paths: list[Path], source: Source, *, progress: Progress | None = None
    ) -> FetchReport:
        """Store saved pages (.html, .htm, .txt, or folders of them) as documents of a source.

        Pages are committed in batches: a killed ingest loses at most the last batch.
        """
        self.register_source(source)
        workers = min(INGEST_WORKERS, os.cpu_count() or 1)
        with self.db.batched(INGEST_BATCH):
            return ingest_files(
                paths,
                source.name,
                self,
                progress=progress,
                workers=workers,
                prepare=partial(with_facts, home=self.home(source.name)),
            )

    # --- DocumentStore ------------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) of the stored document at url, None when unknown."""
        row = self.db.db.execute(
            "SELECT etag, last_modified FROM documents WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def has_content(self, content_sha256: str) -> bool:
        """A document with this text is already stored (under any URL)."""
        row = self.db.db.execute(
            "SELECT 1 FROM documents WHERE content_sha256 = ? LIMIT 1", (content_sha256,)
        ).fetchone()
        return row is not None

    def save_document(self, doc: FetchedDocument) -> str:
        """Store a document and its facts in one transaction: "new", "changed" or "unchanged"."""
        row = self.db.db.execute(
            "SELECT id, content_sha256 FROM documents WHERE url = ?", (doc.url,)
        ).fetchone()
        if row is not None and row[1] == doc.content_sha256:
            self._touch(doc)
            return "unchanged"
        facts = doc.facts if doc.facts is not None else fact_rows(doc, self.home(doc.source))
        with self.db.transaction():
            self._ensure_source(doc.source)
            document_id = self._upsert(doc, row[0] if row else None)
            self.db.db.execute("DELETE FROM facts WHERE document_id = ?", (document_id,))
            self.db.insert_rows("facts", [dict(f, document_id=document_id) for f in facts])
        return "changed" if row is not None else "new"

    def mark_unchanged(self, url: str) -> None:
        """A 304 came back: the stored copy is current."""
        with self.db.transaction():
            self.db.db.execute(
                "UPDATE documents SET checked_at = ? WHERE url = ?", (now_utc(), url)
            )

    def record_failure(self, source: str, url: str, error: str) -> None:
        """Keep a failed page's error (the fetch goes on)."""
        with self.db.transaction():
            self._ensure_source(source)
            self.db.db.execute(
                "INSERT INTO fetch_failures (source, url, error, at) VALUES (?, ?, ?, ?)",
                (source, url, error, now_utc()),
            )

    # --- PageCache ------------------------------------------------------------------------------

    def cached_page(self, url: str) -> CachedPage | None:
        """A remembered list page (or duplicate URL) with its validators."""
        rows = self.db.rows("SELECT * FROM cached_pages WHERE url = ?", (url,))
        if not rows:
            return None
        row = rows[0]
        return CachedPage(
            row["url"],
            row["kind"],
            row["etag"],
            row["last_modified"],
            json.loads(row["links"] or "[]"),
            row["next_page"],
            row["rules"] or "",
        )

    def save_cached_page(self, page: CachedPage) -> None:
        """Remember a list page (or duplicate URL) for the next fetch."""
        with self.db.transaction():
            self.db.insert_rows(
                "cached_pages",
                [
                    {
                        "url": page.url,
                        "kind": page.kind,
                        "etag": page.etag,
                        "last_modified": page.last_modified,
                        "links": json.dumps(page.links),
                        "next_page": page.next_page,
                        "rules": page.rules,
                    }
                ],
            )

    # --- facts --------------------------------------------------------------------------------

    def _upsert(self, doc: FetchedDocument, existing: int | None) -> int:
        values = {
            "source": doc.source,
            "url": doc.url,
            "title": doc.title,
            "published": doc.published,
            "text": doc.text,
            "encoding": doc.encoding,
            "content_sha256": doc.content_sha256,
            "etag": doc.etag,
            "last_modified": doc.last_modified,
            "fetched_at": doc.fetched_at,
            "checked_at": doc.fetched_at,
        }
        if existing is None:
            columns = ", ".join(f"[{k}]" for k in values)
            marks = ", ".join("?" for _ in values)
            cursor = self.db.db.execute(
                f"INSERT INTO documents ({columns}) VALUES ({marks})", tuple(values.values())
            )
            return int(cursor.lastrowid or 0)
        assignments = ", ".join(f"[{k}] = ?" for k in values)
        self.db.db.execute(
            f"UPDATE documents SET {assignments} WHERE id = ?", (*values.values(), existing)
        )
        return existing

    def _touch(self, doc: FetchedDocument) -> None:
        with self.db.transaction():
            self.db.db.execute(
                "UPDATE documents SET etag = ?, last_modified = ?, checked_at = ? WHERE url = ?",
                (doc.etag, doc.last_modified, doc.fetched_at, doc.url),
            )

    # --- reading ------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Documents whose title or text contains the query (trigram FTS; LIKE under 3 chars)."""
        query = query.strip()
        if not query:
            return []
        if len(query) >= MIN_FTS_QUERY:
            sql = (
                "SELECT d.id, d.url, d.title, d.published, d.source, "
                "snippet(documents_fts, 1, '[', ']', '…', 16) AS snippet "
                "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY d.published DESC LIMIT ?"
            )
            params: tuple[Any, ...] = ('"' + query.replace('"', '""') + '"', limit)
        else:
            # Short queries cannot use the trigram index: scan the table (documented, rare).
            sql = (
                "SELECT id, url, title, published, source, "
                "substr(text, max(1, instr(text, ?) - 16), 40) AS snippet FROM documents "
                "WHERE text LIKE ? OR title LIKE ? ORDER BY published DESC LIMIT ?"
            )
            like = f"%{query}%"
            params = (query, like, like, limit)
        return [SearchHit(*row) for row in self.db.db.execute(sql, params).fetchall()]

    def stats(self) -> list[dict[str, Any]]:
        """Per source: tier, documents, facts, failures, last fetched, last error."""
        return self.db.rows(
            "SELECT s.name, s.tier, s.url, "
            "(SELECT count(*) FROM documents d WHERE d.source = s.name) AS documents, "
            "(SELECT count(*) FROM facts f JOIN documents d ON d.id = f.document_id "
            " WHERE d.source = s.name) AS facts, "
            "(SELECT count(*) FROM fetch_failures x WHERE x.source = s.name) AS failures, "
            "s.last_fetched, s.last_error FROM sources s ORDER BY s.name"
        )


def fact_rows(doc: FetchedDocument, home: Division | None = None) -> list[dict[str, Any]]:
    """The check-worthy figures of a document as fact rows (offsets into doc.text).

    The same rules as the spaCy components (claims.extract_claims), without building a Doc of
    one token per character: at ingest rates that Doc is a fifth of the cost. `home` is the
    source's place: what the page's 全市 means.
    """
    claims = extract_claims(doc.text, doc.published, home, doc.title)
    return [fact_row(c, doc.text) for c in claims if c.checkworthy]


def with_facts(doc: FetchedDocument, home: Division | None = None) -> FetchedDocument:
    """The document with its fact rows extracted ahead (run in ingest's worker processes)."""
    return replace(doc, facts=fact_rows(doc, home))


def fact_row(claim: Claim, text: str) -> dict[str, Any]:
    """A claim of a stored document as a row of the facts table."""
    value = claim_value(claim)
    figure = claim.figure
    return {
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "kind": claim.kind,
        "value": value if isinstance(value, (int, float)) else None,
        "value_text": value if isinstance(value, str) else None,
        "low": json_number(figure.low),
        "high": json_number(figure.high),
        "unit": claim.unit,
        "approx": figure.approx,
        "direction": figure.direction,
        "measure": clean(claim.measure) if claim.measure else None,
        "place": claim.place,
        "period": claim.scope.key if claim.scope else (claim.period_value or claim.period),
        "comparison": claim.comparison,
        "context": context_window(text, claim),
        "sentence_start": claim.sentence.start,
        "sentence_end": claim.sentence.end,
        **{k: v for k, v in claim.scope_row().items() if k != "period_key"},
    }


def context_window(text: str, claim: Claim) -> str:
    """The figure with up to CONTEXT_BEFORE characters before it and CONTEXT_AFTER after it,
    within its sentence: what the trigram index searches."""
    start = max(claim.sentence.start, claim.start - CONTEXT_BEFORE)
    end = min(claim.sentence.end, claim.end + CONTEXT_AFTER)
    return text[start:end].strip()


def stored_stats(db_path: Path | None) -> list[dict[str, Any]]:
    """DocumentLibrary.stats() of an existing database, or nothing when there is none yet (a
    fresh checkout lists its sources without creating a database)."""
    path = Path(db_path) if db_path is not None else default_db_path()
    if not path.exists():
        return []
    return DocumentLibrary(Database.existing(path)).stats()
