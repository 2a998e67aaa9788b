"""Hostile input and hostile sites (issue 12): nothing lost, nothing hangs, nothing runs.

Sites are real servers on 127.0.0.1; the command line is a real process. Every case ends in a
result or in one line of error with exit status 2, and leaves the database whole.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_cli import factcheck
from test_fetching import LABEL, MemoryStore, polite

from factcheck.cli import SafeConsole
from factcheck.documents import DocumentLibrary
from factcheck.errors import InputError
from factcheck.fetching import (
    OffScope,
    PoliteClient,
    TooSlow,
    _retry_wait,
    fetch_source,
    ingest_files,
)
from factcheck.sources import Limits, Source
from factcheck.storage import Database
from factcheck.text import MAX_ARTICLE_BYTES, decode_text, escape_controls, read_article

ARTICLE = "太原市共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个。\n"
PAGE = f"<html><head><title>示例标题</title></head><body>{LABEL}<p>{ARTICLE}</p></body></html>"


def one_line_error(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, (result.stdout, stderr)  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factcheck: error:"), stderr
    return str(lines[0])


def intact(path: Path) -> bool:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return bool(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A folder with an article and a factcheck database holding one run."""
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    first = factcheck("run", "ok.txt", "--log", "first.jsonl", cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr
    return tmp_path


# --- data loss ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("factcheck.db", "is the database"),
        ("factcheck.db-wal", "is the database's journal"),
        ("ok.txt", "is the article"),
        ("notes.txt", "exists and is not a factcheck log"),
        ("/dev/null", "is a character device"),
        ("/proc/x", "cannot write there"),
        ("ok.txt/x.jsonl", "cannot write there"),
    ],
)
def test_log_never_replaces_a_file_it_must_not(desk: Path, target: str, reason: str) -> None:
    (desk / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    os.link(desk / "ok.txt", desk / "hardlink.txt")
    before = {p.name: p.read_bytes() for p in desk.iterdir() if p.is_file()}
    result = factcheck("run", "ok.txt", "--log", target, cwd=desk)
    assert reason in one_line_error(result)
    after = {p.name: p.read_bytes() for p in desk.iterdir() if p.is_file()}
    assert after == before
    assert intact(desk / "factcheck.db")


def test_log_over_the_article_by_another_name_is_refused(desk: Path) -> None:
    os.link(desk / "ok.txt", desk / "same-inode.jsonl")
    result = factcheck("run", "ok.txt", "--log", "same-inode.jsonl", cwd=desk)
    assert "is the article" in one_line_error(result)
    assert (desk / "ok.txt").read_text(encoding="utf-8") == ARTICLE


def test_log_naming_a_database_not_yet_made_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    result = factcheck("run", "ok.txt", "--db", "new.db", "--log", "new.db", cwd=tmp_path)
    assert "is the database" in one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.txt"]


def test_an_earlier_log_may_be_replaced(desk: Path) -> None:
    result = factcheck("run", "ok.txt", "--log", "first.jsonl", cwd=desk)
    assert result.returncode in (0, 1), result.stderr
    records = [json.loads(line) for line in (desk / "first.jsonl").read_text().splitlines()]
    assert records[0]["type"] == "run" and records[-1]["type"] == "summary"
    assert not [p for p in desk.iterdir() if p.name.startswith(".")]  # no temporary left over


def _foreign(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(sql)
    conn.close()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);", "another application"),
        ("CREATE TABLE sources (id INTEGER, host TEXT);", "another application"),
        (
            "CREATE TABLE sources (id INTEGER, host TEXT); CREATE TABLE runs (x);"
            "PRAGMA user_version = 3;",
            "another application",
        ),
        ("CREATE TABLE t (x); PRAGMA user_version = 99;", "newer than this factcheck"),
    ],
)
def test_a_database_it_refuses_is_not_modified(tmp_path: Path, sql: str, reason: str) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    other = tmp_path / "other.sqlite"
    _foreign(other, sql)
    before = other.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())
    result = factcheck("run", "ok.txt", "--db", "other.sqlite", cwd=tmp_path)
    assert reason in one_line_error(result)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no log, no -wal, no -shm
    assert intact(other)


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    db = Database(tmp_path / "empty.db")
    assert "runs" in db.db.table_names() and db.integrity_ok()


def _damaged(desk: Path) -> Path:
    path = desk / "factcheck.db"
    Database(path).close()  # checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, after the file header
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_database_says_how_to_recover(desk: Path) -> None:
    path = _damaged(desk)
    before = path.read_bytes()
    line = one_line_error(factcheck("run", "ok.txt", cwd=desk))
    assert "damaged" in line and ".recover" in line
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "x.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    line = one_line_error(factcheck("search", "团伙", "--db", "x.db", cwd=tmp_path))
    assert "x.db" in line


# --- files that are not files -------------------------------------------------------------------


