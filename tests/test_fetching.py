"""Fetching a made-up site over real HTTP: politeness, conditional re-fetch, failures, ingest."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fixture_site import FixtureSite
from pytest_httpserver import HTTPServer

from factcheck.errors import FetchError
from factcheck.fetching import (
    CachedPage,
    FetchedDocument,
    FetchReport,
    PageCache,
    PoliteClient,
    RobotsDisallowed,
    fetch_source,
    ingest_files,
)
from factcheck.sources import Limits, Source

LABEL = "<!-- 测试用虚构页面 / made-up test page --><p>本页为测试用虚构页面</p>"
ARTICLES = {
    "/news/201904/t20190416_1001.html",
    "/news/201904/t20190417_1002.html",
    "/news/201905/t20190520_1003.html",
    "/news/flaky.html",
}
FORBIDDEN = {"/news/private/secret.html", "/news/draft_0001.html"}


# --- test doubles: an in-memory store, a fake clock, a session that notes the fake time ----------


class MemoryStore:
    """The DocumentStore protocol in memory (the real one is SQLite, in factcheck.storage)."""

    def __init__(self) -> None:
        self.docs: dict[str, FetchedDocument] = {}
        self.failures: list[tuple[str, str, str]] = []
        self.marked: list[str] = []

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        doc = self.docs.get(url)
        return (doc.etag, doc.last_modified) if doc else None

    def has_content(self, content_sha256: str) -> bool:
        return any(d.content_sha256 == content_sha256 for d in self.docs.values())

    def save_document(self, doc: FetchedDocument) -> str:
        old = self.docs.get(doc.url)
        self.docs[doc.url] = doc
        if old is None:
            return "new"
        return "unchanged" if old.content_sha256 == doc.content_sha256 else "changed"

    def mark_unchanged(self, url: str) -> None:
        self.marked.append(url)

    def record_failure(self, source: str, url: str, error: str) -> None:
        self.failures.append((source, url, error))


class CachingStore(MemoryStore):
    """A store that also keeps list pages and duplicates between runs (the PageCache extension)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, CachedPage] = {}

    def cached_page(self, url: str) -> CachedPage | None:
        return self.pages.get(url)

    def save_cached_page(self, page: CachedPage) -> None:
        self.pages[page.url] = page


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class NotingSession(requests.Session):
    """Notes (fake time, url) of every request it sends."""

    def __init__(self, time: FakeTime) -> None:
        super().__init__()
        self.time = time
        self.sent: list[tuple[float, str]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        self.sent.append((self.time.now, str(url)))
        return super().request(method, url, *args, **kwargs)  # type: ignore[arg-type]


def polite(time: FakeTime | None = None) -> tuple[PoliteClient, NotingSession, FakeTime]:
    time = time or FakeTime()
    session = NotingSession(time)
    return PoliteClient(session, sleep=time.sleep, clock=time.clock), session, time


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


def news(site: FixtureSite, **limits: Any) -> Source:
    settings = {"delay": 1.0, "timeout": (5.0, 5.0), "max_bytes": 200_000, **limits}
    return Source(
        name="fixture",
        publisher="虚构站点",
        tier="official",
        start_urls=[site.url("/news/index.html")],
        limits=Limits(**settings),
    )


def paths(site: FixtureSite) -> list[str]:
    return site.paths()


# --- a first fetch ------------------------------------------------------------------------------


def test_first_fetch_reads_the_whole_site(site: FixtureSite) -> None:
    store = CachingStore()
    client, _, _ = polite()
    report = fetch_source(news(site), store, client=client)
    assert dataclasses.astuple(report)[:8] == ("fixture", 4, 0, 0, 1, 2, 1, 2)
    assert {url.removeprefix(site.base) for url in store.docs} == ARTICLES
    assert [(u.removeprefix(site.base), e) for _, u, e in store.failures] == [
        ("/news/missing.html", "HTTP 404")
    ]
    assert (site.url("/news/missing.html"), "HTTP 404") in report.errors


def test_documents_are_decoded_and_read(site: FixtureSite) -> None:
    store = MemoryStore()
    fetch_source(news(site), store, client=polite()[0])
    gbk = store.docs[site.url("/news/201904/t20190417_1002.html")]
    assert (gbk.encoding, gbk.title, gbk.published) == (
        "gb18030",
        "示例市公安局通报一季度治安形势",
        "2019-04-18",
    )
    assert "镕钢路派出所" in gbk.text
    meta_only = store.docs[site.url("/news/201905/t20190520_1003.html")]
    assert meta_only.published == "2019-05-21"
    assert meta_only.etag is None and meta_only.last_modified == "Tue, 16 Apr 2019 02:30:00 GMT"
    first = store.docs[site.url("/news/201904/t20190416_1001.html")]
    assert first.etag and first.etag.startswith('"')
    assert first.fetched_at.endswith("+00:00")
    assert "示例市共打掉涉黑涉恶犯罪团伙128个" in first.text


def test_robots_txt_is_obeyed_with_wildcards(site: FixtureSite) -> None:
    report = fetch_source(news(site), MemoryStore(), client=polite()[0])
    requested = paths(site)
    assert requested[0] == "/robots.txt" and requested.count("/robots.txt") == 1
    assert not FORBIDDEN & set(requested)  # /*/draft_*.html$ needs wildcard support
    assert report.skipped_robots == 2
    assert {url.removeprefix(site.base) for url, _ in report.errors} >= FORBIDDEN


def test_only_in_scope_links_are_requested(site: FixtureSite) -> None:
    fetch_source(news(site), MemoryStore(), client=polite()[0])
    requested = set(paths(site))
    assert "/news/files/report.pdf" not in requested and "/" not in requested
    assert requested == {"/robots.txt", "/news/index.html", "/news/index_1.html", "/news/missing.html",
                         "/news/mirror/1001.html"} | ARTICLES  # fmt: skip


def test_copies_are_dropped_by_content(site: FixtureSite) -> None:
    store = MemoryStore()
    report = fetch_source(news(site), store, client=polite()[0])
    assert site.url("/news/mirror/1001.html") not in store.docs
    assert report.duplicates == 1


def test_polite_delay_per_host_and_user_agent(site: FixtureSite) -> None:
    client, session, _ = polite()
    fetch_source(news(site), MemoryStore(), client=client)
    times = [t for t, _ in session.sent]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == len(site.log) - 1 == 9
    assert min(gaps) >= 2.0  # robots.txt asks Crawl-delay: 2, more than the source's 1 s
    assert all("factcheck/" in entry.headers.get("User-Agent", "") for entry in site.log)


def test_server_error_is_retried_with_backoff(site: FixtureSite) -> None:
    client, _, time = polite()
    report = fetch_source(news(site), MemoryStore(), client=client)
    flaky = [e.status for e in site.log if e.path == "/news/flaky.html"]
    assert flaky == [500, 200]
    assert 1.0 in time.sleeps  # the back-off; every other wait is the 2 s crawl delay
    assert report.failed == 1  # only the 404


def test_limits_on_pages_and_documents(site: FixtureSite) -> None:
    report = fetch_source(
        news(site, max_pages=1, max_documents=2), MemoryStore(), client=polite()[0]
    )
    requested = paths(site)
    assert "/news/index_1.html" not in requested
    assert len([p for p in requested if p not in {"/robots.txt", "/news/index.html"}]) == 2
    assert report.new == 2


def test_progress_events(site: FixtureSite) -> None:
    events: list[tuple[str, str]] = []
    fetch_source(
        news(site), MemoryStore(), client=polite()[0], progress=lambda e, u: events.append((e, u))
    )
    kinds = [e for e, _ in events]
    assert kinds.count("list") == 2 and kinds.count("new") == 4
    assert kinds.count("skipped") == 2 and kinds.count("failed") == 1
    assert kinds.count("duplicate") == 1
    assert ("new", site.url("/news/201904/t20190416_1001.html")) in events


# --- fetching again -----------------------------------------------------------------------------


def test_second_fetch_downloads_no_bodies(site: FixtureSite) -> None:
    store = CachingStore()
    fetch_source(news(site), store, client=polite()[0])
    site.clear_log()
    report = fetch_source(news(site), store, client=polite()[0])  # a new run, as from a new process
    answered = {e.path: (e.status, e.body_bytes) for e in site.log}
    assert answered.pop("/robots.txt")[0] == 200  # robots.txt is read afresh by each run
    assert answered.pop("/news/missing.html")[0] == 404  # failures are tried again
    assert answered == {path: (304, 0) for path in answered}
    assert set(answered) == ARTICLES | {"/news/index.html", "/news/index_1.html",
                                        "/news/mirror/1001.html"}  # fmt: skip
    assert not FORBIDDEN & set(site.paths())
    assert (report.new, report.changed, report.unchanged, report.duplicates) == (0, 0, 4, 1)
    assert sorted(u.removeprefix(site.base) for u in store.marked) == sorted(ARTICLES)


def test_conditional_headers_are_sent(site: FixtureSite) -> None:
    store = CachingStore()
    fetch_source(news(site), store, client=polite()[0])
    site.clear_log()
    fetch_source(news(site), store, client=polite()[0])
    sent = {e.path: e.headers for e in site.log}
    with_etag = sent["/news/201904/t20190416_1001.html"]
    assert (
        with_etag["If-None-Match"] == store.docs[site.url("/news/201904/t20190416_1001.html")].etag
    )
    assert with_etag["If-Modified-Since"] == "Tue, 16 Apr 2019 02:30:00 GMT"
    without_etag = sent["/news/201905/t20190520_1003.html"]
    assert "If-None-Match" not in without_etag and "If-Modified-Since" in without_etag


def test_same_client_remembers_list_pages_without_a_page_cache(site: FixtureSite) -> None:
    store = MemoryStore()
    assert not isinstance(store, PageCache) and isinstance(CachingStore(), PageCache)
    client = polite()[0]
    fetch_source(news(site), store, client=client)
    site.clear_log()
    fetch_source(news(site), store, client=client)
    statuses = {e.path: e.status for e in site.log}
    assert "/robots.txt" not in statuses  # cached by the client
    assert statuses["/news/index.html"] == statuses["/news/index_1.html"] == 304


def test_force_downloads_again_and_finds_nothing_changed(site: FixtureSite) -> None:
    store = CachingStore()
    fetch_source(news(site), store, client=polite()[0])
    site.clear_log()
    report = fetch_source(news(site), store, client=polite()[0], force=True)
    assert all(e.status != 304 for e in site.log)
    assert (report.new, report.changed, report.unchanged) == (0, 0, 4)
    assert "If-None-Match" not in site.log[-1].headers


def test_changed_link_rule_invalidates_cached_lists(site: FixtureSite) -> None:
    store = CachingStore()
    fetch_source(news(site), store, client=polite()[0])
    site.clear_log()
    narrowed = dataclasses.replace(news(site), links=r"/201904/t\d+_\d+\.html$")
    report = fetch_source(narrowed, store, client=polite()[0])
    statuses = {e.path: e.status for e in site.log}
    assert statuses["/news/index.html"] == 200  # the old links would be wrong under the new rule
    assert report.unchanged == 2 and "/news/flaky.html" not in statuses


# --- trouble: timeouts, size caps, robots.txt down, redirects, 429 ---------------------------------


def trouble(site: FixtureSite) -> Source:
    return Source(
        name="trouble",
        publisher="虚构站点",
        tier="official",
        start_urls=[site.url("/trouble/index.html")],
        limits=Limits(delay=0.0, timeout=(5.0, 0.3), max_bytes=100_000),
    )


def test_timeouts_and_size_caps_fail_single_pages(site: FixtureSite) -> None:
    store = MemoryStore()
    client, _, time = polite()
    report = fetch_source(trouble(site), store, client=client)
    errors = {url.removeprefix(site.base): error for url, error in report.errors}
    assert errors["/trouble/slow.html"] == "timed out after 3 attempts"
    assert errors["/trouble/big.html"] == "response is over the 100000-byte cap; stopped reading"
    assert errors["/trouble/big-declared.html"].startswith("response of 3000000 bytes is over")
    assert site.hits["/trouble/slow.html"] == 3  # counted on arrival: the answers never came
    assert time.sleeps.count(1.0) >= 1 and time.sleeps.count(2.0) >= 1  # back-off doubles
    assert errors["/trouble/download?id=1"] == "not a web page (application/pdf)"
    assert report.new == 1 and report.failed == 4  # the run went on to the good page
    assert len(store.failures) == 4


def test_robots_txt_answering_5xx_keeps_away_and_fails_the_site() -> None:
    store = MemoryStore()
    with FixtureSite(robots_status=503) as down:
        report = fetch_source(news(down), store, client=polite()[0])
        assert down.paths() == ["/robots.txt"] * 3  # retried, then nothing else asked
    assert (report.failed, report.skipped_robots, report.new) == (1, 0, 0)
    assert "robots.txt answered HTTP 503" in report.errors[0][1]
    assert store.failures[0][2] == report.errors[0][1]  # kept with the source's failures


def test_robots_txt_answering_503_is_a_failure_with_pytest_httpserver(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    source = Source(
        name="down", publisher="虚构站点", tier="official",
        start_urls=[httpserver.url_for("/news/index.html")], limits=Limits(delay=0.0),
    )  # fmt: skip
    events: list[str] = []
    report = fetch_source(
        source, MemoryStore(), client=polite()[0], progress=lambda e, u: events.append(e)
    )
    assert (report.failed, report.skipped_robots) == (1, 0)
    assert events == ["list", "failed"]
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"] * 3


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_down_is_a_failure_with_its_reason() -> None:
    url = f"http://127.0.0.1:{free_port()}/news/index.html"  # nothing listens there
    source = Source(name="down", publisher="虚构站点", tier="official", start_urls=[url])
    store = MemoryStore()
    client, session, _ = polite()
    report = fetch_source(source, store, client=client)
    assert (report.failed, report.skipped_robots, report.new) == (1, 0, 0)
    [(failed_url, error)] = report.errors
    assert failed_url == url
    assert "connection refused after 3 attempts" in error and "robots.txt" in error
    assert [u for _, u in session.sent] == [url.replace("/news/index.html", "/robots.txt")] * 3
    assert store.failures == [("down", url, error)]


def test_missing_robots_txt_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("not here", status=404)
    httpserver.expect_request("/a.html").respond_with_data(
        f"<html><body>{LABEL}<p>示例正文示例正文</p></body></html>", content_type="text/html"
    )
    client, _, _ = polite()
    result = client.get(httpserver.url_for("/a.html"), Limits(delay=0.0))
    assert result.status == 200 and "示例正文".encode() in result.body
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt", "/a.html"]


def test_redirect_into_a_disallowed_path_is_not_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n"
    )
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "/private/x.html"}
    )
    client, _, _ = polite()
    with pytest.raises(RobotsDisallowed, match=r"disallowed by robots\.txt"):
        client.get(httpserver.url_for("/go"), Limits(delay=0.0))
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt", "/go"]
    assert issubclass(RobotsDisallowed, FetchError)


