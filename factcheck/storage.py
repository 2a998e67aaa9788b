"""The SQLite database: sources, documents, facts, runs, claims, findings, matches, reviews.

One file, opened through sqlite-utils, in WAL mode with a busy timeout so that a review and a fetch
can run side by side. The schema only moves forward through numbered migrations (PRAGMA
user_version); nothing is ever dropped, so a later version opens an earlier database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import DatabaseError
from .files import kind_of

DEFAULT_DB = "factcheck.db"
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    """The database named by FACTCHECK_DB, else ./factcheck.db."""
    return Path(os.environ.get("FACTCHECK_DB") or DEFAULT_DB)


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("sources").create(
        {
            "name": str,
            "publisher": str,
            "tier": str,
            "url": str,
            "last_fetched": str,
            "last_error": str,
        },
        pk="name",
    )
    db.table("documents").create(
        {
            "id": int,
            "source": str,
            "url": str,
            "title": str,
            "published": str,
            "text": str,
            "encoding": str,
            "content_sha256": str,
            "etag": str,
            "last_modified": str,
            "fetched_at": str,
            "checked_at": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("documents").create_index(["url"], unique=True)
    db.table("documents").create_index(["content_sha256"])
    db.table("fetch_failures").create(
        {"id": int, "source": str, "url": str, "error": str, "at": str}, pk="id"
    )
    db.table("facts").create(
        {
            "id": int,
            "document_id": int,
            "start": int,
            "end": int,
            "text": str,
            "kind": str,
            "value": float,
            "value_text": str,
            "low": float,
            "high": float,
            "unit": str,
            "approx": str,
            "direction": str,
            "measure": str,
            "place": str,
            "period": str,
            "comparison": str,
            "context": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("facts").create_index(["kind", "unit", "low"])
    db.table("facts").create_index(["document_id"])
    db.table("runs").create(
        {
            "run_id": str,
            "article": str,
            "article_sha256": str,
            "published": str,
            "created_at": str,
            "version": str,
            "encoding": str,
            "status": str,
            "log": str,
        },
        pk="run_id",
    )
    db.table("claims").create(
        {
            "run_id": str,
            "id": str,
            "start": int,
            "end": int,
            "text": str,
            "kind": str,
            "value": str,
            "unit": str,
            "approx": str,
            "direction": str,
            "measure": str,
            "place": str,
            "period": str,
            "comparison": str,
            "actor": str,
            "checkworthy": int,
        },
        pk=("run_id", "id"),
        foreign_keys=[("run_id", "runs", "run_id")],
    )
    db.table("findings").create(
        {"run_id": str, "id": str, "check": str, "status": str, "claims": str, "message": str},
        pk=("run_id", "id"),
        foreign_keys=[("run_id", "runs", "run_id")],
    )
    db.table("matches").create(
        {"run_id": str, "claim": str, "verdict": str, "evidence": str, "origin": str, "why": str},
        pk=("run_id", "claim"),
    )
    db.table("reviews").create(
        {
            "id": int,
            "run_id": str,
            "item": str,
            "decision": str,
            "value": str,
            "note": str,
            "reviewer": str,
            "at": str,
        },
        pk="id",
    )
    _create_fts(db, "documents", ["title", "text"])
    _create_fts(db, "facts", ["measure", "context"])


def _create_fts(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """An external-content FTS5 trigram index kept current by triggers.

    Written out rather than Table.enable_fts(), whose executescript() commits and would split a
    migration in two.
    """
    cols = ", ".join(f"[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    fts = f"[{table}_fts]"
    remove = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    add = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    db.execute(
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({cols}, tokenize='trigram', content=[{table}])"
    )
    db.execute(f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN {add} END")
    db.execute(f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN {remove} {add} END")


def _migration_2(db: sqlite_utils.Database) -> None:
    """List pages and duplicate URLs remembered between fetches, so a re-fetch costs only a 304."""
    db.table("cached_pages").create(
        {
            "url": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "links": str,
            "next_page": str,
            "rules": str,
        },
        pk="url",
    )
    db.table("facts").create_index(["measure"])


OPEN_HIGH = 3.0e38  # an open upper bound (逾100家) in the R*Tree, whose values are 32-bit floats


def _migration_3(db: sqlite_utils.Database) -> None:
    """An R*Tree over fact value intervals, for candidates by value; trace columns on matches."""
    db.execute("CREATE VIRTUAL TABLE facts_rtree USING rtree(id, low, high)")
    add = (
        "INSERT INTO facts_rtree (id, low, high) "
        f"VALUES (new.id, new.low, coalesce(new.high, {OPEN_HIGH}))"
    )
    db.execute(
        "CREATE TRIGGER facts_rtree_ai AFTER INSERT ON facts WHEN new.low IS NOT NULL "
        f"BEGIN {add}; END"
    )
    db.execute(
        "CREATE TRIGGER facts_rtree_ad AFTER DELETE ON facts "
        "BEGIN DELETE FROM facts_rtree WHERE id = old.id; END"
    )
    db.execute(
        "INSERT INTO facts_rtree (id, low, high) "
        f"SELECT id, low, coalesce(high, {OPEN_HIGH}) FROM facts WHERE low IS NOT NULL"
    )
    for column in ("repetitions", "drift"):
        db.execute(f"ALTER TABLE matches ADD COLUMN [{column}] TEXT")


def _migration_4(db: sqlite_utils.Database) -> None:
    """Runs keep the article text and a stable article key; reviews keep a stable item key, so a
    decision carries over to a later run of the same article when the item did not change."""
    for column in ("text", "article_key"):
        db.execute(f"ALTER TABLE runs ADD COLUMN [{column}] TEXT")
    db.execute("ALTER TABLE reviews ADD COLUMN [item_key] TEXT")
    db.execute("ALTER TABLE claims ADD COLUMN [sentence] TEXT")
    db.table("reviews").create_index(["item_key"])
    db.table("runs").create_index(["article_key"])


def _migration_5(db: sqlite_utils.Database) -> None:
    """Facts point at their sentence in the document instead of copying it; `context` becomes a
    short window around the figure, so the trigram index is not fed each sentence once per fact."""
    for column in ("sentence_start", "sentence_end"):
        db.execute(f"ALTER TABLE facts ADD COLUMN [{column}] INTEGER")
    # Candidates now come from the R*Tree and the trigram index; these two only slowed inserts.
    db.execute("DROP INDEX IF EXISTS idx_facts_kind_unit_low")
    db.execute("DROP INDEX IF EXISTS idx_facts_measure")


_KEY_UNIT = "CASE WHEN {t}.unit IN ('人', '名', '位') THEN '人' ELSE coalesce({t}.unit, '') END"
_KEY_DIRECTION = (
    "CASE WHEN {t}.kind = 'percent_change' THEN coalesce({t}.direction, '') ELSE '' END"
)
_KEY_HEAD = "coalesce(substr({t}.measure, -2), '')"


def _key_sql(t: str) -> tuple[str, str, str]:
    return (_KEY_UNIT.format(t=t), _KEY_DIRECTION.format(t=t), _KEY_HEAD.format(t=t))


def _migration_6(db: sqlite_utils.Database) -> None:
    """An R*Tree over (key, value interval): the key numbers what a supporting fact must share with
    a claim (kind, unit class, direction of a change, head noun of the measure), so that a value
    common across a million facts about other things no longer crowds out the evidence.

    facts_rtree is no longer read: its insert trigger goes (the table stays, filled up to here).
    """
    db.execute("DROP TRIGGER IF EXISTS facts_rtree_ai")
    db.execute(
        "CREATE TABLE fact_keys (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, unit TEXT NOT NULL, "
        "direction TEXT NOT NULL, head TEXT NOT NULL, UNIQUE (kind, unit, direction, head))"
    )
    db.execute("CREATE VIRTUAL TABLE facts_keyed USING rtree(id, key_lo, key_hi, low, high)")
    unit, direction, head = _key_sql("new")
    match = (
        f"k.kind = new.kind AND k.unit = {unit} AND k.direction = {direction} AND k.head = {head}"
    )
    db.execute(
        "CREATE TRIGGER facts_keyed_ai AFTER INSERT ON facts WHEN new.low IS NOT NULL BEGIN "
        # not INSERT OR IGNORE: the outer INSERT OR REPLACE (insert_rows) would override it and
        # renumber the key under the facts already filed with it
        "INSERT INTO fact_keys (kind, unit, direction, head) "
        f"SELECT new.kind, {unit}, {direction}, {head} "
        f"WHERE NOT EXISTS (SELECT 1 FROM fact_keys k WHERE {match}); "
        "INSERT INTO facts_keyed (id, key_lo, key_hi, low, high) "
        f"SELECT new.id, k.id, k.id, new.low, coalesce(new.high, {OPEN_HIGH}) FROM fact_keys k "
        f"WHERE {match}; END"
    )
    db.execute(
        "CREATE TRIGGER facts_keyed_ad AFTER DELETE ON facts "
        "BEGIN DELETE FROM facts_keyed WHERE id = old.id; END"
    )
    unit, direction, head = _key_sql("f")
    db.execute(
        "INSERT OR IGNORE INTO fact_keys (kind, unit, direction, head) "
        f"SELECT DISTINCT f.kind, {unit}, {direction}, {head} FROM facts f WHERE f.low IS NOT NULL"
    )
    db.execute(
        "INSERT INTO facts_keyed (id, key_lo, key_hi, low, high) "
        f"SELECT f.id, k.id, k.id, f.low, coalesce(f.high, {OPEN_HIGH}) FROM facts f "
        f"JOIN fact_keys k ON k.kind = f.kind AND k.unit = {unit} AND k.direction = {direction} "
        f"AND k.head = {head} WHERE f.low IS NOT NULL"
    )


def _migration_7(db: sqlite_utils.Database) -> None:
    """Places by gazetteer code and periods by kind (issue 10): facts and claims gain the place's
    code, the period's kind and as-of date and the comparison base; sources gain their place.

    Stored facts keep their values: a place name the gazetteer resolves gets its code, and a
    period written like 2019-Q1 is a calendar one; the rest stays unknown until re-extracted.
    """
    from .places import place_division

    for table in ("facts", "claims"):
        for column in ("place_code", "period_kind", "period_as_of", "base"):
            db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}] TEXT")
    db.execute("ALTER TABLE claims ADD COLUMN [period_key] TEXT")
    db.execute("ALTER TABLE sources ADD COLUMN [place] TEXT")

    def code_of(name: str | None) -> str | None:
        division = place_division(name)
        return division.code if division else None

    db.conn.create_function("fc_place_code", 1, code_of, deterministic=True)
    db.execute(
        "UPDATE facts SET place_code = fc_place_code(place) WHERE place IS NOT NULL AND place != ''"
    )
    db.execute(
        "UPDATE facts SET period_kind = 'calendar' "
        "WHERE period GLOB '[0-9][0-9][0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9][-/]*'"
    )


def _migration_8(db: sqlite_utils.Database) -> None:
    """Runs keep the article's published address (`run --url`), for reports and ClaimReview."""
    db.execute("ALTER TABLE runs ADD COLUMN [url] TEXT")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
]
SCHEMA_VERSION = len(MIGRATIONS)

