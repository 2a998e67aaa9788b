"""The command line as a user runs it: a real process, exit statuses, nothing written on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TAIYUAN

ROOT = Path(__file__).resolve().parent.parent


def factcheck(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: this checkout's package, not whichever one the environment installed.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {
        **os.environ,
        "COLUMNS": "120",
        "FACTCHECK_DB": str(cwd / "factcheck.db"),
        "PYTHONPATH": path,
    }
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_commands_with_examples(tmp_path: Path) -> None:
    result = factcheck("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "run" in result.stdout
    run_help = factcheck("run", "--help", cwd=tmp_path)
    assert "Examples" in run_help.stdout and "--published" in run_help.stdout


def test_run_first_article(tmp_path: Path) -> None:
    result = factcheck("run", str(TAIYUAN), "--published", "2019-04-15", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No inconsistency found" in result.stdout
    assert "0 failed, 0 warned, 24 passed checks" in result.stdout
    logs = list((tmp_path / "factcheck-logs").glob("taiyuan-2019-*.jsonl"))
    assert len(logs) == 1
    assert str(logs[0].relative_to(tmp_path)) in result.stdout
    records = [json.loads(line) for line in logs[0].read_text(encoding="utf-8").splitlines()]
    assert records[0]["type"] == "run" and records[-1]["type"] == "summary"
    text = TAIYUAN.read_text(encoding="utf-8")
    claims = [r for r in records if r["type"] == "claim"]
    assert claims and all(text[c["start"] : c["end"]] == c["text"] for c in claims)
    for field in (
        "id",
        "start",
        "end",
        "text",
        "value",
        "unit",
        "kind",
        "approx",
        "measure",
        "checkworthy",
    ):
        assert all(field in c for c in claims)
    assert all(next(iter(r)) == "type" for r in records)
    by_text = {c["text"]: c for c in claims}
    assert by_text["去年9月"]["value"] == "2018-09"
    assert (tmp_path / "factcheck.db").exists()


def test_flagged_article_exits_1_and_shows_why(tmp_path: Path) -> None:
    article = tmp_path / "edited.txt"
    article.write_text(
        TAIYUAN.read_text(encoding="utf-8").replace("團伙84個", "團伙85個"), encoding="utf-8"
    )
    result = factcheck("run", str(article), "--log", "out/edited.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "sum_of_parts" in result.stdout and "129" in result.stdout
    assert (tmp_path / "out" / "edited.jsonl").exists()


def test_json_prints_the_log_records(tmp_path: Path) -> None:
    result = factcheck("run", str(TAIYUAN), "--json", "--published", "2019-04-15", cwd=tmp_path)
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in records[:1]] == ["run"]
    assert records[-1]["type"] == "summary"
    assert records[0]["published"] == "2019-04-15"


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp / "undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (tmp / "huge.txt").write_bytes(("太原" * 1024 * 1024).encode("utf-8"))
    (tmp / "notadb.db").write_bytes(b"this is not an sqlite file at all" * 100)
    (tmp / "ok.txt").write_text("太原市共打掉团伙128个。", encoding="utf-8")
    return {
        "missing path": ["run", "nowhere.txt"],
        "a directory": ["run", str(tmp)],
        "an empty file": ["run", "empty.txt"],
        "a binary file": ["run", "binary.bin"],
        "undecodable bytes": ["run", "undecodable.txt"],
        "over the size limit": ["run", "huge.txt"],
        "bad --published": ["run", "ok.txt", "--published", "15/04/2019"],
        "database folder missing": ["run", "ok.txt", "--db", "no/such/folder/x.db"],
        "database is a directory": ["run", "ok.txt", "--db", str(tmp)],
        "database file is not sqlite": ["run", "ok.txt", "--db", "notadb.db"],
        "log path is a directory": ["run", "ok.txt", "--log", str(tmp)],
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing path",
        "a directory",
        "an empty file",
        "a binary file",
        "undecodable bytes",
        "over the size limit",
        "bad --published",
        "database folder missing",
        "database is a directory",
        "database file is not sqlite",
        "log path is a directory",
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path: Path, case: str) -> None:
    args = _bad_inputs(tmp_path)[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    notadb = (tmp_path / "notadb.db").read_bytes()
    result = factcheck(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factcheck: error:"), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "notadb.db").read_bytes() == notadb
