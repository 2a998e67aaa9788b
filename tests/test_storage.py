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