def test_fifo_and_devices_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert "FIFO" in one_line_error(factcheck("run", "article.txt", cwd=tmp_path))
    with pytest.raises(InputError, match="character device"):
        read_article("/dev/zero")
    assert time.monotonic() - started < 60  # the subprocess would otherwise block for ever
    assert not (tmp_path / "factcheck.db").exists()


def test_ingest_skips_a_fifo_named_like_a_page(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "trap.html")
    (tmp_path / "good.html").write_text(PAGE, encoding="utf-8")
    report = ingest_files([tmp_path], "saved", MemoryStore())
    assert report.new == 1 and report.failed == 1
    assert "FIFO" in report.errors[0][1]


def test_pipeline_takes_any_article_under_the_size_limit(nlp) -> None:  # type: ignore[no-untyped-def]
    assert nlp.max_length >= MAX_ARTICLE_BYTES > 1_000_000  # spaCy's default is 1,000,000


# --- text that does not decode ------------------------------------------------------------------


def test_odd_length_utf16_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("太原市".encode("utf-16") + b"\x00")
    line = one_line_error(factcheck("run", "a.txt", cwd=tmp_path))
    assert "UTF-16" in line and "at byte 8" in line


def test_a_bad_byte_inside_utf8_says_where() -> None:
    good = ARTICLE.encode("utf-8") * 3
    data = good + b"\xff" + good
    with pytest.raises(InputError, match=rf"not valid UTF-8 at byte {len(good)}\b"):
        decode_text(data, "a.txt")


def test_gbk_text_is_still_read_as_gbk() -> None:
    assert decode_text(ARTICLE.encode("gb18030"))[1] == "gb18030"


# --- hostile sites: trickles, deadlines ---------------------------------------------------------


class _Trickle(BaseHTTPRequestHandler):
    """/head trickles its headers, /body its body (no length, so a cut looks like an end)."""

    def do_GET(self) -> None:
        stop = self.server.stop  # type: ignore[attr-defined]
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/head":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"a" * 1000:
                if stop.wait(0.1):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        for byte in PAGE.encode("utf-8") * 100:
            if stop.wait(0.1):
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    server.stop = threading.Event()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.stop.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/head", "/body"])
def test_a_trickling_server_is_given_up_on(trickle: str, path: str) -> None:
    client = PoliteClient(deadline=1.5)
    started = time.monotonic()
    with pytest.raises(TooSlow, match=r"within 1\.5 s"):
        client.get(trickle + path, Limits(delay=0.0, timeout=(5.0, 5.0)))
    assert time.monotonic() - started < 10  # each byte came well within the read timeout


def test_a_cut_body_is_not_stored(trickle: str) -> None:
    source = Source(
        "slow", "虚构站点", "official", [trickle + "/list.html"], limits=Limits(delay=0)
    )
    store = MemoryStore()
    report = fetch_source(source, store, client=PoliteClient(deadline=1.0))
    assert not store.docs and report.failed == 1
    assert "gave up" in report.errors[0][1]


# --- Retry-After, Last-Modified -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("NaN", 0.0),
        ("nan", 0.0),
        ("-5", 0.0),
        ("1e400", 0.0),
        ("inf", 0.0),
        ("99999999999999999999", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", None),
        ("Mon, 01 Jan 1990 00:00:00 GMT", 0.0),
        ("Mon, 01 Jan 1990 00:00:00 -0000", 0.0),
        ("garbage, 99 Foo", 0.0),
        ("7", 7.0),
    ],
)
def test_retry_after_values_are_sane(header: str, wait: float | None) -> None:
    assert _retry_wait(503, header) == wait


def test_retry_after_nan_is_retried_with_the_usual_backoff(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "", status=503, headers={"Retry-After": "NaN"}
    )
    httpserver.expect_request("/busy").respond_with_data("ok", content_type="text/plain")
    client, _, time_ = polite()
    result = client.get(httpserver.url_for("/busy"), Limits(delay=0.0))
    assert result.status == 200 and time_.sleeps == [1.0]


def test_last_modified_far_in_the_future(httpserver: HTTPServer, tmp_path: Path) -> None:
    future = "Fri, 31 Dec 9999 23:59:59 GMT"
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/news/index.html").respond_with_data(
        '<a href="/news/a.html">一</a>', content_type="text/html", headers={"Last-Modified": future}
    )
    httpserver.expect_request("/news/a.html").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8", headers={"Last-Modified": future}
    )
    source = Source("future", "虚构站点", "official", [httpserver.url_for("/news/index.html")])
    library = DocumentLibrary(Database(tmp_path / "f.db"))
    client, _, _ = polite()
    for _ in range(2):
        report = library.fetch(source, client=client)
        assert not report.errors
    assert report.unchanged == 1 or report.new == 0
    assert intact(tmp_path / "f.db")


# --- a list page of 100,000 links ---------------------------------------------------------------


