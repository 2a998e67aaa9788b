"""`factcheck serve` over HTTP: a real server on 127.0.0.1, real requests.

CSRF, the Content-Security-Policy, escaping of hostile titles, bodies and notes, bad input (status
400, the command line's one-line error, nothing stored), the token off loopback, and concurrent
decisions on one item (all stored, in order).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from conftest import ROOT, TAIYUAN
from desk_site import PAYLOAD, RLO, DeskDb, build_desk_db, running, serving, tampered_text

from factcheck.errors import InputError
from factcheck.reports import CSP as REPORT_CSP
from factcheck.reports import build_report, render
from factcheck.review import review_items
from factcheck.run import parse_article_url, parse_published
from factcheck.runs import load_run
from factcheck.status import SEVERITIES, run_counts
from factcheck.storage import Database
from factcheck.text import MAX_ARTICLE_BYTES
from factcheck.web.app import CSP, create_app, is_loopback, serve
from factcheck.web.desk import list_runs


@dataclass
class Desk:
    db: DeskDb
    url: str
    http: requests.Session

    def get(self, path: str, **kw) -> requests.Response:  # type: ignore[no-untyped-def]
        return self.http.get(self.url + path, allow_redirects=False, **kw)

    def csrf(self, path: str = "/") -> str:
        soup = BeautifulSoup(self.get(path).text, "html.parser")
        return str(soup.find("input", attrs={"name": "csrf"})["value"])  # type: ignore[index]

    def post(self, path: str, data: dict[str, str], **kw) -> requests.Response:  # type: ignore[no-untyped-def]
        return self.http.post(self.url + path, data=data, allow_redirects=False, **kw)

    def check(self, **fields: str) -> requests.Response:
        data = {"csrf": self.csrf("/check"), "published": "", "url": "", "text": "", **fields}
        return self.post("/check", data)

    def decide(self, run_id: str, item: str, **fields: str) -> requests.Response:
        data = {"csrf": self.csrf(f"/runs/{run_id}"), "note": "", "value": "", **fields}
        return self.post(f"/runs/{run_id}/items/{item}", data)

    def database(self) -> Database:
        """A connection of this process, the server's is in its own (see desk_site)."""
        return Database(self.db.path)

    def counts(self) -> tuple[int, int]:
        """Runs and review decisions stored."""
        db = self.database()
        return (
            db.rows("SELECT count(*) AS n FROM runs")[0]["n"],
            db.rows("SELECT count(*) AS n FROM reviews")[0]["n"],
        )


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    built = build_desk_db(tmp_path_factory.mktemp("serve"), nlp)
    with serving(built.path) as (url, _):
        yield Desk(built, url, requests.Session())


