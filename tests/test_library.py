"""Fetching into the real SQLite library, and the source/fetch/ingest/search commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_site import FixtureSite

from factcheck.documents import DocumentLibrary
from factcheck.fetching import PoliteClient
from factcheck.sources import Limits, Source
from factcheck.storage import Database

ARTICLES = {
    "/news/201904/t20190416_1001.html",
    "/news/201904/t20190417_1002.html",
    "/news/201905/t20190520_1003.html",
    "/news/flaky.html",
}


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


def fixture_source(site: FixtureSite, delay: float = 0.0) -> Source:
    limits = Limits(delay=delay, timeout=(5.0, 5.0), max_bytes=200_000)
    return Source("fixture", "虚构站点", "official", [site.url("/news/index.html")], limits=limits)


def fast_client() -> PoliteClient:
    return PoliteClient(sleep=lambda s: None, backoff=0.0)


def sources_file(tmp: Path, site: FixtureSite, delay: float = 0.0) -> Path:
    path = tmp / "sources.yaml"
    path.write_text(
        "# made-up fixture site for the tests\n"
        "sources:\n"
        "  - name: fixture\n"
        "    publisher: 虚构站点\n"
        "    tier: official\n"
        "    start_urls:\n"
        f"      - {site.url('/news/index.html')}\n"
        "    limits:\n"
        f"      delay: {delay}\n"
        "      timeout: 5\n",
        encoding="utf-8",
    )
    return path


def test_fetch_into_sqlite_then_refetch_downloads_no_bodies(
    tmp_path: Path, site: FixtureSite
) -> None:
    library = DocumentLibrary(Database(tmp_path / "f.db"))
    first = library.fetch(fixture_source(site), client=fast_client())
    assert (first.new, first.failed) == (4, 1)
    stored = library.db.rows("SELECT url FROM documents")
    assert {r["url"].removeprefix(site.base) for r in stored} == ARTICLES
    facts = library.db.rows("SELECT text, kind, measure FROM facts")
    assert facts and all(
        f["kind"] in ("count", "percent_change", "percent", "date", "duration", "money", "rank")
        for f in facts
    )
    site.clear_log()
    second = DocumentLibrary(Database(tmp_path / "f.db")).fetch(
        fixture_source(site), client=fast_client()
    )
    assert (second.new, second.changed, second.unchanged) == (0, 0, 4)
    bodies = {
        e.path: e.body_bytes
        for e in site.log
        if e.path not in ("/robots.txt", "/news/missing.html")
    }
    assert bodies and all(size == 0 for size in bodies.values()), bodies
    assert "/news/private/secret.html" not in site.paths()
    row = library.stats()[0]
    assert (row["name"], row["documents"], row["failures"]) == ("fixture", 4, 2)
    assert row["last_fetched"]


def test_search_finds_documents_by_trigram_and_short_queries(
    tmp_path: Path, site: FixtureSite
) -> None:
    library = DocumentLibrary(Database(tmp_path / "f.db"))
    library.fetch(fixture_source(site), client=fast_client())
    hits = library.search("扫黑除恶")
    assert hits and all("扫黑除恶" in (h.title + h.snippet) for h in hits)
    assert library.search("一季")  # under 3 characters: the LIKE path
    assert any("19.3" in h.snippet for h in library.search("19.3%"))  # % would break unquoted FTS
    assert library.search('"19.3%') == []  # a stray quote is searched as text, not a syntax error
    assert library.search("不存在的词组") == []


def test_a_fetch_killed_half_way_leaves_a_sound_database_and_resumes(
    tmp_path: Path, site: FixtureSite
) -> None:
    sources = sources_file(tmp_path, site, delay=0.7)
    db = tmp_path / "f.db"
    env = {**os.environ, "FACTCHECK_DB": str(db), "FACTCHECK_SOURCES": str(sources)}
    proc = subprocess.Popen([sys.executable, "-m", "factcheck", "fetch"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(p in ARTICLES for p in site.paths()) < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the fetch ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    database = Database(db)
    assert database.integrity_ok()
    done = database.rows("SELECT count(*) AS n FROM documents")[0]["n"]
    assert 1 <= done < len(ARTICLES)
    report = DocumentLibrary(database).fetch(fixture_source(site), client=fast_client())
    assert report.new == len(ARTICLES) - done
    assert database.rows("SELECT count(*) AS n FROM documents")[0]["n"] == len(ARTICLES)
    assert database.integrity_ok()


def factcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160", "FACTCHECK_DB": str(cwd / "f.db")}
    env.pop("FACTCHECK_SOURCES", None)
    return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_sources_commands(tmp_path: Path, site: FixtureSite) -> None:
    added = factcheck("sources", "add", "fixture", site.url("/news/index.html"), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    text = (tmp_path / "sources.yaml").read_text(encoding="utf-8")
    assert "name: fixture" in text and text.startswith("#")
    again = factcheck("sources", "add", "fixture", site.url("/news/"), cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    listed = factcheck("sources", "list", cwd=tmp_path)
    assert "fixture" in listed.stdout and "never" in listed.stdout
    checked = factcheck("sources", "check", "fixture", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "Article links found: " in checked.stdout and "title: " in checked.stdout
    assert "figures: " in checked.stdout
    unknown = factcheck("sources", "check", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no source named nope" in unknown.stderr
    removed = factcheck("sources", "remove", "fixture", cwd=tmp_path)
    assert removed.returncode == 0
    assert "name: fixture" not in (tmp_path / "sources.yaml").read_text(encoding="utf-8")


def test_broken_sources_file_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - name: x\n    tier: gold\n", encoding="utf-8"
    )
    result = factcheck("sources", "list", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sources.yaml:3" in lines[0] and "tier" in lines[0]


def test_fetch_and_search_commands(tmp_path: Path, site: FixtureSite) -> None:
    sources_file(tmp_path, site)
    fetched = factcheck("fetch", cwd=tmp_path)
    assert fetched.returncode == 1  # the 404 is reported, the rest fetched
    assert "fixture: 4 new, 0 changed, 0 unchanged, 1 failed" in fetched.stdout, fetched.stdout
    assert "HTTP 404" in fetched.stdout
    again = factcheck("fetch", "fixture", cwd=tmp_path)
    assert "0 new, 0 changed, 4 unchanged" in again.stdout
    found = factcheck("search", "扫黑除恶", cwd=tmp_path)
    assert "示例市" in found.stdout
    stats = factcheck("db", "stats", cwd=tmp_path)
    assert "fixture" in stats.stdout


def test_ingest_command_and_markup_in_pages_is_shown_as_text(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - name: saved\n    publisher: 虚构\n    tier: media\n    start_urls: [http://example.invalid/]\n",
        encoding="utf-8",
    )
    page = tmp_path / "saved.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>[bold red]标题[/bold red] 测试</title></head><body>"
        "<p>本页为测试用虚构页面</p><div id='UCAP-CONTENT'><p>[link=http://evil.invalid]全市[/link]"
        "共打掉涉黑涉恶犯罪团伙128个。</p></div></body></html>",
        encoding="utf-8",
    )
    ingested = factcheck("ingest", str(page), "--source", "saved", cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "saved: 1 new" in ingested.stdout
    found = factcheck("search", "犯罪团伙", cwd=tmp_path)
    flat = "".join(ch for ch in found.stdout if not ch.isspace() and ch not in "│┃")
    assert "[boldred]标题[/boldred]" in flat  # shown as text, not applied as style
    unknown = factcheck("ingest", str(page), "--source", "nope", cwd=tmp_path)
    assert unknown.returncode == 2


def test_parallel_ingest_stores_what_a_sequential_one_does(tmp_path: Path) -> None:
    from factcheck.fetching import ingest_files

    bulletins = Path(__file__).parent / "fixtures" / "bulletins"
    pages = [bulletins / "official", bulletins / "media", bulletins / "robots.txt"]
    source = Source("saved", "虚构", "official", ["http://example.invalid/"])
    parallel = DocumentLibrary(Database(tmp_path / "parallel.db"))
    report = parallel.ingest(pages, source)  # worker processes extract, this one stores
    sequential = DocumentLibrary(Database(tmp_path / "sequential.db"))
    sequential.register_source(source)
    ingest_files(pages, "saved", sequential)  # extraction inside save_document
    query = (
        "SELECT d.url, f.text, f.kind, f.value, f.value_text, f.measure, f.context "
        "FROM facts f JOIN documents d ON d.id = f.document_id ORDER BY d.url, f.start"
    )
    assert report.new == 13 and report.failed == 0  # 9 articles, 3 list pages, robots.txt
    rows = parallel.db.rows(query)
    assert len(rows) > 50
    assert rows == sequential.db.rows(query)
