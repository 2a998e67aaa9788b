"""Review through the command line: scripted walks, the audit trail, decisions surviving a re-run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TAIYUAN

from factcheck.review import decide, review_items
from factcheck.runs import load_run
from factcheck.storage import Database


def factcheck(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COLUMNS": "160",
        "FACTCHECK_DB": str(cwd / "f.db"),
        "FACTCHECK_REVIEWER": "tester",
    }
    return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def flagged_run(tmp_path: Path) -> Path:
    article = tmp_path / "edited.txt"
    article.write_text(
        TAIYUAN.read_text(encoding="utf-8").replace("團伙84個", "團伙85個"), encoding="utf-8"
    )
    result = factcheck("run", str(article), "--published", "2019-04-15", cwd=tmp_path)
    assert result.returncode == 1
    return article


def items(cwd: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    listed = factcheck("review", "--list", "--json", cwd=cwd)
    assert listed.returncode == 0, listed.stderr
    return {r["id"]: r for r in map(json.loads, listed.stdout.splitlines())}


def test_items_are_flagged_findings_and_unverified_claims(
    tmp_path: Path, flagged_run: Path
) -> None:
    found = items(tmp_path)
    assert found["f1"]["kind"] == "finding" and found["f1"]["proposed"] == "fail"
    assert "85個" in found["f1"]["figures"]
    claims = [i for i in found.values() if i["kind"] == "claim"]
    assert claims and all(i["proposed"] in ("unverified", "contradicted") for i in claims)
    assert all(i["state"] == "open" for i in found.values())


def test_interactive_walk_with_scripted_input(tmp_path: Path, flagged_run: Path) -> None:
    # dismiss f1 (an empty note is asked again), confirm the next, skip one, correct one, quit
    script = "d\n\nthe edit was deliberate\nc\n\ns\nr\n128\nchecked against the bulletin\nq\n"
    walked = factcheck("review", cwd=tmp_path, stdin=script)
    assert walked.returncode == 0, walked.stderr
    assert "1 of " in walked.stdout and "2 of " in walked.stdout and "4 of " in walked.stdout
    assert "3 decision(s) recorded" in walked.stdout
    found = items(tmp_path)
    order = list(found)
    assert found["f1"]["state"] == "dismiss"
    assert found["f1"]["history"][0]["note"] == "the edit was deliberate"
    assert found["f1"]["history"][0]["reviewer"] == "tester"
    assert found[order[1]]["state"] == "confirm"
    assert found[order[2]]["state"] == "open"  # skipped
    assert found[order[3]]["state"] == "correct" and found[order[3]]["history"][0]["value"] == "128"
    assert found[order[4]]["state"] == "open"  # quit before it


def test_end_of_input_keeps_what_was_decided(tmp_path: Path, flagged_run: Path) -> None:
    walked = factcheck("review", cwd=tmp_path, stdin="c\nok\n")
    assert walked.returncode == 0
    assert items(tmp_path)["f1"]["state"] == "confirm"


def test_scriptable_decisions_and_errors(tmp_path: Path, flagged_run: Path) -> None:
    ok = factcheck(
        "review",
        "--item",
        "f1",
        "--decision",
        "dismiss",
        "--note",
        "partial list",
        "--reviewer",
        "ana",
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    no_note = factcheck("review", "--item", "f1", "--decision", "dismiss", cwd=tmp_path)
    assert no_note.returncode == 2 and "needs a note" in no_note.stderr
    unknown = factcheck("review", "--item", "f99", "--decision", "confirm", cwd=tmp_path)
    assert unknown.returncode == 2 and "no review item 'f99'" in unknown.stderr
    bad = factcheck("review", "--item", "f1", "--decision", "approve", cwd=tmp_path)
    assert bad.returncode == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    no_run = factcheck("review", "--list", cwd=empty)
    assert no_run.returncode == 2 and "no such database" in no_run.stderr
    assert not (tmp_path / "empty" / "f.db").exists()  # reading never creates a database


def test_audit_trail_is_appended_never_overwritten(tmp_path: Path, flagged_run: Path) -> None:
    db = Database(tmp_path / "f.db")
    run = load_run(db)
    item = review_items(db, run)[0]
    decide(db, run, item, "dismiss", note="looks deliberate", reviewer="ana")
    decide(db, run, item, "confirm", note="no: a real error", reviewer="bo")
    again = review_items(db, load_run(db))[0]
    assert [(d.decision, d.reviewer) for d in again.history] == [
        ("dismiss", "ana"),
        ("confirm", "bo"),
    ]
    assert again.state == "confirm"
    assert db.rows("SELECT count(*) AS n FROM reviews")[0]["n"] == 2
    listed = items(tmp_path)[item.id]
    assert [d["note"] for d in listed["history"]] == ["looks deliberate", "no: a real error"]
    table = factcheck("review", "--list", cwd=tmp_path)
    assert "confirm" in table.stdout


def test_decisions_survive_a_rerun_for_unchanged_items(tmp_path: Path, flagged_run: Path) -> None:
    first = items(tmp_path)
    claim_item = next(
        i for i in first.values() if i["kind"] == "claim" and i["figures"] == ["43條"]
    )
    factcheck(
        "review", "--item", "f1", "--decision", "dismiss", "--note", "deliberate", cwd=tmp_path
    )
    factcheck(
        "review",
        "--item",
        claim_item["id"],
        "--decision",
        "confirm",
        "--note",
        "asked the bureau",
        cwd=tmp_path,
    )
    # the same article again: both decisions carry over, and the dismissed failure no longer
    # flags the article (the exit status is the status after review)
    rerun = factcheck("run", str(flagged_run), "--published", "2019-04-15", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stdout
    assert " clean" in rerun.stdout.splitlines()[0]
    second = items(tmp_path)
    assert second["f1"]["state"] == "dismiss"
    assert second[claim_item["id"]]["state"] == "confirm"
    # edit the 43 rectification measures: that claim changed and is open again; f1 keeps its state
    text = flagged_run.read_text(encoding="utf-8").replace("43條", "44條")
    flagged_run.write_text(text, encoding="utf-8")
    assert (
        factcheck("run", str(flagged_run), "--published", "2019-04-15", cwd=tmp_path).returncode
        == 0
    )
    third = items(tmp_path)
    assert third["f1"]["state"] == "dismiss"
    changed = next(i for i in third.values() if i["figures"] == ["44條"])
    assert changed["state"] == "open"