@pytest.fixture(scope="module")
def tampered(desk: Desk) -> str:
    """A run of the failing variant (84 → 85), checked through the form."""
    response = desk.check(text=tampered_text(), published="2019-04-15")
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def soup_of(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def item_ids(page: BeautifulSoup) -> list[str]:
    return [str(a["data-item"]) for a in page.select("article.item")]


# --- headers ----------------------------------------------------------------------------------


def test_every_page_carries_the_strict_policy(desk: Desk, tampered: str) -> None:
    document = desk.database().rows("SELECT min(id) AS id FROM documents")[0]["id"]
    paths = [
        "/",
        "/check",
        f"/runs/{tampered}",
        "/bulletins?q=团伙",
        f"/documents/{document}",
        "/runs/nope",
        "/static/desk.js",
    ]
    for path in paths:
        response = desk.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert desk.get("/runs/nope").status_code == 404


def test_pages_load_no_inline_script_and_nothing_from_elsewhere(desk: Desk, tampered: str) -> None:
    page = soup_of(desk.get(f"/runs/{tampered}"))
    scripts = page.find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/desk.js"]
    assert all(not s.string for s in scripts)
    assert not page.find_all(style=True)  # style-src 'self': no style attribute would apply
    for tag in page.find_all(["link", "script", "img"]):
        source = tag.get("href") or tag.get("src")
        assert source.startswith("/static/") or source == "data:,", source  # data: the icon


def test_a_foreign_host_header_is_refused(desk: Desk) -> None:
    # DNS rebinding: a site that points its name at 127.0.0.1 must not reach the desk.
    assert desk.get("/", headers={"Host": "evil.example"}).status_code == 400


# --- CSRF -------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(desk: Desk, tampered: str) -> None:
    before = desk.counts()
    item = item_ids(soup_of(desk.get(f"/runs/{tampered}")))[0]
    posts = [
        ("/check", {"text": tampered_text(), "published": "2019-04-15"}),
        (f"/runs/{tampered}/items/{item}", {"decision": "confirm"}),
        ("/reviewer", {"reviewer": "mallory"}),
    ]
    for path, data in posts:
        for token in (None, "0" * 64, desk.csrf().upper()):
            sent = data if token is None else {**data, "csrf": token}
            response = desk.post(path, sent)
            assert response.status_code == 403, (path, token)
            assert "CSRF" in response.text
    assert desk.counts() == before
    assert "mallory" not in desk.get("/").text


def test_a_post_from_another_origin_is_refused(desk: Desk, tampered: str) -> None:
    before = desk.counts()
    item = item_ids(soup_of(desk.get(f"/runs/{tampered}")))[0]
    data = {"csrf": desk.csrf(), "decision": "confirm"}
    path = f"/runs/{tampered}/items/{item}"
    assert desk.post(path, data, headers={"Origin": "https://evil.example"}).status_code == 403
    assert desk.counts() == before


def test_the_token_of_one_session_does_not_serve_another(desk: Desk, tampered: str) -> None:
    stolen = desk.csrf()
    other = requests.Session()
    other.get(desk.url + "/")
    item = item_ids(soup_of(desk.get(f"/runs/{tampered}")))[0]
    data = {"csrf": stolen, "decision": "confirm"}
    response = other.post(f"{desk.url}/runs/{tampered}/items/{item}", data=data)
    assert response.status_code == 403


# --- escaping ---------------------------------------------------------------------------------


def assert_inert(page: BeautifulSoup) -> None:
    """Nothing from the payload became markup: no script but ours, no image, no handler."""
    assert [s.get("src") for s in page.find_all("script")] == ["/static/desk.js"]
    assert not page.find_all("img")
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    for textarea in page.find_all("textarea"):
        assert "<script>" not in textarea.decode_contents() or "&lt;script&gt;" in str(textarea)


def test_hostile_titles_are_escaped_and_isolated(desk: Desk, tampered: str) -> None:
    db = desk.database()
    document = db.rows("SELECT id, title FROM documents WHERE source = 'hostile-fixture'")[0]
    # The page kept its payload (the fetcher drops the right-to-left override from titles).
    assert PAYLOAD.replace(RLO, "") in document["title"]
    pages = [
        desk.get(f"/documents/{document['id']}"),
        desk.get("/bulletins?q=" + requests.utils.quote("太原市扫黑办通报")),
        desk.get("/bulletins"),
        desk.get(f"/runs/{tampered}"),  # the hostile page is the origin of 128, in the sum item
    ]
    for response in pages:
        assert response.status_code == 200
        page = soup_of(response)
        assert_inert(page)
        assert "<script>window.pwned" not in response.text
    for response in pages[:2]:
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in response.text
    assert "&lt;/textarea&gt;" in pages[3].text


def assert_isolated(page: BeautifulSoup) -> None:
    """Every right-to-left override sits inside a <bdi> (or a paragraph of the article, where it
    ends with the paragraph): it cannot reorder the page around it. The title has none."""
    holders = [b for b in page.find_all("bdi") if RLO in b.get_text()]
    assert holders
    assert RLO not in page.title.get_text()
    for tag in page.find_all(string=lambda s: RLO in s):
        paragraph = tag.parent.name == "p" and tag.parent.find_parent("div", class_="article")
        assert tag.find_parent("bdi") or paragraph, tag.parent


def test_hostile_article_text_and_notes_are_escaped(desk: Desk) -> None:
    text = f"{PAYLOAD}太原日报\n" + TAIYUAN.read_text(encoding="utf-8")
    response = desk.check(text=text, published="2019-04-15", url="https://example.com/a?x=<b>")
    assert response.status_code == 303, response.text
    run_id = response.headers["location"].rsplit("/", 1)[1]
    item = item_ids(soup_of(desk.get(f"/runs/{run_id}")))[0]
    desk.decide(run_id, item, decision="dismiss", note=PAYLOAD, reviewer=f"{RLO}<b>eve</b>")
    for path in (f"/runs/{run_id}", "/", f"/?q={requests.utils.quote('太原日报')}"):
        response = desk.get(path)
        page = soup_of(response)
        assert_inert(page)
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in response.text, path
        assert "<b>eve</b>" not in response.text
    assert_isolated(soup_of(desk.get(f"/runs/{run_id}")))
    assert_isolated(soup_of(desk.get("/")))
    page = desk.get(f"/runs/{run_id}").text
    assert "&lt;b&gt;eve&lt;/b&gt;" in page
    assert "https://example.com/a?x=&lt;b&gt;" in page


def test_a_bad_form_keeps_the_pasted_text_escaped_in_the_textarea(desk: Desk) -> None:
    response = desk.check(text=PAYLOAD, published="2019-02-30")
    assert response.status_code == 400
    textarea = soup_of(response).find("textarea")
    assert textarea is not None and textarea.get_text() == PAYLOAD  # one textarea, text intact
    assert "</textarea><script>" not in response.text


# --- bad input: 400, the command line's error, nothing stored ---------------------------------


def cli_error(*args: str, cwd: Path) -> str:
    """The one-line error `factcheck` prints for these arguments."""
    run = subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 2, run.stderr
    return run.stderr.strip().removeprefix("factcheck: error: ")


def page_error(response: requests.Response) -> str:
    found = soup_of(response).select("#error")
    assert len(found) == 1
    return found[0].get_text()


def expected(fn, value: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        fn(value)
    return str(caught.value)


def test_bad_dates_and_urls_give_the_command_lines_error(desk: Desk, tmp_path: Path) -> None:
    logs = desk.db.path.parent / "factcheck-logs"
    before, logged = desk.counts(), sorted(logs.glob("*")) if logs.exists() else []
    response = desk.check(text=tampered_text(), published="2019-13-45")
    assert response.status_code == 400
    shown = page_error(response)
    assert shown == expected(parse_published, "2019-13-45")
    article = tmp_path / "a.txt"
    article.write_text(tampered_text(), encoding="utf-8")
    db = str(tmp_path / "cli.db")
    assert shown == cli_error(
        "run", str(article), "--published", "2019-13-45", "--db", db, cwd=tmp_path
    )
    response = desk.check(text=tampered_text(), url="javascript:alert(1)")
    assert response.status_code == 400
    assert page_error(response) == expected(parse_article_url, "javascript:alert(1)")
    assert desk.counts() == before
    assert (sorted(logs.glob("*")) if logs.exists() else []) == logged


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary" * 10, "looks like a binary file (NUL bytes), not text"),
        (b"   \n", "the file is empty"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), f"{MAX_ARTICLE_BYTES + 1} bytes is over the"),
    ],
)
def test_bad_uploads_give_the_files_error(desk: Desk, content: bytes, message: str) -> None:
    before = desk.counts()
    data = {"csrf": desk.csrf("/check"), "published": "2019-04-15", "url": "", "text": ""}
    files = {"file": ("bad.txt", content, "text/plain")}
    response = desk.http.post(desk.url + "/check", data=data, files=files, allow_redirects=False)
    assert response.status_code == 400
    shown = page_error(response)
    assert shown.startswith("bad.txt: ") and message in shown and "\n" not in shown
    assert desk.counts() == before


