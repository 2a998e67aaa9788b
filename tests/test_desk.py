"""A desk's working day through the command line: many articles in one run, what to look at first,
output that fits 80 columns and pipes, and one set of counts.

The bulletins are the made-up ones of tests/fixtures/bulletins (labelled so on every page),
ingested as saved pages; the flagged article is the first one with 84 gangs edited to 85.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import TAIYUAN
from fixture_site import BULLETINS
from rich.console import Console
from test_cli import factcheck

from factcheck.display import print_run
from factcheck.run import reviewed, run_article
from factcheck.status import run_counts

SMALL = "今年1-3月，全市共有企业100家，其中国有企业30家，民营企业80家。\n"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a database holding the made-up bulletins and a day's three articles."""
    root = tmp_path_factory.mktemp("desk")
    for name, tier in (("demo-official", "official"), ("demo-media", "media")):
        folder = "official" if tier == "official" else "media"
        url = f"http://127.0.0.1:8000/{folder}/"
        added = factcheck(
            "sources", "add", name, url, "--tier", tier, "--sources", "demo.yaml", cwd=root
        )
        assert added.returncode == 0, added.stderr
        ingested = factcheck(
            "ingest", str(BULLETINS / folder), "--source", name, "--sources", "demo.yaml", cwd=root
        )
        assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    day = root / "day"
    day.mkdir()
    text = TAIYUAN.read_text(encoding="utf-8")
    (day / "a-clean.txt").write_text(text, encoding="utf-8")
    (day / "b-edited.txt").write_text(text.replace("84個", "85個"), encoding="utf-8")
    (day / "c-small.txt").write_text(SMALL, encoding="utf-8")
    return root


def test_many_articles_in_one_run_give_a_table_and_one_log_each(desk: Path) -> None:
    result = factcheck("run", "day", "-p", "2019-04-15", "-q", cwd=desk)
    assert result.returncode == 1, result.stderr  # an article is flagged
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header == ["status", "article", "run", "fail", "contradicted", "warn", "unverified"]
    rows = [line.split("\t") for line in lines[1:4]]
    # flagged articles first, the clean one last; piped output is one line per article
    assert [r[0] for r in rows] == ["flagged", "flagged", "clean"]
    assert rows[0][1] == "day/b-edited.txt" and rows[0][3:5] == ["1", "1"]
    assert rows[2][1] == "day/a-clean.txt" and rows[2][3:5] == ["0", "0"]
    assert "3 articles checked, 2 flagged, 1 clean." in result.stdout
    logs = sorted((desk / "factcheck-logs").glob("*.jsonl"))
    for name in ("a-clean", "b-edited", "c-small"):
        assert any(p.name.startswith(f"{name}-") for p in logs), name
    run_ids = {r[2] for r in rows}
    assert len(run_ids) == 3


def test_one_combined_log_and_standard_input(desk: Path, tmp_path: Path) -> None:
    log = tmp_path / "day.jsonl"
    result = factcheck(
        "run",
        "-",
        "day/a-clean.txt",
        "-p",
        "2019-04-15",
        "--log",
        str(log),
        "-q",
        cwd=desk,
        stdin=SMALL,
    )
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    runs = [r for r in records if r["type"] == "run"]
    assert [r["article"] for r in runs] == ["<stdin>", "day/a-clean.txt"]
    summaries = [r for r in records if r["type"] == "summary"]
    assert [s["status"] for s in summaries] == ["flagged", "clean"]
    # every run's records sit between its run record and its summary
    kinds = [r["type"] for r in records]
    assert kinds[0] == "run" and kinds[-1] == "summary" and kinds.count("run") == 2


