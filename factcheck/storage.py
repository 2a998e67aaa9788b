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
from .figure import MATCHED_KINDS
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


# Links the first schema left out (issue "A desk's working day"); Datasette shows single-column
# ones as links and ignores the composite one, so matches also points at its run directly.
ForeignKey = tuple[tuple[str, ...], str, tuple[str, ...]]  # (columns, table, its columns)
_NEW_FOREIGN_KEYS: dict[str, list[ForeignKey]] = {
    "matches": [
        (("run_id",), "runs", ("run_id",)),
        (("run_id", "claim"), "claims", ("run_id", "id")),
    ],
    "reviews": [(("run_id",), "runs", ("run_id",))],
    "fetch_failures": [(("source",), "sources", ("name",))],
}


def _migration_9(db: sqlite_utils.Database) -> None:
    """Foreign keys on matches, reviews and fetch failures; findings and matches store their review
    item key, so SQL joins a run's items to their decisions; the views a desk opens first."""
    db.execute("ALTER TABLE findings ADD COLUMN [item_key] TEXT")
    db.execute("ALTER TABLE matches ADD COLUMN [item_key] TEXT")
    _adopt_orphans(db)
    for table, links in _NEW_FOREIGN_KEYS.items():
        _rebuild_with_foreign_keys(db, table, links)
    _backfill_item_keys(db)
    db.execute("CREATE INDEX idx_findings_item_key ON findings (item_key)")
    db.execute("CREATE INDEX idx_matches_item_key ON matches (item_key)")
    for name, select in _VIEWS_9.items():
        db.execute(f"CREATE VIEW [{name}] AS {select}")
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:  # _adopt_orphans covers every link above: anything left is a damaged file
        raise sqlite3.DatabaseError(f"foreign key check failed on {len(broken)} row(s)")


def _adopt_orphans(db: sqlite_utils.Database) -> None:
    """Give rows whose parent is gone a placeholder parent, so the new links keep every row."""
    for child in ("matches", "reviews"):
        db.execute(
            "INSERT INTO runs (run_id, article) "
            f"SELECT DISTINCT x.run_id, '(run no longer stored)' FROM [{child}] x "
            "WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = x.run_id)"
        )
    db.execute(
        # empty text and kind, as review keys are made of them
        "INSERT INTO claims (run_id, id, text, kind, sentence) "
        "SELECT DISTINCT m.run_id, m.claim, '', '', '' FROM matches m "
        "WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.run_id = m.run_id AND c.id = m.claim)"
    )
    db.execute(
        "INSERT INTO sources (name, tier) SELECT DISTINCT x.source, 'official' "
        "FROM fetch_failures x WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.name = x.source)"
    )


# The latest decision on an item, found as review._attach_history finds it: by item key, among the
# decisions on any run of the same article.
_LATEST_DECISION = (
    "SELECT r.id FROM reviews r JOIN runs p ON p.run_id = r.run_id "
    "WHERE r.item_key = i.item_key AND p.article_key = coalesce(u.article_key, u.article) "
    "ORDER BY r.at DESC, r.id DESC LIMIT 1"
)
# A finding's figures in the order it names them (review.ReviewItem.claims).
_FINDING_FIGURES = (
    "FROM json_each(CASE WHEN json_valid(f.claims) THEN f.claims END) j "
    "JOIN claims c ON c.run_id = f.run_id AND c.id = j.value ORDER BY j.key"
)


def _json_fields(column: str, prefix: str, fields: tuple[str, ...]) -> str:
    # json_valid first: one malformed value must not break the whole view in Datasette
    valid = f"CASE WHEN json_valid({column}) THEN {column} END"
    return ", ".join(f"json_extract({valid}, '$.{f}') AS {prefix}_{f}" for f in fields)


def _queue_part(items: str) -> str:
    # Two halves joined by UNION ALL rather than one CTE of items, which SQLite materialises
    # whole: this way Datasette's first page reads only the rows it shows.
    return (
        "SELECT i.run_id, u.article, u.created_at AS run_at, i.kind, i.item, i.proposed, "
        "i.[check], i.sentence, i.figures, i.message, coalesce(d.decision, 'open') AS state, "
        "d.note AS decision_note, d.value AS decision_value, d.reviewer, d.at AS decided_at, "
        "d.run_id AS decided_in_run, i.item_key "
        f"FROM ({items}) i JOIN runs u ON u.run_id = i.run_id "
        f"LEFT JOIN reviews d ON d.id = ({_LATEST_DECISION})"
    )