def test_text_and_file_together_are_refused(desk: Desk) -> None:
    data = {"csrf": desk.csrf("/check"), "published": "", "url": "", "text": "一"}
    files = {"file": ("a.txt", "二".encode(), "text/plain")}
    response = desk.http.post(desk.url + "/check", data=data, files=files, allow_redirects=False)
    assert response.status_code == 400
    assert page_error(response) == "give the article's text or a file, not both"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decision": "dismiss", "note": "  "}, "a dismiss needs a note saying why"),
        ({"decision": "correct", "note": "minutes"}, "a correction needs the corrected value"),
        ({"decision": "correct", "value": "3", "note": ""}, "a correct needs a note saying why"),
        ({"decision": "approve"}, "decision 'approve': expected one of confirm, dismiss, correct"),
        ({"decision": "confirm", "reviewer": " "}, "a decision needs the reviewer's name"),
    ],
)
def test_bad_decisions_give_reviews_error(desk: Desk, tampered: str, fields, message) -> None:  # type: ignore[no-untyped-def]
    before = desk.counts()
    item = item_ids(soup_of(desk.get(f"/runs/{tampered}")))[0]
    reviewer = {"reviewer": "ana"} if "reviewer" not in fields else {}
    cookies = desk.http.cookies.copy()
    desk.http.cookies.pop("fc_reviewer", None)
    try:
        response = desk.decide(tampered, item, **reviewer, **fields)
    finally:
        desk.http.cookies = cookies
    assert response.status_code == 400
    assert page_error(response).startswith(message)
    assert desk.counts() == before


