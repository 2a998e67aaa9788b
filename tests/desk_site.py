"""The review desk's test database and a real server for it on 127.0.0.1.

The server runs as a process of its own (`python -m factcheck serve`), as a desk does: a test
that opens the database in the server's process could break the server's connection (opening a
storage.Database reads the file through a descriptor of its own, and closing it drops every
POSIX lock the process holds on the file, sqlite.org/howtocorrupt.html 2.2).

The database holds the made-up bulletins of tests/fixtures/bulletins (fetched from a local server)
and one made-up hostile page whose title and body carry the report tests' payloads (a script, an
<img onerror>, a </textarea>, a right-to-left override); the first article is run against them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from conftest import ROOT, TAIYUAN
from fixture_site import BULLETINS, FixtureSite, fetch_bulletins

from factcheck.documents import DocumentLibrary
from factcheck.run import run_article
from factcheck.sources import Source
from factcheck.storage import Database

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
        fetch_bulletins(library, site)
    page = folder / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    ingested = library.ingest([page], Source("hostile-fixture", "hostile", "official", []))
    assert ingested.new == 1, ingested.errors
    result = run_article(
        TAIYUAN, published="2019-04-15", db=library.db, log_path=folder / "a.jsonl", nlp=nlp
    )
    # Closed before the server starts: a connection left open here (whose locks a later
    # Database() of this process dropped) would keep reading a WAL index the server replaced.
    library.db.close()
    return DeskDb(path, result.run_id, folder)


def tampered_text() -> str:
    """The first article with 84 gangs made 85: its sum of parts fails."""
    text = TAIYUAN.read_text(encoding="utf-8")
    assert text.count("惡勢力犯罪團伙84個") == 1
    return text.replace("惡勢力犯罪團伙84個", "惡勢力犯罪團伙85個")


@contextmanager
def running(app: Any) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process (for apps over no real database)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db: Path, *options: str) -> Iterator[tuple[str, str]]:
    """`factcheck serve --db db` on a free port; yields its address and the line it printed."""
    port = free_port()
    command = [sys.executable, "-m", "factcheck", "serve", "--db", str(db), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the pipeline is loaded, before listening
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"factcheck serve stopped: {line}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", line
    finally:
        process.terminate()
        process.wait(20)