_EVIDENCE_FIELDS = ("source", "url", "title", "published", "document")
_VIEWS_9 = {
    "review_queue": (
        _queue_part(
            "SELECT f.run_id, 'finding' AS kind, f.id AS item, f.item_key, f.status AS proposed, "
            "f.[check] AS [check], "
            f"(SELECT c.sentence {_FINDING_FIGURES} LIMIT 1) AS sentence, "
            f"(SELECT group_concat(text, ' / ') FROM (SELECT c.text {_FINDING_FIGURES})) "
            "AS figures, f.message FROM findings f WHERE f.status IN ('fail', 'warn')"
        )
        + " UNION ALL "
        + _queue_part(
            "SELECT m.run_id, 'claim' AS kind, m.claim AS item, m.item_key, m.verdict AS proposed, "
            "NULL AS [check], c.sentence, c.text AS figures, coalesce(m.why, m.verdict) AS message "
            "FROM matches m JOIN claims c ON c.run_id = m.run_id AND c.id = m.claim "
            "WHERE c.checkworthy AND m.verdict IN ('contradicted', 'unverified') "
            f"AND c.kind IN ({', '.join(repr(k) for k in MATCHED_KINDS)})"
        )
    ),
    "claim_verdicts": (
        "SELECT c.run_id, u.article, u.created_at AS run_at, c.id AS claim, c.text, c.kind, "
        "c.value, c.unit, c.measure, c.place, c.period, c.checkworthy, m.verdict, m.why, "
        f"{_json_fields('m.origin', 'origin', _EVIDENCE_FIELDS)}, c.sentence, m.item_key "
        "FROM claims c JOIN runs u ON u.run_id = c.run_id "
        "LEFT JOIN matches m ON m.run_id = c.run_id AND m.claim = c.id"
    ),
    "drift": (
        "SELECT m.run_id, u.article, u.created_at AS run_at, m.claim, c.text, c.value, c.unit, "
        "c.measure, c.place, c.period, m.verdict, "
        f"{_json_fields('d.value', 'drift', ('value', 'text', *_EVIDENCE_FIELDS, 'snippet'))} "
        "FROM matches m JOIN claims c ON c.run_id = m.run_id AND c.id = m.claim "
        "JOIN runs u ON u.run_id = m.run_id, "
        "json_each(CASE WHEN json_valid(m.drift) THEN m.drift END) d "
        "WHERE m.drift NOT IN ('[]', 'null')"
    ),
}


def _rebuild_with_foreign_keys(
    db: sqlite_utils.Database, table: str, links: list[ForeignKey]
) -> None:
    """Rebuild a table with more foreign keys (ALTER cannot add one), keeping its columns, rows,
    keys, indexes and triggers: SQLite's documented twelve steps, inside the caller's transaction.

    Only before the views exist: the RENAME checks every view, and one naming the dropped table
    fails it (a later rebuild drops the views first and creates them again).
    """
    info = db.execute(f"PRAGMA table_info([{table}])").fetchall()
    columns = [
        f"[{name}] {kind}".rstrip()
        + (" NOT NULL" if notnull else "")
        + (f" DEFAULT {default}" if default is not None else "")
        for _, name, kind, notnull, default, _ in info
    ]
    primary = [column[1] for column in sorted(info, key=lambda c: c[5]) if column[5]]
    kept: dict[int, ForeignKey] = {}
    for key_id, _, other, column, other_column, *_ in db.execute(
        f"PRAGMA foreign_key_list([{table}])"
    ).fetchall():
        columns_so_far, _, others_so_far = kept.get(key_id, ((), other, ()))
        kept[key_id] = ((*columns_so_far, column), other, (*others_so_far, other_column))
    constraints = [f"PRIMARY KEY ({_names(primary)})"] if primary else []
    constraints += [
        f"FOREIGN KEY ({_names(cols)}) REFERENCES [{other}] ({_names(others)})"
        for cols, other, others in [*kept.values(), *links]
    ]
    schema = db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    names = _names([row[1] for row in info])
    db.execute(f"CREATE TABLE [{table}_new] ({', '.join(columns + constraints)})")
    db.execute(f"INSERT INTO [{table}_new] ({names}) SELECT {names} FROM [{table}]")
    db.execute(f"DROP TABLE [{table}]")
    db.execute(f"ALTER TABLE [{table}_new] RENAME TO [{table}]")
    for (sql,) in schema:
        db.execute(sql)


def _names(columns: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"[{c}]" for c in columns)


def _backfill_item_keys(db: sqlite_utils.Database) -> None:
    """Each stored run's finding and claim keys, from review.py's key functions."""
    from .review import item_keys
    from .runs import claim_from_row, finding_from_row

    for (run_id,) in db.execute("SELECT run_id FROM runs").fetchall():
        claims = [
            claim_from_row(row, {})
            for row in db.query("SELECT * FROM claims WHERE run_id = ?", [run_id])
        ]
        findings = [
            finding_from_row(row)
            for row in db.query("SELECT * FROM findings WHERE run_id = ?", [run_id])
        ]
        keys = item_keys(claims, findings)
        db.conn.executemany(
            "UPDATE findings SET item_key = ? WHERE run_id = ? AND id = ?",
            [(key, run_id, item) for item, key in keys.findings.items()],
        )
        db.conn.executemany(
            "UPDATE matches SET item_key = ? WHERE run_id = ? AND claim = ?",
            [(key, run_id, item) for item, key in keys.claims.items()],
        )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
]
SCHEMA_VERSION = len(MIGRATIONS)

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

    def __init__(self, path: str | Path | None = None, *, create: bool = True) -> None:
        """Open (and migrate) the database; with create=False only one that exists already."""
        self.path = Path(path) if path is not None else default_db_path()
        self._batch: list[int] | None = None  # [size, steps] while batched()
        if not create:
            self._check_exists()
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

    @classmethod
    def existing(cls, path: str | Path | None = None) -> Database:
        """An existing database (for commands that only read); DatabaseError when there is none."""
        return cls(path, create=False)

    def _check_exists(self) -> None:
        # An empty file is no database either: opening it would write the whole schema.
        if not self.path.exists() or (self.path.is_file() and self.path.stat().st_size == 0):
            raise DatabaseError(
                f"{self.path}: no such database; `factcheck run` or `factcheck fetch` creates it"
            )

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
        # Only through SQLite: closing a Python file object on the database would drop every
        # POSIX lock this process holds on it, including those of open connections (another
        # process could then take the WAL for unused and reset it under them).
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
            if "file is not a database" in str(exc):
                raise DatabaseError(
                    f"{self.path}: not an SQLite database; give another --db"
                ) from None
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