def test_an_unknown_item_names_the_items_there_are(desk: Desk, tampered: str) -> None:
    response = desk.decide(tampered, "f999", decision="confirm", reviewer="ana")
    assert response.status_code == 400
    assert page_error(response).startswith("no review item 'f999' in this run; items: ")


# --- checking and reviewing -------------------------------------------------------------------


def test_a_checked_article_is_stored_as_run_stores_it(desk: Desk, tampered: str) -> None:
    db = desk.database()
    run = load_run(db, tampered)
    assert run.published == "2019-04-15" and run.text == tampered_text()
    logs = list((desk.db.path.parent / "factcheck-logs").glob("pasted-*.jsonl"))
    assert any(tampered in log.read_text(encoding="utf-8") for log in logs)
    counts = run_counts(run, review_items(db, run))
    assert counts.status == "flagged" and counts.standing["fail"] >= 1
    page = soup_of(desk.get(f"/runs/{tampered}"))
    assert counts.line() in page.select_one("#status").get_text()


def test_an_upload_is_decoded_as_run_decodes_a_file(desk: Desk) -> None:
    data = {"csrf": desk.csrf("/check"), "published": "2019-04-15", "url": "", "text": ""}
    gbk = TAIYUAN.read_text(encoding="utf-8").encode("gb18030")
    files = {"file": ("../../taiyuan-gb.txt", gbk, "text/plain")}
    response = desk.http.post(desk.url + "/check", data=data, files=files, allow_redirects=False)
    assert response.status_code == 303
    run_id = response.headers["location"].rsplit("/", 1)[1]
    row = desk.database().rows("SELECT article, encoding FROM runs WHERE run_id = ?", (run_id,))
    assert row == [{"article": "taiyuan-gb.txt", "encoding": "gb18030"}]  # no folders kept


def test_items_come_in_severity_order(desk: Desk, tampered: str) -> None:
    page = soup_of(desk.get(f"/runs/{tampered}"))
    ranks = []
    for item in page.select("article.item"):
        severity = next(c.removeprefix("sev-") for c in item["class"] if c.startswith("sev-"))
        ranks.append(SEVERITIES.index(severity))
    assert ranks == sorted(ranks) and ranks[0] == 0 and len(set(ranks)) > 1


def test_evidence_shows_origin_repetitions_and_drift(desk: Desk, tampered: str) -> None:
    page = soup_of(desk.get(f"/runs/{tampered}"))
    rows = page.select("table.ev tr")
    roles = {cls for row in rows for cls in row.get("class", [])}
    assert {"origin", "repeat", "drift"} <= roles
    drift = next(row for row in rows if "drift" in row.get("class", []))
    assert "drift: another value" in drift.get_text() and "126" in drift.get_text()
    origin = next(row for row in rows if "origin" in row.get("class", []))
    assert origin.select_one("blockquote") and origin.select_one("a.doc")["href"].startswith(
        "/documents/"
    )


def test_the_runs_page_filters_and_searches(desk: Desk, tampered: str) -> None:
    db = desk.database()
    flagged = list_runs(db, "flagged")
    assert tampered in [r.run_id for r in flagged.rows]
    assert all(r.counts.status == "flagged" for r in flagged.rows)
    page = soup_of(desk.get("/?status=flagged"))
    shown = [a["href"].rsplit("/", 1)[1] for a in page.select("table.runs td:first-child > a")]
    assert shown == [r.run_id for r in flagged.rows]
    clean = soup_of(desk.get("/?status=clean")).select("table.runs td:first-child > a")
    assert tampered not in [a["href"] for a in clean]
    everything = [r.run_id for r in list_runs(db).rows]
    created = [r.created_at for r in list_runs(db).rows]
    assert created == sorted(created, reverse=True) and desk.db.run_id in everything
    found = soup_of(desk.get("/?q=" + requests.utils.quote("惡勢力犯罪團伙85個")))
    assert [a["href"].rsplit("/", 1)[1] for a in found.select("table.runs td:first-child > a")] == [
        tampered
    ]
    assert desk.get("/?status=nonsense").status_code == 400


