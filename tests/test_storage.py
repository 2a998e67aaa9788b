"""The database: schema migrations, WAL, runs stored whole, integrity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import TAIYUAN

from factcheck.errors import DatabaseError
from factcheck.run import run_article
from factcheck.storage import SCHEMA_VERSION, Database


def test_new_database_has_every_table_and_wal(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    tables = set(db.db.table_names())
    expected = {"sources", "documents", "facts", "runs", "claims", "findings", "matches", "reviews"}
    assert expected <= tables
    assert {"documents_fts", "facts_fts"} <= tables
    assert db.version == SCHEMA_VERSION
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.integrity_ok()


def test_reopening_keeps_data_and_version(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.db"
    result = run_article(
        TAIYUAN, published="2019-04-15", db=path, log_path=tmp_path / "l.jsonl", nlp=nlp
    )
    again = Database(path)
    assert again.version == SCHEMA_VERSION
    runs = again.rows("SELECT run_id, status FROM runs")
    assert runs == [{"run_id": result.run_id, "status": "clean"}]
    stored = again.rows("SELECT count(*) AS n FROM claims WHERE run_id = ?", (result.run_id,))
    assert stored[0]["n"] == len(result.analysis.claims)
    findings = again.rows("SELECT check_name FROM (SELECT [check] AS check_name FROM findings)")
    assert {"check_name": "sum_of_parts"} in findings


def test_database_from_a_newer_factcheck_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this factcheck"):
        Database(path)


def test_an_empty_earlier_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    sqlite3.connect(path).close()
    assert Database(path).version == SCHEMA_VERSION


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    with pytest.raises(RuntimeError), db.transaction():
        db.insert_rows("runs", [{"run_id": "r1", "article": "a"}])
        raise RuntimeError("crash half-way")
    assert db.rows("SELECT * FROM runs") == []
    assert db.integrity_ok()


def test_document_text_is_searchable_by_trigram(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    with db.transaction():
        db.insert_rows("sources", [{"name": "s"}])
        db.insert_rows(
            "documents",
            [{"source": "s", "url": "u", "title": "t", "text": "共打掉涉黑涉恶犯罪团伙128个"}],
        )
    hits = db.rows("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", ('"犯罪团伙"',))
    assert len(hits) == 1


def test_a_version_1_database_with_data_is_migrated_forward(tmp_path: Path) -> None:
    import sqlite_utils

    from factcheck.storage import MIGRATIONS

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS[0](old)
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO sources (name, tier) VALUES ('taiyuan-gov', 'official')")
    old.execute("INSERT INTO runs (run_id, article) VALUES ('r1', 'a.txt')")
    old.conn.commit()
    old.close()
    db = Database(path)
    assert db.version == SCHEMA_VERSION > 1
    assert "cached_pages" in db.db.table_names()
    assert db.rows("SELECT name FROM sources") == [{"name": "taiyuan-gov"}]
    assert db.rows("SELECT run_id FROM runs") == [{"run_id": "r1"}]
    assert db.integrity_ok()


def test_batched_commits_group_transactions_and_keep_finished_steps(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    with pytest.raises(RuntimeError), db.batched(2):
        for n in range(3):
            with db.transaction():
                db.insert_rows("runs", [{"run_id": f"r{n}", "article": "a"}])
        with db.transaction():
            db.insert_rows("runs", [{"run_id": "broken", "article": "a"}])
            raise RuntimeError("this step fails")
    # the three finished steps are kept, the failed one is rolled back
    assert [r["run_id"] for r in db.rows("SELECT run_id FROM runs ORDER BY run_id")] == [
        "r0",
        "r1",
        "r2",
    ]
    assert not db.db.conn.in_transaction
    assert db.integrity_ok()


# --- migration 9: foreign keys, stored item keys, views ------------------------------------------


def version_8_database(path: Path) -> None:
    """A database as factcheck left it at schema version 8, with a run, a decision and a fetch."""
    import sqlite_utils

    from factcheck.storage import MIGRATIONS

    old = sqlite_utils.Database(path)
    for migration in MIGRATIONS[:8]:
        migration(old)
    old.execute("PRAGMA user_version = 8")
    sentence = "共打掉涉黑涉恶犯罪团伙128个，其中犯罪团伙85个。"
    rows = {
        "sources": [{"name": "taiyuan-gov", "tier": "official"}],
        "documents": [{"id": 1, "source": "taiyuan-gov", "url": "u", "text": sentence}],
        "facts": [{"id": 1, "document_id": 1, "text": "128个", "kind": "count", "low": 127.5}],
        "runs": [{"run_id": "r1", "article": "a.txt", "article_key": "/a.txt"}],
        "claims": [
            {"run_id": "r1", "id": "c1", "text": "128个", "kind": "count", "sentence": sentence,
             "checkworthy": 1},
            {"run_id": "r1", "id": "c2", "text": "85个", "kind": "count", "sentence": sentence,
             "checkworthy": 1},
        ],
        "findings": [
            {"run_id": "r1", "id": "f1", "check": "sum_of_parts", "status": "fail",
             "claims": '["c1", "c2"]', "message": "parts add up to 85, not 128"},
        ],
        "matches": [
            {"run_id": "r1", "claim": "c1", "verdict": "supported", "drift": "[]"},
            {"run_id": "r1", "claim": "c2", "verdict": "unverified", "drift": "[]"},
        ],
        "reviews": [
            {"run_id": "r1", "item": "f1", "item_key": "finding:k", "decision": "confirm",
             "at": "2026-01-01T00:00:00"},
        ],
        "fetch_failures": [{"source": "taiyuan-gov", "url": "u2", "error": "HTTP 404"}],
    }  # fmt: skip
    for table, table_rows in rows.items():
        for row in table_rows:
            names = ", ".join(f"[{c}]" for c in row)
            old.execute(
                f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' for _ in row)})",
                list(row.values()),
            )
    old.conn.commit()
    old.close()


COUNTED = ("sources", "documents", "facts", "runs", "claims", "findings", "matches", "reviews",
           "fetch_failures", "documents_fts", "facts_keyed")  # fmt: skip


def counts(db: Database) -> dict[str, int]:
    return {t: db.rows(f"SELECT count(*) AS n FROM [{t}]")[0]["n"] for t in COUNTED}


def test_a_version_8_database_migrates_with_every_row_and_link(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    version_8_database(path)
    db = Database(path)
    assert db.version == SCHEMA_VERSION == 9
    assert counts(db) == {t: 2 if t in ("claims", "matches") else 1 for t in COUNTED}
    assert db.rows("PRAGMA foreign_key_check") == []
    assert db.integrity_ok()
    links = {
        (t, row["table"], row["from"], row["to"])
        for t in ("matches", "reviews", "fetch_failures")
        for row in db.rows(f"PRAGMA foreign_key_list([{t}])")
    }
    assert {
        ("matches", "runs", "run_id", "run_id"),
        ("matches", "claims", "run_id", "run_id"),
        ("matches", "claims", "claim", "id"),
        ("reviews", "runs", "run_id", "run_id"),
        ("fetch_failures", "sources", "source", "name"),
    } <= links
    indexes = {r["name"] for r in db.rows("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_reviews_item_key", "idx_findings_item_key", "idx_matches_item_key"} <= indexes
    # the rebuilt tables keep their keys and still refuse what the links forbid
    assert db.rows("SELECT id, item FROM reviews") == [{"id": 1, "item": "f1"}]
    with pytest.raises(sqlite3.IntegrityError):
        db.insert_rows("matches", [{"run_id": "r1", "claim": "c9", "verdict": "supported"}])
    with pytest.raises(sqlite3.IntegrityError):
        db.insert_rows("reviews", [{"run_id": "gone", "item": "f1", "decision": "confirm"}])


def test_migration_9_backfills_the_keys_review_computes(tmp_path: Path) -> None:
    from factcheck.review import review_items
    from factcheck.runs import load_run

    path = tmp_path / "v8.db"
    version_8_database(path)
    db = Database(path)
    items = {i.id: i.key for i in review_items(db, load_run(db, "r1"))}
    stored = {r["id"]: r["item_key"] for r in db.rows("SELECT id, item_key FROM findings")}
    stored |= {r["claim"]: r["item_key"] for r in db.rows("SELECT claim, item_key FROM matches")}
    assert items == {"f1": stored["f1"], "c2": stored["c2"]}  # c1 is supported: no item
    assert stored["c1"].startswith("claim:") and stored["f1"].startswith("finding:")


def test_rows_whose_parent_is_gone_are_kept_under_a_placeholder(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "v8.db"
    version_8_database(path)
    old = sqlite_utils.Database(path)
    old.execute("INSERT INTO reviews (run_id, item, decision) VALUES ('r0', 'f1', 'confirm')")
    old.execute("INSERT INTO matches (run_id, claim, verdict) VALUES ('r1', 'c7', 'unverified')")
    old.execute("INSERT INTO fetch_failures (source, url) VALUES ('gone-source', 'u3')")
    old.conn.commit()
    old.close()
    db = Database(path)
    assert db.rows("SELECT count(*) AS n FROM reviews")[0]["n"] == 2
    assert db.rows("SELECT count(*) AS n FROM matches")[0]["n"] == 3
    assert db.rows("SELECT article FROM runs WHERE run_id = 'r0'") == [
        {"article": "(run no longer stored)"}
    ]
    assert db.rows("SELECT name FROM sources WHERE name = 'gone-source'") != []
    assert db.rows("PRAGMA foreign_key_check") == []


def test_migration_9_keeps_indexes_and_triggers_added_by_hand(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "v8.db"
    version_8_database(path)
    old = sqlite_utils.Database(path)
    old.execute("CREATE INDEX by_verdict ON matches (verdict)")
    old.execute("CREATE TABLE noted (item TEXT)")
    old.execute(
        "CREATE TRIGGER note_review AFTER INSERT ON reviews BEGIN "
        "INSERT INTO noted VALUES (new.item); END"
    )
    old.conn.commit()
    old.close()
    db = Database(path)
    names = {r["name"] for r in db.rows("SELECT name FROM sqlite_master")}
    assert {"by_verdict", "note_review"} <= names
    with db.transaction():
        db.insert_rows("reviews", [{"run_id": "r1", "item": "c2", "decision": "confirm"}])
    assert db.rows("SELECT item FROM noted") == [{"item": "c2"}]


def test_a_run_stores_the_item_keys_review_uses(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    from factcheck.review import review_items
    from factcheck.runs import load_run

    path = tmp_path / "f.db"
    result = run_article(
        TAIYUAN, published="2019-04-15", db=path, log_path=tmp_path / "l.jsonl", nlp=nlp
    )
    db = Database(path)
    items = review_items(db, load_run(db, result.run_id))
    assert items
    keys = {r["id"]: r["item_key"] for r in db.rows("SELECT id, item_key FROM findings")}
    keys |= {r["claim"]: r["item_key"] for r in db.rows("SELECT claim, item_key FROM matches")}
    assert all(keys[i.id] == i.key for i in items)
    assert None not in keys.values()


# --- opening only an existing database -------------------------------------------------------------


def test_existing_only_refuses_a_missing_database_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(DatabaseError) as caught:
        Database(missing, create=False)
    assert str(caught.value) == (
        f"{missing}: no such database; `factcheck run` or `factcheck fetch` creates it"
    )
    with pytest.raises(DatabaseError, match="no such database"):
        Database.existing(tmp_path / "nowhere" / "f.db")
    assert list(tmp_path.iterdir()) == []


def test_existing_only_refuses_an_empty_file_and_leaves_it_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseError, match="no such database"):
        Database.existing(empty)
    assert empty.stat().st_size == 0 and sorted(tmp_path.iterdir()) == [empty]


def test_existing_only_opens_a_database_that_exists(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    Database(path).close()
    assert Database.existing(path).version == SCHEMA_VERSION
    with pytest.raises(DatabaseError, match="is a directory"):
        Database.existing(tmp_path)


def test_a_second_open_in_the_same_process_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    """A desk's sequence with the database open twice in this process (a run read back for
    review) while other processes read and write it: every reader sees an intact file. Before
    the header was read through SQLite, closing a Python file object on the database dropped
    this process's POSIX locks (SQLite's "How To Corrupt", section 2.2) and tests/test_desk.py's
    sequence left the file reading as malformed to other processes."""
    import os
    import subprocess
    import sys

    from conftest import TAIYUAN

    from factcheck.run import reviewed, run_article

    path = tmp_path / "locks.db"
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root, "FACTCHECK_DB": str(path)}

    def factcheck(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "factcheck", *args], env=env, cwd=tmp_path, capture_output=True
        )

    def check() -> list[str]:
        code = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "print(c.execute('PRAGMA integrity_check').fetchone()[0], "
            "c.execute('SELECT count(*) FROM runs').fetchone()[0]); c.close()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True
        )
        return done.stdout.split() or done.stderr.strip().splitlines()[-1:]

    bulletins = Path(__file__).parent / "fixtures" / "bulletins" / "official"
    factcheck("sources", "add", "demo", "http://127.0.0.1:8000/official/", "--sources", "s.yaml")
    factcheck("ingest", str(bulletins), "--source", "demo", "--sources", "s.yaml")
    result = run_article(TAIYUAN, published="2019-04-15", db=path, log_path=tmp_path / "a.jsonl")
    views = reviewed([result], path)  # opens the database a second time in this process
    seen = [check()]
    for args in (
        ("search", "涉黑涉恶"),
        ("db", "stats"),
        ("sources", "list", "--sources", "s.yaml"),
        ("run", str(TAIYUAN), "--log", str(tmp_path / "b.jsonl")),
    ):
        factcheck(*args)
        seen.append(check())
    assert seen == [["ok", "1"]] * 4 + [["ok", "2"]]
    assert views[0].counts.verdicts["supported"] > 0
