"""The review desk's test database and a real server for it on 127.0.0.1.

The database holds the made-up bulletins of tests/fixtures/bulletins (fetched from a local server)
and one made-up hostile page whose title and body carry the report tests' payloads (a script, an
<img onerror>, a </textarea>, a right-to-left override); the first article is run against them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from conftest import TAIYUAN
from fixture_site import FixtureSite

from factcheck.documents import DocumentLibrary
from factcheck.fetching import PoliteClient
from factcheck.run import run_article
from factcheck.sources import Limits, Source
from factcheck.storage import Database

BULLETINS = Path(__file__).parent / "fixtures" / "bulletins"
ARTIFACTS = Path(__file__).parent / "artifacts"
RLO = "\u202e"
PAYLOAD = f"<script>window.pwned=1</script><img src=x onerror=\"document.title='pwned'\"></textarea>{RLO}txt.exe"
HOSTILE_PAGE = f"""<!DOCTYPE html>
<!-- 测试用虚构页面 Made-up page for factcheck's tests; not a real bulletin. -->
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{PAYLOAD.replace('"', "&quot;")}太原市扫黑办通报">
<meta name="PubDate" content="2019-03-02 09:00">
<title>x</title></head>
<body><div id="UCAP-CONTENT">
<p>本页为测试用虚构页面，为 factcheck 测试而编写，不是真实公告，不可引用。</p>
<p>一年多来，太原市共打掉涉黑涉恶犯罪团伙128个。</p>
</div></body></html>
"""


@dataclass
class DeskDb:
    path: Path
    run_id: str
    folder: Path


def build_desk_db(folder: Path, nlp: Any) -> DeskDb:
    """Bulletins fetched and ingested, then the first article run against them."""
    path = folder / "desk.db"
    with FixtureSite(root=BULLETINS) as site:
        library = DocumentLibrary(Database(path))
        for name, tier, start in (
            ("official-fixture", "official", "/official/index.html"),
            ("media-fixture", "media", "/media/index.html"),
        ):
            source = Source(name, name, tier, [site.url(start)], limits=Limits(delay=0.0))
            assert library.fetch(source, client=PoliteClient(sleep=lambda s: None)).failed == 0
    page = folder / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    ingested = library.ingest([page], Source("hostile-fixture", "hostile", "official", []))
    assert ingested.new == 1, ingested.errors
    result = run_article(
        TAIYUAN, published="2019-04-15", db=Database(path), log_path=folder / "a.jsonl", nlp=nlp
    )
    return DeskDb(path, result.run_id, folder)


def tampered_text() -> str:
    """The first article with 84 gangs made 85: its sum of parts fails."""
    text = TAIYUAN.read_text(encoding="utf-8")
    assert text.count("惡勢力犯罪團伙84個") == 1
    return text.replace("惡勢力犯罪團伙84個", "惡勢力犯罪團伙85個")


@contextmanager
def running(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free port of 127.0.0.1 in a thread; yields its address."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the desk's server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