def test_a_decision_shows_in_the_cli_and_every_report(desk: Desk, tampered: str) -> None:
    page = soup_of(desk.get(f"/runs/{tampered}"))
    item = item_ids(page)[-1]
    response = desk.decide(
        tampered, item, decision="dismiss", note="审稿：另有统计口径", reviewer="ana"
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/runs/{tampered}#item-{item}"
    listed = subprocess.run(
        [sys.executable, "-m", "factcheck", "review", tampered, "--list", "--json", "--db", str(desk.db.path)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True,
    )  # fmt: skip
    lines = [line for line in listed.stdout.split("\n") if line]  # JSON lines, not splitlines()
    records = {r["id"]: r for r in map(json.loads, lines)}
    assert records[item]["state"] == "dismiss"
    assert records[item]["history"][-1]["note"] == "审稿：另有统计口径"
    assert records[item]["history"][-1]["reviewer"] == "ana"
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", records[item]["history"][-1]["at"]
    )
    for fmt in ("html", "md", "json"):
        download = desk.get(f"/runs/{tampered}/report.{fmt}")
        assert download.status_code == 200
        assert "审稿：另有统计口径" in download.text, fmt
        assert download.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    expected_md = render(build_report(desk.database(), tampered), "md")
    assert desk.get(f"/runs/{tampered}/report.md").text == expected_md
    assert (
        desk.get(f"/runs/{tampered}/report.html").headers["content-security-policy"] == REPORT_CSP
    )
    claimreview = f"/runs/{tampered}/report.claimreview"
    published = "?base_url=https://desk.example/taiyuan.html&author=Desk"
    assert json.loads(desk.get(claimreview + published).text)
    refused = desk.get(claimreview + "?base_url=http://desk.example/&author=Desk")
    assert refused.status_code == 400
    assert page_error(refused).startswith("ClaimReview needs --base-url, the https:// address")
    assert desk.get(f"/runs/{tampered}/report.pdf").status_code == 404


def test_concurrent_decisions_on_one_item_are_all_kept_in_order(desk: Desk, tampered: str) -> None:
    item = item_ids(soup_of(desk.get(f"/runs/{tampered}")))[0]
    token = desk.csrf()
    reviewers = [f"reviewer-{n}" for n in range(8)]
    start = threading.Barrier(len(reviewers))
    statuses: dict[str, int] = {}

    def send(name: str) -> None:
        data = {"csrf": token, "decision": "confirm", "note": f"by {name}", "reviewer": name}
        start.wait()
        response = desk.http.post(
            f"{desk.url}/runs/{tampered}/items/{item}", data=data, allow_redirects=False
        )
        statuses[name] = response.status_code

    threads = [threading.Thread(target=send, args=(name,)) for name in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == dict.fromkeys(reviewers, 303)
    db = desk.database()
    history = next(i for i in review_items(db, load_run(db, tampered)) if i.id == item).history
    mine = [d for d in history if d.reviewer in reviewers]
    assert sorted(d.reviewer for d in mine) == reviewers  # every decision stored, none lost
    times = [d.at for d in history]
    assert times == sorted(times)
    page = soup_of(desk.get(f"/runs/{tampered}"))
    shown = page.select_one(f"#item-{item} ol.history").get_text()
    assert all(name in shown for name in reviewers)


def test_the_reviewer_form_sets_the_name_used_for_decisions(desk: Desk, tampered: str) -> None:
    session = requests.Session()
    page = soup_of(session.get(desk.url + f"/runs/{tampered}"))
    token = str(page.find("input", attrs={"name": "csrf"})["value"])
    data = {"csrf": token, "reviewer": "  李 明 ", "next": f"/runs/{tampered}"}
    response = session.post(desk.url + "/reviewer", data=data, allow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/runs/{tampered}"
    page = soup_of(session.get(desk.url + f"/runs/{tampered}"))
    assert page.find("input", attrs={"name": "reviewer"})["value"] == "李 明"
    item = item_ids(page)[0]
    data = {"csrf": token, "decision": "confirm", "note": ""}
    decided = session.post(f"{desk.url}/runs/{tampered}/items/{item}", data=data)
    assert decided.status_code == 200 and decided.url.endswith(f"/runs/{tampered}#item-{item}")
    db = desk.database()
    history = next(i for i in review_items(db, load_run(db, tampered)) if i.id == item).history
    assert history[-1].reviewer == "李 明"
    data = {"csrf": token, "reviewer": "x", "next": "//evil.example/"}
    elsewhere = session.post(desk.url + "/reviewer", data=data, allow_redirects=False)
    assert elsewhere.headers["location"] == "/"


def test_a_document_has_its_facts_marked(desk: Desk) -> None:
    db = desk.database()
    doc = db.rows("SELECT id FROM documents WHERE title LIKE '%阶段性成效%'")[0]["id"]
    facts = db.rows("SELECT id, text FROM facts WHERE document_id = ? ORDER BY start", (doc,))
    page = soup_of(desk.get(f"/documents/{doc}"))
    marks = page.select("mark.fact")
    assert [m.get_text() for m in marks] == [f["text"] for f in facts]
    assert [m["id"] for m in marks] == [f"fact-{f['id']}" for f in facts]
    assert desk.get("/documents/999999").status_code == 404


def test_bulletins_lists_sources_with_their_last_fetch(desk: Desk) -> None:
    page = soup_of(desk.get("/bulletins"))
    rows = {r.td.get_text(): r for r in page.select("table.sources tbody tr")}
    assert "official-fixture" in "".join(rows)
    stats = {s["name"]: s for s in desk.database().rows("SELECT name, last_fetched FROM sources")}
    official = next(r for name, r in rows.items() if name.startswith("official-fixture"))
    assert stats["official-fixture"]["last_fetched"].replace("T", " ") in official.get_text()


# --- off loopback ------------------------------------------------------------------------------


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.0.0.2"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "::", "example.com"]))


def test_serve_refuses_another_host_without_a_token(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--host 0\.0\.0\.0: not a loopback address"):
        serve(tmp_path / "f.db", host="0.0.0.0")
    message = cli_error("serve", "--host", "0.0.0.0", "--db", str(tmp_path / "f.db"), cwd=tmp_path)
    assert "give --token TOKEN" in message
    assert not (tmp_path / "f.db").exists()


def test_a_token_is_needed_for_every_request(desk: Desk) -> None:
    with serving(desk.db.path, "--token", "generate") as (url, line):
        found = re.search(r"(http://127\.0\.0\.1:\d+/)\?token=([\w-]{20,})", line)
        assert found, line
        base, token = found.groups()
        assert base == url + "/"
        for path in ("/", "/check", f"/runs/{desk.db.run_id}", "/static/desk.js"):
            assert requests.get(url + path, allow_redirects=False).status_code == 401, path
        assert requests.get(url + "/?token=wrong", allow_redirects=False).status_code == 401
        session = requests.Session()
        response = session.get(url + f"/check?token={token}", allow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/check"
        assert "fc_token" in session.cookies  # the cookie carries it now, not the address
        assert "Check an article" in session.get(url + "/check").text
        # With a token, any host name the machine is reached by is served.
        other_name = {"Host": "desk.lan:8000", "Cookie": f"fc_token={token}"}
        assert requests.get(url + "/", headers=other_name).status_code == 200


def test_a_broken_database_gives_its_one_line_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database", encoding="utf-8")
    with running(create_app(bogus)) as url:
        response = requests.get(url + "/")
    assert response.status_code == 500
    assert response.headers["content-security-policy"] == CSP
    assert page_error(response) == f"{bogus}: not an SQLite database; give another --db"


def test_the_runs_page_follows_new_decisions(desk: Desk) -> None:
    response = desk.check(text=tampered_text() + "\n补记。", published="2019-04-15")
    run_id = response.headers["location"].rsplit("/", 1)[1]

    def progress() -> str:
        page = soup_of(desk.get("/?status=to-review"))
        row = next(r for r in page.select("table.runs tbody tr") if run_id in r.get_text())
        return row.select("td")[6].get_text(" ", strip=True)

    before = progress()
    assert re.fullmatch(r"0 of \d+ decided", before)
    item = item_ids(soup_of(desk.get(f"/runs/{run_id}")))[0]
    assert desk.decide(run_id, item, decision="confirm", reviewer="ana").status_code == 303
    assert progress() == before.replace("0 of", "1 of", 1)


def test_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        message = cli_error("serve", "--port", port, "--db", str(tmp_path / "f.db"), cwd=tmp_path)
    assert message == f"--host 127.0.0.1 --port {port}: cannot listen (Address already in use)"
