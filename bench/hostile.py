"""Hostile sites and input outside the extractor (issue 12): how long each takes to be dealt with.

Run by hand from the checkout: PYTHONPATH=. python bench/hostile.py   (about a minute; results go
into bench/RESULTS.md by hand). Without PYTHONPATH the installed package is measured instead.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from factcheck.errors import FetchError
from factcheck.fetching import PoliteClient, fetch_source
from factcheck.pages import list_links
from factcheck.sources import Limits, Source
from factcheck.text import read_article

LINKS = 100_000
DEADLINE = 5.0


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's naming
        if self.path == "/trickle":
            self.send_response(200)
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1.0)  # one byte a second
            return
        body = b"" if self.path == "/robots.txt" else self.server.pages.get(self.path, b"")  # type: ignore[attr-defined]
        self.send_response(200 if body or self.path == "/robots.txt" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    links = "".join(f'<a href="/news/{i}.html">第{i}篇</a>\n' for i in range(LINKS))
    page = "<html><body><p>太原市共打掉涉黑涉恶犯罪团伙128个。</p></body></html>"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    server.pages = {  # type: ignore[attr-defined]
        "/news/index.html": f"<html><body>{links}</body></html>".encode(),
        "/news/0.html": page.encode(),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    limits = Limits(delay=0.0, max_documents=1, max_bytes=10_000_000)
    source = Source("many", "bench", "official", [base + "/news/index.html"], limits=limits)
    started = time.perf_counter()
    list_links(links, base + "/news/index.html", source)
    print(f"list_links, {LINKS} links: {time.perf_counter() - started:.2f} s")

    class Store(dict):  # the smallest DocumentStore
        def validators(self, url: str) -> None:
            return None

        def has_content(self, sha: str) -> bool:
            return False

        def save_document(self, doc: object) -> str:
            return "new"

        def mark_unchanged(self, url: str) -> None: ...

        def record_failure(self, *args: str) -> None: ...

    started = time.perf_counter()
    report = fetch_source(source, Store(), client=PoliteClient())
    print(
        f"fetch, list of {LINKS} links to first article: {time.perf_counter() - started:.2f} s"
        f" ({report.new} new)"
    )

    started = time.perf_counter()
    try:
        PoliteClient(deadline=DEADLINE).get(base + "/trickle", Limits(delay=0.0))
    except FetchError as exc:
        print(
            f"one byte a second, deadline {DEADLINE:g} s: gave up after "
            f"{time.perf_counter() - started:.2f} s ({exc})"
        )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.txt"
        path.write_bytes(("今天天气很好，我们去公园散步。" * 90_000).encode("utf-8"))
        started = time.perf_counter()
        article = read_article(path)
        print(
            f"read_article, {path.stat().st_size / 2**20:.2f} MiB: "
            f"{time.perf_counter() - started:.2f} s, {len(article.text)} characters"
        )
    # spaCy's Chinese "char" tokenizer (the pipeline's make_doc), before any factcheck component.
    from factcheck.pipeline import load_pipeline

    nlp = load_pipeline()
    for repeats in (3_000, 9_000, 27_000):
        text = "今天天气很好，我们去公园散步。" * repeats
        started = time.perf_counter()
        nlp.make_doc(text)
        print(f"make_doc, {len(text)} characters: {time.perf_counter() - started:.2f} s")
    server.shutdown()
    sys.exit(0)


if __name__ == "__main__":
    main()
