"""The review desk: time to first byte with 1,000 runs and 1,000,000 facts, and a check through
the web form against a `factcheck run` process (run by hand).

    PYTHONPATH=. python bench/serve.py [--runs 1000] [--facts 1000000] [--repeat 30]
                                       [--checks 5] [--workdir DIR] [--no-append]

1. Builds the database as bench/scale.py does (the real schema, the fixture bulletins among
   synthetic documents and facts up to --facts), reused from --workdir when there.
2. Runs the first article once through run.run_article, then copies that run (its claims,
   findings and matches) under new run ids and dates until there are --runs runs; a few hundred
   review decisions are appended to the copies.
3. Starts `python -m factcheck serve --db DB --port P` as its own process and waits for it.
4. Time to first byte (the status line and headers read) over a kept-alive connection: the first
   request, then --repeat more, median and 90th percentile: the newest run's article page, the oldest one's, the
   runs page, a filtered runs page, a bulletin search.
5. A check of the first article through the form (POST /check until its 303), --checks times,
   against `python -m factcheck run` of the same file as a process, --checks times.
6. Prints a Markdown section and appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import Synth, append_results, build, machine  # noqa: E402

from factcheck.run import analyse_text, run_article  # noqa: E402
from factcheck.storage import Database  # noqa: E402

ARTICLE = ROOT / "claims" / "taiyuan-2019.txt"
PUBLISHED = "2019-04-15"
COPIED = ("claims", "findings", "matches")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_runs(path: Path, runs: int, work: Path) -> str:
    """One real run of the first article, then copies of it up to `runs`; returns the real id."""
    db = Database(path)
    have = int(db.rows("SELECT count(*) AS n FROM runs")[0]["n"])
    if have >= runs:  # reused: the real run is the first one whose article key is not its id
        real = "SELECT run_id FROM runs WHERE article_key <> run_id ORDER BY created_at LIMIT 1"
        return str(db.rows(real)[0]["run_id"])
    first = run_article(ARTICLE, published=PUBLISHED, db=db, log_path=work / "first.jsonl")
    conn = db.db.conn
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in COPIED}
    run_columns = [r[1] for r in conn.execute("PRAGMA table_info(runs)")]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    with db.transaction():
        for n in range(runs - have - 1):
            when = start + dt.timedelta(hours=n)
            run_id = f"{when:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
            names = ", ".join(run_columns)
            picked = ", ".join(
                "?" if c in ("run_id", "created_at", "article_key") else c for c in run_columns
            )
            values = {"run_id": run_id, "created_at": when.isoformat(), "article_key": run_id}
            params = [values[c] for c in run_columns if c in values]
            conn.execute(
                f"INSERT INTO runs ({names}) SELECT {picked} FROM runs WHERE run_id = ?",
                (*params, first.run_id),
            )
            for table in COPIED:
                cols = ", ".join(f"[{c}]" for c in columns[table])
                chosen = ", ".join("?" if c == "run_id" else f"[{c}]" for c in columns[table])
                conn.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {chosen} FROM {table} WHERE run_id = ?",
                    (run_id, first.run_id),
                )
            if n % 3 == 0:  # some runs carry decisions
                conn.execute(
                    "INSERT INTO reviews (run_id, item, item_key, decision, note, reviewer, at) "
                    "VALUES (?, 'c1', ?, 'confirm', 'bench', 'bench', ?)",
                    (run_id, f"bench:{run_id}", when.isoformat()),
                )
    db.close()
    return first.run_id


class Server:
    """`factcheck serve` as a process of its own."""

    def __init__(self, db: Path, port: int) -> None:
        self.port = port
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "factcheck", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.process.stdout.readline()  # the address line, printed once the pipeline is loaded
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.startup = time.perf_counter() - started
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = ""

    def ttfb(self, path: str) -> tuple[float, bytes]:
        """Seconds until the status line and headers are read; and the body."""
        started = time.perf_counter()
        self.conn.request("GET", path, headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        first = time.perf_counter() - started
        body = response.read()
        assert response.status == 200, (path, response.status)
        self._keep(response)
        return first, body

    def _keep(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("set-cookie") or []:
            pair = header.split(";", 1)[0]
            self.cookie = "; ".join(p for p in [self.cookie, pair] if p)

    def check(self, text: str) -> float:
        """Seconds from sending the form until its 303 (the check is done and stored)."""
        _, page = self.ttfb("/check")
        token = re.search(rb'name="csrf" value="([0-9a-f]+)"', page)
        assert token is not None
        body = urlencode(
            {"csrf": token.group(1).decode(), "text": text, "published": PUBLISHED, "url": ""}
        )
        headers = {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        self.conn.request("POST", "/check", body=body.encode(), headers=headers)
        response = self.conn.getresponse()
        response.read()
        took = time.perf_counter() - started
        assert response.status == 303, response.status
        return took

    def stop(self) -> None:
        self.conn.close()
        self.process.terminate()
        self.process.wait(10)


def cli_run(db: Path, log: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "factcheck", "run", str(ARTICLE), "--published", PUBLISHED,
         "--db", str(db), "--log", str(log)],
        cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    return time.perf_counter() - started


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.0f} ms (p90 {p90 * 1000:.0f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--checks", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="factcheck-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"desk-{args.facts}.db"
    built = "reused"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.facts, Synth(analyse_text(ARTICLE.read_text("utf-8"), PUBLISHED).claims))
        built = f"built in {time.perf_counter() - started:.0f} s"
    print(f"database {path}: {built}", file=sys.stderr)
    real = add_runs(path, args.runs, work)
    db = Database(path)
    facts = db.rows("SELECT count(*) AS n FROM facts")[0]["n"]
    runs = db.rows("SELECT count(*) AS n FROM runs")[0]["n"]
    newest = db.rows("SELECT run_id FROM runs ORDER BY created_at DESC LIMIT 1")[0]["run_id"]
    oldest = db.rows("SELECT run_id FROM runs ORDER BY created_at LIMIT 1")[0]["run_id"]
    db.close()

    server = Server(path, free_port())
    try:
        pages = {
            "article page, the newest run": f"/runs/{newest}",
            "article page, the real run": f"/runs/{real}",
            "article page, the oldest run": f"/runs/{oldest}",
            "runs page (25 newest)": "/",
            "runs page filtered: flagged": "/?status=flagged",
            "bulletin search 涉黑涉恶犯罪团伙": "/bulletins?q=" + quote("涉黑涉恶犯罪团伙"),
        }
        measured = {}
        for label, page in pages.items():
            # The first request of a page fills SQLite's page cache and the runs page's rows.
            first = server.ttfb(page)[0]
            then = summary([server.ttfb(page)[0] for _ in range(args.repeat)])
            measured[label] = f"{first * 1000:.0f} ms | {then}"
            print(label, measured[label], file=sys.stderr)
        text = ARTICLE.read_text(encoding="utf-8")
        web = [server.check(text) for _ in range(args.checks)]
    finally:
        server.stop()
    cli = [cli_run(path, work / f"cli-{n}.jsonl") for n in range(args.checks)]
    report = render(args, facts, runs, server.startup, measured, web, cli)
    print(report)
    if not args.no_append:
        append_results(report)


def render(args, facts, runs, startup, measured, web, cli) -> str:  # type: ignore[no-untyped-def]
    rows = "\n".join(f"| {label} | {value} |" for label, value in measured.items())
    ratio = statistics.median(web) / statistics.median(cli)
    today = dt.date.today().isoformat()
    return (
        f"""
        ## The review desk, `factcheck serve` — {today}, {machine()}

        2 cores shared with 3 other workers. {runs} runs (one real run of the first article,
        the rest copies of it under other ids and dates), {facts:,} facts. `factcheck serve` as its
        own process (startup with the pipeline: {startup:.1f} s); times to first byte over one
        kept-alive connection, the first request of each page, then {args.repeat} more:

        | page | first request | then, median |
        |---|---|---|
        {rows}

        Checking the first article ({args.checks} times each, median):

        | how | time |
        |---|---|
        | through the web form (POST /check until its 303), pipeline loaded | {statistics.median(web):.2f} s |
        | `python -m factcheck run` as a process | {statistics.median(cli):.2f} s |
        | ratio | {ratio:.2f} |
        """
    ).replace("\n        ", "\n")


if __name__ == "__main__":
    main()