def test_429_waits_as_asked_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_oneshot_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/busy").respond_with_data("ok", content_type="text/plain")
    client, _, time = polite()
    result = client.get(httpserver.url_for("/busy"), Limits(delay=0.0))
    assert (result.status, result.body) == (200, b"ok")
    assert 7.0 in time.sleeps


def test_retry_after_too_long_gives_up_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/busy").respond_with_data(
        "", status=503, headers={"Retry-After": "3600"}
    )
    client, _, _ = polite()
    result = client.get(httpserver.url_for("/busy"), Limits(delay=0.0))
    assert result.status == 503
    assert [r.path for r, _ in httpserver.log].count("/busy") == 1


# --- saved files --------------------------------------------------------------------------------


def saved(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_ingest_saved_pages(tmp_path: Path) -> None:
    canonical = saved(
        tmp_path,
        "saved/a.html",
        '<html><head><meta charset="gb2312"><link rel="canonical" href="http://www.example.gov.cn/'
        f'doc/2019/04/17/1.shtml"><title>镕钢路通报_示例市公安局</title></head><body>{LABEL}'
        "<div class='TRS_Editor'><p>发布时间：2019-04-17</p><p>镕钢路派出所共接警1024起。</p></div>"
        "</body></html>",
        "gbk",
    )
    plain = saved(
        tmp_path, "saved/b.htm", f"<html><body>{LABEL}<p>另一篇正文，共3起。</p></body></html>"
    )
    text = saved(
        tmp_path,
        "notes.txt",
        "示例标题（虚构）\n2019年04月20日\n本页为测试用虚构页面\n共5起。\n",
        "gbk",
    )
    store = MemoryStore()
    events: list[tuple[str, str]] = []
    report = ingest_files(
        [tmp_path / "saved", text], "saved", store, progress=lambda e, u: events.append((e, u))
    )
    assert report.new == 3 and report.failed == 0
    assert events[0] == ("total", "3")  # the number of files, before the first of them
    assert [e for e, _ in events[1:]] == ["new"] * 3
    doc = store.docs["http://www.example.gov.cn/doc/2019/04/17/1.shtml"]
    assert (doc.title, doc.published, doc.encoding) == ("镕钢路通报", "2019-04-17", "gb18030")
    assert "镕钢路派出所共接警1024起。" in doc.text and doc.source == "saved"
    assert plain.resolve().as_uri() in store.docs and canonical.resolve().as_uri() not in store.docs
    note = store.docs[text.resolve().as_uri()]
    assert (note.title, note.published) == ("示例标题（虚构）", "2019-04-20")
    assert note.text.split("\n")[-1] == "共5起。"


def test_ingest_drops_copies_and_reports_bad_files(tmp_path: Path) -> None:
    body = f"<html><body>{LABEL}<p>同一篇正文同一篇正文。</p></body></html>"
    saved(tmp_path, "one.html", body)
    saved(tmp_path, "two.html", body)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "blob.html").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.html").write_bytes(b"<html><body></body></html>")
    store = MemoryStore()
    report = ingest_files(
        [tmp_path / "one.html", tmp_path / "two.html", tmp_path / "scan.pdf",
         tmp_path / "blob.html", tmp_path / "empty.html", tmp_path / "absent.html"],
        "saved",
        store,
    )  # fmt: skip
    assert (report.new, report.duplicates, report.failed) == (1, 1, 4)
    errors = {Path(url.removeprefix("file://")).name: error for url, error in report.errors}
    assert errors["scan.pdf"].startswith("unsupported file type .pdf")
    assert errors["blob.html"] == "binary file, not a page"
    assert errors["empty.html"] == "no article text found"
    assert "no such file" in errors["absent.html"].lower()
    assert len(store.failures) == 4


def test_ingest_again_is_unchanged(tmp_path: Path) -> None:
    path = saved(tmp_path, "a.html", f"<html><body>{LABEL}<p>正文正文正文。</p></body></html>")
    store = MemoryStore()
    ingest_files([path], "saved", store)
    report = ingest_files([path], "saved", store)
    assert isinstance(report, FetchReport)
    assert (report.new, report.unchanged, report.duplicates) == (0, 1, 0)


def test_ingest_does_not_store_list_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factcheck.documents import DocumentLibrary
    from factcheck.sources import Source
    from factcheck.storage import Database

    real = Path(__file__).parent / "fixtures" / "real-pages"
    library = DocumentLibrary(Database(tmp_path / "list.db"))
    report = library.ingest(
        [real / "list-163-1.html", real / "163-3.html"],
        Source("saved", "163", "media", ["http://example.invalid/"]),
    )
    assert (report.new, report.list_pages) == (1, 1)
