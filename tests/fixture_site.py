"""A made-up web site for the fetching tests, served by a real HTTP server on 127.0.0.1.

Static pages come from tests/fixtures/site/ (each labelled 本页为测试用虚构页面). The server keeps a
log of every request, answers conditional requests with 304, and has a few deliberate troubles:
/news/flaky.html fails with 500 once, /trouble/slow.html answers after the client's timeout,
/trouble/big.html streams a body with no length, /trouble/big-declared.html declares a huge one,
/trouble/download is a PDF.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.documents import DocumentLibrary
from factcheck.fetching import PoliteClient
from factcheck.sources import Limits, Source

SITE_ROOT = Path(__file__).parent / "fixtures" / "site"
LAST_MODIFIED = formatdate(1555381800, usegmt=True)  # Tue, 16 Apr 2019 02:30:00 GMT
BIG_BYTES = 3_000_000

# Content-Type per path; the default is "text/html" with no charset (the requests ISO-8859-1 trap).
CONTENT_TYPES = {
    "/robots.txt": "text/plain",
    "/news/201904/t20190416_1001.html": "text/html; charset=utf-8",
    "/news/index_1.html": "text/html; charset=ISO-8859-1",  # a lying header over a GBK page
}
NO_ETAG = {"/news/201905/t20190520_1003.html"}  # answers with Last-Modified only


@dataclass
class LoggedRequest:
    """One request as the server saw it."""

    path: str
    status: int
    headers: dict[str, str]
    body_bytes: int  # bytes of body the server sent (or began to send)


@dataclass
class FixtureSite:
    """Start with `with FixtureSite() as site:`; site.url(path) gives absolute URLs."""

    root: Path = SITE_ROOT
    robots_status: int = 200
    slow_seconds: float = 10.0
    log: list[LoggedRequest] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()  # wakes the slow handler at shutdown
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FixtureSite:
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self._lock:
            return [entry.path for entry in self.log]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.log.append(entry)

    def hit(self, path: str) -> int:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class _Handler(BaseHTTPRequestHandler):
    site: FixtureSite
    protocol_version = "HTTP/1.0"  # one request per connection: simple and enough here

    def log_message(self, format: str, *args: object) -> None:
        pass  # the site keeps its own log

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        count = self.site.hit(path)
        if path == "/robots.txt" and self.site.robots_status != 200:
            self._send(path, self.site.robots_status, b"robots.txt is broken today\n")
        elif path == "/news/flaky.html" and count == 1:
            self._send(path, 500, b"<h1>500 Internal Server Error</h1>")
        elif path == "/trouble/slow.html":
            self.site._release.wait(self.site.slow_seconds)
            self._send(path, 200, "<p>本页为测试用虚构页面：太慢了</p>".encode())
        elif path == "/trouble/big.html":
            self._stream_big(path)
        elif path == "/trouble/big-declared.html":
            self._send(path, 200, b"x" * BIG_BYTES)
        elif path == "/trouble/download":
            self._send(path, 200, b"%PDF-1.4 made up", content_type="application/pdf")
        else:
            self._static(path)

    def _static(self, path: str) -> None:
        file = (self.site.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if self.site.root.resolve() not in file.parents or not file.is_file():
            self._send(path, 404, b"<h1>404 Not Found</h1>")
            return
        body = file.read_bytes()
        etag = None if path in NO_ETAG else '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self._not_modified(etag):
            self._send(path, 304, b"", etag=etag)
            return
        self._send(path, 200, body, etag=etag, content_type=CONTENT_TYPES.get(path, "text/html"))

    def _not_modified(self, etag: str | None) -> bool:
        # RFC 9110: If-None-Match wins over If-Modified-Since when both are sent.
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag is not None and etag in [t.strip() for t in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)
        except (TypeError, ValueError):
            return False

    def _send(
        self,
        path: str,
        status: int,
        body: bytes,
        *,
        etag: str | None = None,
        content_type: str = "text/html",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Last-Modified", LAST_MODIFIED)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        # Log before answering, so a client that has its answer always finds it in the log.
        sent = len(body) if status != 304 else 0
        self.site.record(LoggedRequest(path, status, dict(self.headers.items()), sent))
        self.end_headers()
        if status != 304:
            self._write(body)

    def _stream_big(self, path: str) -> None:
        self.site.record(LoggedRequest(path, 200, dict(self.headers.items()), BIG_BYTES))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()  # no Content-Length: the client must count and stop by itself
        for _ in range(BIG_BYTES // 10_000):
            if not self._write(b"<p>" + b"a" * 9_993 + b"</p>\n"):
                break

    def _write(self, data: bytes) -> int:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client hung up, as it should on an oversized body
            return 0
        return len(data)


BULLETINS = Path(__file__).parent / "fixtures" / "bulletins"
# The made-up bulletins' two sources, as the tests that match against them register them.
BULLETIN_SOURCES = (
    ("official-fixture", "official", "/official/index.html"),
    ("media-fixture", "media", "/media/index.html"),
)


def fetch_bulletins(library: DocumentLibrary, site: FixtureSite) -> None:
    """Fetch the made-up bulletins of tests/fixtures/bulletins from `site` into `library`, at once
    (no delay between requests), every page stored."""
    for name, tier, start in BULLETIN_SOURCES:
        source = Source(name, name, tier, [site.url(start)], limits=Limits(delay=0.0))
        report = library.fetch(source, client=PoliteClient(sleep=lambda s: None))
        assert report.failed == 0, report.errors