def test_a_bad_input_among_many_stops_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SMALL, encoding="utf-8")
    result = factcheck("run", "good.txt", "missing.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "missing.txt: no such file" in result.stderr
    assert not (tmp_path / "factcheck.db").exists()
    assert not (tmp_path / "factcheck-logs").exists()


def test_the_flagged_come_first_with_their_ids(desk: Path) -> None:
    result = factcheck("run", "day/b-edited.txt", "-p", "2019-04-15", cwd=desk)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("flagged")
    fail, contradicted = lines[1].split("\t"), lines[2].split("\t")
    assert fail[:2] == ["f1", "fail"] and "13個 + 31個 + 85個 = 129個" in fail[2]
    assert contradicted[1] == "contradicted" and contradicted[2].startswith("85個")
    assert contradicted[0].startswith("c")
    # what is new only: the verdict is not repeated inside the message
    assert "contradicted:" not in contradicted[2]
    # supported figures are counted, not listed, unless asked for
    assert not any("\tsupported\t" in line for line in lines)
    assert "14 dates and durations checked in the article only, not looked up" in result.stdout
    verbose = factcheck("run", "day/b-edited.txt", "-p", "2019-04-15", "--verbose", cwd=desk)
    assert sum("\tsupported\t" in line for line in verbose.stdout.splitlines()) == 14


def test_a_repeated_figure_is_one_entry_with_its_count(tmp_path: Path) -> None:
    result = factcheck("run", str(TAIYUAN), "-p", "2019-04-15", cwd=tmp_path)
    assert result.returncode == 0
    unverified = next(line for line in result.stdout.splitlines() if line.startswith("Unverified"))
    assert "c1×4" in unverified  # 128個: the headline and three repeats in the body


def test_terminal_output_fits_80_columns_without_breaking_a_word(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(desk)
    text = (desk / "day" / "b-edited.txt").read_text(encoding="utf-8")
    (desk / "edited-again.txt").write_text(text, encoding="utf-8")
    result = run_article(
        desk / "edited-again.txt", published="2019-04-15", db=desk / "factcheck.db"
    )
    (view,) = reviewed([result], desk / "factcheck.db")
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    print_run(console, view.run, view.items, result.log_path, verbose=True)
    lines = out.getvalue().splitlines()
    assert max(console.measure(line).maximum for line in lines) <= 80
    for word in ("contradicted", "supported", "unverified"):
        assert all(not line.rstrip().endswith(word[: len(word) // 2]) for line in lines)
        assert any(word in line for line in lines)


def test_the_terminal_counts_are_the_status_models(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(desk)
    result = run_article(
        desk / "day" / "b-edited.txt", published="2019-04-15", db=desk / "factcheck.db"
    )
    (view,) = reviewed([result], desk / "factcheck.db")
    out = io.StringIO()
    print_run(Console(file=out, width=200), view.run, view.items, None)
    counts = run_counts(view.run, view.items)
    assert counts.line() in out.getvalue()
    assert counts.verdicts["contradicted"] == 1 and counts.standing["fail"] == 1
    summary = result.records[-1]
    assert summary["status"] == counts.status == "flagged"
    assert summary["counts"] == counts.record()  # the log counts as the terminal does


def test_url_is_checked_and_stored(desk: Path) -> None:
    bad = factcheck("run", "day/c-small.txt", "--url", "javascript:alert(1)", cwd=desk)
    assert bad.returncode == 2 and "expected the article's web address" in bad.stderr
    two = factcheck("run", "day", "--url", "https://example.org/a.html", cwd=desk)
    assert two.returncode == 2 and "give one article" in two.stderr
    good = factcheck("run", "day/c-small.txt", "--url", "https://example.org/a.html", cwd=desk)
    assert good.returncode == 1
    log = good.stdout.split("Verification log: ")[1].strip()
    assert json.loads((desk / log).read_text(encoding="utf-8").splitlines()[0])["url"] == (
        "https://example.org/a.html"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "x.txt", "--published", "2019-02-31"), "--published 2019-02-31: no such day"),
        (("run",), "Missing argument 'ARTICLE'"),
        (("report", "--format", "pdf"), "'pdf' is not one of"),
        (("nosuch",), "No such command 'nosuch'"),
    ],
)
def test_every_error_is_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    (tmp_path / "x.txt").write_text(SMALL, encoding="utf-8")
    result = factcheck(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("factcheck: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr


def test_conventions_of_the_ecosystem(tmp_path: Path) -> None:
    version = factcheck("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("factcheck ")
    short = factcheck("run", "-h", cwd=tmp_path)
    assert short.returncode == 0 and "Examples:" in short.stdout
    for line in short.stdout.splitlines():  # examples are never wrapped inside a command
        if line.strip().startswith("factcheck run"):
            assert line.strip().count("factcheck") == 1
    usage = short.stdout.splitlines()[0]
    assert "{" not in usage and "[[" not in usage and "list[" not in usage
    review_help = factcheck("review", "-h", cwd=tmp_path).stdout
    assert "[[RUN]]" not in review_help.splitlines()[0] and "[RUN]" in review_help.splitlines()[0]
    assert "--decision [confirm|dismiss|correct]" in review_help and "--note TEXT" in review_help
    for command in (("fetch",), ("ingest",), ("sources", "add"), ("search",), ("report",)):
        shown = factcheck(*command, "--help", cwd=tmp_path).stdout
        assert not any(t in shown for t in ("<str>", "<path>", "list[", "<int")), command


def test_report_formats_offered_are_the_reports() -> None:
    from typing import get_args

    from factcheck.cli import ReportFormat
    from factcheck.reports import FORMATS

    assert get_args(ReportFormat) == FORMATS


def test_listing_commands_speak_json(desk: Path) -> None:
    search = factcheck("search", "涉黑涉恶", "-n", "2", "--json", cwd=desk)
    hits = json.loads(search.stdout)
    assert search.returncode == 0 and 1 <= len(hits) <= 2 and {"url", "title"} <= set(hits[0])
    stats = json.loads(factcheck("db", "stats", "--json", cwd=desk).stdout)
    assert {row["name"] for row in stats} >= {"demo-official", "demo-media"}
    listed = json.loads(
        factcheck("sources", "list", "--sources", "demo.yaml", "--json", cwd=desk).stdout
    )
    assert [s["name"] for s in listed] == ["demo-official", "demo-media"]
    factcheck("run", "day/a-clean.txt", "-p", "2019-04-15", cwd=desk)
    trace = json.loads(factcheck("trace", "128個", "--json", cwd=desk).stdout)
    assert trace["verdict"] == "supported"
    assert trace["timeline"][0]["role"] == "origin"


def test_ingest_progress_shows_the_total() -> None:
    from factcheck.display import fetch_progress

    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    with fetch_progress(console, "demo") as progress:
        progress("total", "3")
        progress("new", "saved/a.html")
        progress("list page", "saved/index.html")
    shown = out.getvalue()
    assert "1/3" in shown and "2/3" in shown and "list page 1" in shown


def test_db_datasette_writes_metadata_and_says_how_to_serve(desk: Path) -> None:
    made = factcheck("db", "datasette", "-o", "meta.json", cwd=desk)
    assert made.returncode == 0, made.stderr
    assert "datasette serve" in made.stdout and "--metadata meta.json" in made.stdout
    meta = json.loads((desk / "meta.json").read_text(encoding="utf-8"))
    assert "review_queue" in json.dumps(meta)
    refused = factcheck("db", "datasette", "-o", "factcheck.db", cwd=desk)
    assert refused.returncode == 2 and "must not be overwritten" in refused.stderr
    missing = factcheck("db", "datasette", "--db", "nowhere.db", cwd=desk)
    assert missing.returncode == 2 and "no such database" in missing.stderr
    assert not (desk / "nowhere.db").exists()


def test_trace_fits_80_columns_and_pipes_whole_lines(desk: Path) -> None:
    from factcheck.display import print_trace
    from factcheck.storage import Database
    from factcheck.tracing import find_trace

    factcheck("run", "day/a-clean.txt", "-p", "2019-04-15", cwd=desk)
    found = find_trace(Database.existing(desk / "factcheck.db"), "128個")
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    print_trace(console, found)
    lines = out.getvalue().splitlines()
    assert max(console.measure(line).maximum for line in lines) <= 80
    dates = [e["published"] for _, e in found.timeline() if e.get("published")]
    assert dates and all(any(d in line for line in lines) for d in dates)  # never split
    urls = [line for line in lines if line.rstrip().endswith(".html")]
    assert len(urls) == len(found.timeline())  # one line per address, shortened
    piped = factcheck("trace", "128個", cwd=desk)
    rows = [line.split("\t") for line in piped.stdout.splitlines() if "\t" in line]
    assert rows[0] == ["published", "role", "figure", "source, title and address"]
    assert all(len(r) == 4 and r[3].endswith(".html") for r in rows[1:])


def test_piped_tables_are_tab_separated_lines(desk: Path) -> None:
    result = factcheck("search", "涉黑涉恶", "-n", "3", cwd=desk)
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["date", "source", "title", "snippet", "URL"]
    assert 2 <= len(lines) <= 4 and all(line.count("\t") == 4 for line in lines)


def test_review_list_fits_80_columns_most_urgent_first(desk: Path) -> None:
    from factcheck.display import review_table
    from factcheck.review import review_items
    from factcheck.runs import load_run
    from factcheck.storage import Database

    factcheck("run", "day/b-edited.txt", "-p", "2019-04-15", cwd=desk)
    database = Database.existing(desk / "factcheck.db")
    items = review_items(database, load_run(database))
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    console.print(review_table(items))
    lines = out.getvalue().splitlines()
    assert max(console.measure(line).maximum for line in lines) <= 80
    proposals = [
        line.split()[1] for line in lines if line.strip()[:1] in ("f", "c") and "  " in line
    ]
    assert proposals[:2] == ["fail", "contradicted"] and "unverified" in proposals
    assert not any(line.rstrip().endswith(("contr", "unver", "figur")) for line in lines)


def test_the_library_takes_paths_as_strings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    result = run_article(
        str(tmp_path / "a.txt"),
        log_path=str(tmp_path / "a.jsonl"),
        db=str(tmp_path / "a.db"),  # type: ignore[arg-type]
    )
    assert result.log_path == tmp_path / "a.jsonl" and (tmp_path / "a.jsonl").exists()