def test_a_list_page_of_100000_links(httpserver: HTTPServer) -> None:
    links = "".join(f'<a href="/news/{i}.html">第{i}篇</a>\n' for i in range(100_000))
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/news/index.html").respond_with_data(
        f"<html><body>{links}</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/news/0.html").respond_with_data(PAGE, content_type="text/html")
    limits = Limits(delay=0.0, max_documents=1, max_bytes=10_000_000)
    source = Source(
        "many", "虚构站点", "official", [httpserver.url_for("/news/index.html")], limits=limits
    )
    store = MemoryStore()
    report = fetch_source(source, store, client=polite()[0])
    assert report.new == 1 and report.list_pages == 1
    assert [r.path for r, _ in httpserver.log] == [
        "/robots.txt",
        "/news/index.html",
        "/news/0.html",
    ]


# --- security: redirects off the source's hosts -------------------------------------------------


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("")
    server.expect_request("/x.html").respond_with_data(PAGE, content_type="text/html")
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_redirect_to_another_port_is_not_followed(
    httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/news/index.html").respond_with_data(
        '<a href="/news/a.html">一</a>', content_type="text/html"
    )
    httpserver.expect_request("/news/a.html").respond_with_data(
        "", status=302, headers={"Location": elsewhere.url_for("/x.html")}
    )
    source = Source("scoped", "虚构站点", "official", [httpserver.url_for("/news/index.html")])
    store = MemoryStore()
    report = fetch_source(source, store, client=polite()[0])
    assert elsewhere.log == []  # not even its robots.txt
    assert not store.docs and report.failed == 1
    assert "redirected off the source's hosts" in report.errors[0][1]


def test_a_redirected_robots_txt_does_not_leave_the_host(
    httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "", status=301, headers={"Location": elsewhere.url_for("/robots.txt")}
    )
    httpserver.expect_request("/a.html").respond_with_data(PAGE, content_type="text/html")
    client, _, _ = polite()
    assert client.get(httpserver.url_for("/a.html"), Limits(delay=0.0)).status == 200
    assert elsewhere.log == []


def test_a_single_get_stays_on_its_host(httpserver: HTTPServer, elsewhere: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/go").respond_with_data(
        "", status=307, headers={"Location": elsewhere.url_for("/x.html")}
    )
    client, _, _ = polite()
    with pytest.raises(OffScope):
        client.get(httpserver.url_for("/go"), Limits(delay=0.0))
    assert elsewhere.log == []


# --- security: control characters never reach a terminal ---------------------------------------

NASTY = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"


def test_control_characters_from_a_page_are_not_stored(httpserver: HTTPServer) -> None:
    page = PAGE.replace("示例标题", f"示例{NASTY}标题").replace("其中", f"其{NASTY}中")
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/news/index.html").respond_with_data(
        '<a href="/news/a.html">一</a>', content_type="text/html"
    )
    httpserver.expect_request("/news/a.html").respond_with_data(page, content_type="text/html")
    source = Source("nasty", "虚构站点", "official", [httpserver.url_for("/news/index.html")])
    store = MemoryStore()
    fetch_source(source, store, client=polite()[0])
    (doc,) = store.docs.values()
    assert "\x1b" not in doc.title + doc.text and "\x07" not in doc.title + doc.text
    assert "\x9b" not in doc.text and "\u202e" not in doc.text and "其" in doc.text


def test_the_terminal_sees_no_control_characters() -> None:
    out = io.StringIO()
    SafeConsole(file=out, force_terminal=True, width=80).print(f"标题{NASTY}", style="bold")
    printed = out.getvalue()
    assert "\x07" not in printed and "\x9b" not in printed and "\u202e" not in printed
    assert "\x1b]" not in printed and "\x1b[2J" not in printed and "\x1b[1m" in printed


def test_stored_control_characters_are_not_printed_by_search(tmp_path: Path) -> None:
    db = Database(tmp_path / "factcheck.db")
    with db.transaction():
        db.insert_rows("sources", [{"name": "old", "tier": "official", "url": "http://x/"}])
        db.insert_rows(
            "documents",
            [{"source": "old", "url": "http://x/a", "title": f"旧{NASTY}", "text": ARTICLE}],
        )
    db.close()
    result = factcheck("search", "涉黑涉恶", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "旧" in result.stdout
    assert not any(ch in result.stdout for ch in "\x1b\x07\x9b\u202e")


def test_a_file_name_with_an_escape_is_not_echoed_raw(tmp_path: Path) -> None:
    line = one_line_error(factcheck("run", "\x1b[31mred.txt", cwd=tmp_path))
    assert "\x1b" not in line and "\\u001b[31mred.txt" in line


def test_json_output_escapes_what_json_leaves_raw(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("太原市\x9b团伙128个。\n", encoding="utf-8")
    result = factcheck("run", "a.txt", "--json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "\x9b" not in result.stdout
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert any("\x9b" in json.dumps(r, ensure_ascii=False) for r in records)  # the data survives
    assert escape_controls("a\x9bb") == "a\\u009bb"
