"""The desk's views (review_queue, claim_verdicts, drift) and the database served by Datasette.

The database: the made-up bulletins fetched, the first article with one figure edited (84 → 85
gangs, so the sum of parts fails) run twice, and a decision on the failing finding of the first run.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TAIYUAN
from fixture_site import BULLETINS, FixtureSite, fetch_bulletins

from factcheck.datasette import metadata, serve_command, write_metadata
from factcheck.documents import DocumentLibrary
from factcheck.errors import DatabaseError
from factcheck.review import decide, find_item, review_items
from factcheck.run import run_article
from factcheck.runs import load_run
from factcheck.storage import Database

ORIGIN = "/official/201903/t20190305_1001.html"  # the bulletin that first gives the 128 gangs
DRIFTING = "/media/201904/t20190420_2002.html"  # a later report of 126
NOTE = "the edit was deliberate"


@dataclass
class Desk:
    path: Path
    base: str  # the fixture site's address, as stored in documents.url
    first: str  # run ids
    second: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, nlp) -> Desk:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("desk")
    path = folder / "desk.db"
    with FixtureSite(root=BULLETINS) as site:
        library = DocumentLibrary(Database(path))
        fetch_bulletins(library, site)
        base = site.base
    article = folder / "edited.txt"
    text = TAIYUAN.read_text(encoding="utf-8")
    article.write_text(text.replace("團伙84個", "團伙85個"), encoding="utf-8")
    runs = []
    for n in range(2):
        result = run_article(
            article, published="2019-04-15", db=path, log_path=folder / f"{n}.jsonl", nlp=nlp
        )
        assert result.exit_code == 1
        runs.append(result.run_id)
        if n == 0:
            db = Database(path)
            run = load_run(db, result.run_id)
            decide(db, run, find_item(review_items(db, run), "f1"), "dismiss", note=NOTE)
            db.close()
    return Desk(path, base, *runs)


def rows(desk: Desk, sql: str, *params: Any) -> list[dict[str, Any]]:
    db = Database.existing(desk.path)
    try:
        return db.rows(sql, params)
    finally:
        db.close()


# --- the views ----------------------------------------------------------------------------------


def test_review_queue_is_what_review_shows_with_decisions_carried_over(desk: Desk) -> None:
    db = Database.existing(desk.path)
    items = review_items(db, load_run(db, desk.second))
    db.close()
    queue = rows(desk, "SELECT * FROM review_queue WHERE run_id = ?", desk.second)
    assert {(r["item"], r["kind"], r["proposed"], r["state"]) for r in queue} == {
        (i.id, i.kind, i.proposed, i.state) for i in items
    }
    f1 = next(r for r in queue if r["item"] == "f1")
    assert (f1["state"], f1["decision_note"], f1["decided_in_run"]) == ("dismiss", NOTE, desk.first)
    assert f1["proposed"] == "fail" and "85個" in f1["figures"] and "85個" in f1["sentence"]
    assert f1["article"].endswith("edited.txt") and f1["message"]
    assert all(r["state"] == "open" for r in queue if r["item"] != "f1")


def test_claim_verdicts_give_every_claim_and_the_origin(desk: Desk) -> None:
    verdicts = rows(desk, "SELECT * FROM claim_verdicts WHERE run_id = ?", desk.second)
    stored = rows(desk, "SELECT count(*) AS n FROM claims WHERE run_id = ?", desk.second)
    assert len(verdicts) == stored[0]["n"] > 20
    gangs = [v for v in verdicts if v["text"] == "128個" and v["origin_url"]]
    assert gangs and gangs[0]["verdict"] == "supported"
    assert gangs[0]["origin_url"] == desk.base + ORIGIN
    assert gangs[0]["origin_source"] == "official-fixture"
    assert gangs[0]["origin_published"].startswith("2019-03-05")
    slogans = [v for v in verdicts if not v["checkworthy"]]
    assert slogans and all(v["verdict"] is None for v in slogans)


def test_drift_has_one_row_per_later_report_with_another_value(desk: Desk) -> None:
    drift = rows(desk, "SELECT * FROM drift WHERE run_id = ?", desk.second)
    gangs = [d for d in drift if d["text"] == "128個"]
    assert [(d["drift_url"], d["drift_value"]) for d in gangs] == [(desk.base + DRIFTING, 126)]
    # the edited figure: the bulletin gives 84
    edited = [d for d in drift if d["text"] == "85個"]
    assert [(d["drift_url"], d["drift_value"]) for d in edited] == [(desk.base + ORIGIN, 84)]


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_describes_every_table_and_view_or_hides_it(desk: Desk) -> None:
    meta = metadata(desk.path)
    tables = meta["databases"]["desk"]["tables"]
    listed = rows(desk, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    names = {r["name"] for r in listed}
    hidden = {name for name, entry in tables.items() if entry.get("hidden")}
    assert {"documents_fts_data", "facts_fts", "facts_keyed_node", "facts_rtree_parent"} <= hidden
    assert "fact_keys" in hidden
    shown = names - hidden
    assert {"review_queue", "claim_verdicts", "drift", "runs", "matches"} <= shown
    assert all(tables[name]["description"] for name in shown)
    assert not any(n.startswith(("facts_fts", "facts_keyed", "facts_rtree")) for n in shown)
    assert tables["review_queue"]["columns"]["state"]
    assert meta["title"] == "factcheck"


def test_metadata_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such database"):
        metadata(tmp_path / "missing.db")
    assert list(tmp_path.iterdir()) == []


# --- served by Datasette ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def served(desk: Desk) -> Iterator[str]:
    meta = write_metadata(desk.path, desk.path.parent / "metadata.json")
    port = free_port()
    command = serve_command(desk.path, meta, port=port)
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"datasette did not start: {output}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_datasette_lists_the_views_and_not_the_internal_tables(served: str) -> None:
    listing = get_json(f"{served}/desk.json")
    shown = {t["name"] for t in listing["tables"] if not t["hidden"]}
    assert {"runs", "claims", "findings", "matches", "reviews", "documents"} <= shown
    assert not {n for n in shown if "_fts" in n or "rtree" in n or "keyed" in n or n == "fact_keys"}
    assert {"review_queue", "claim_verdicts", "drift"} <= {v["name"] for v in listing["views"]}
    assert get_json(f"{served}/-/metadata.json")["title"] == "factcheck"


def test_datasette_serves_the_review_queue_with_the_latest_decision(
    served: str, desk: Desk
) -> None:
    queue = get_json(f"{served}/desk/review_queue.json?_shape=array&run_id={desk.second}")
    f1 = next(r for r in queue if r["item"] == "f1")
    assert (f1["state"], f1["decision_note"], f1["proposed"]) == ("dismiss", NOTE, "fail")


def test_datasette_links_matches_to_their_run(served: str, desk: Desk) -> None:
    table = get_json(f"{served}/desk/matches.json?_labels=on&_shape=array&run_id={desk.first}")
    assert table and table[0]["run_id"] == {
        "value": desk.first,
        "label": table[0]["run_id"]["label"],
    }
    assert table[0]["run_id"]["label"].endswith("edited.txt")  # runs' label column: the article