SQLITE_HEADER = b"SQLite format 3\x00"
# What makes a file factcheck's (with a user_version of 1 or more): tables of migration 1.
_MARKER_TABLES = {"sources", "documents", "facts", "runs", "claims", "findings"}
_MARKER_COLUMNS = {"name", "publisher", "tier", "url", "last_fetched"}


def database_error(path: Path, exc: sqlite3.DatabaseError) -> DatabaseError:
    """One line for an SQLite error: a damaged file says so and how to save what is left."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if "malformed" in reason or "not a database" in reason or "corrupt" in reason:
        return DatabaseError(
            f"{path}: the database is damaged ({reason}); recover what is left with: "
            f"sqlite3 {path} .recover | sqlite3 recovered.db"
        )
    return DatabaseError(f"{path}: cannot be used as a factcheck database ({reason})")


class Database:
    """The factcheck database file; raises DatabaseError with a one-line reason when unusable."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self._batch: list[int] | None = None  # [size, steps] while batched()
        self._check_writable()
        self._check_ours()
        try:
            # Autocommit mode: transactions are explicit (transaction()), never implicit.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL keeps the file consistent through any crash; only the last
            # commits before a power cut can be lost (SQLite's documented trade-off).
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None

    def _check_writable(self) -> None:
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.is_dir():
            raise DatabaseError(f"{self.path}: is a directory, not a database file")
        if not folder.is_dir():
            raise DatabaseError(f"{self.path}: the folder {folder} does not exist")
        if self.path.exists() and not self.path.is_file():
            kind = kind_of(self.path.stat().st_mode)
            raise DatabaseError(f"{self.path}: is {kind}, not a database file")
        target = self.path if self.path.exists() else folder
        if not os.access(target, os.W_OK):
            raise DatabaseError(f"{self.path}: not writable")

    def _check_ours(self) -> None:
        """Refuse, before anything is written to it, a file that is neither empty nor a factcheck
        database this version can open: it is read through a separate read-only connection."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise DatabaseError(f"{self.path}: not an SQLite database; give another --db")
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = {row[0] for row in names}
                columns = {row[1] for row in conn.execute("PRAGMA table_info(sources)")}
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: schema version {version} is newer than this factcheck "
                f"({SCHEMA_VERSION}); upgrade factcheck"
            )
        if not tables:
            return
        ours = _MARKER_TABLES.issubset(tables) and _MARKER_COLUMNS.issubset(columns)
        if version == 0 or not ours:
            shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise DatabaseError(
                f"{self.path}: an SQLite file of another application (tables {shown}); "
                "factcheck leaves it alone: give another --db"
            )

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION, one migration per transaction."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: schema version {current} is newer than this factcheck "
                f"({SCHEMA_VERSION}); upgrade factcheck"
            )
        for number in range(current, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[number](self.db)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a crash or an error leaves the database as it was.

        Inside batched(), a transaction is a savepoint and the batch commits every few of them.
        """
        conn = self.db.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT step")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK TO step")
                conn.execute("RELEASE step")
                raise
            conn.execute("RELEASE step")
            self._count_step()
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def batched(self, size: int = 100) -> Iterator[None]:
        """Commit every `size` transactions instead of each one (bulk ingest: one fsync per batch).

        A crash loses at most the open batch; an exception commits the steps already finished.
        """
        conn = self.db.conn
        self._batch = [size, 0]
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            self._batch = None
            if conn.in_transaction:
                conn.execute("COMMIT")

    def _count_step(self) -> None:
        if self._batch is None:
            return
        self._batch[1] += 1
        if self._batch[1] >= self._batch[0]:
            self.db.conn.execute("COMMIT")
            self.db.conn.execute("BEGIN IMMEDIATE")
            self._batch[1] = 0

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows into a table (inside the caller's transaction)."""
        # Plain SQL rather than Table.insert_all, which commits on its own and would end the
        # caller's transaction half-way.
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.db.conn.executemany(
            f"INSERT OR REPLACE INTO [{table}] ({names}) VALUES ({marks})",
            [tuple(row.get(c) for c in columns) for row in rows],
        )

    def rows(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows of a query as dictionaries."""
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def integrity_ok(self) -> bool:
        """PRAGMA integrity_check says ok."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()
