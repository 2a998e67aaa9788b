"""Reports of a run: HTML, Markdown, JSON and ClaimReview, and the HTML report in headless Chromium.

The database holds the made-up bulletins of tests/fixtures/bulletins (fetched from a local server,
as in test_matching.py) plus one hostile made-up page, saved and ingested here: its title carries a
script and an <img onerror>, and it states 128 gangs so that it becomes the origin of the
article's 128. The first article is run against it (with no published URL), a few review
decisions are recorded, and a tampered copy of the article (84 → 85, published at ARTICLE_URL)
gives a failing sum whose parts 13 and 31 stay supported while 85 is contradicted.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import TAIYUAN
from fixture_site import BULLETINS, FixtureSite, fetch_bulletins

from factcheck.documents import DocumentLibrary
from factcheck.errors import InputError
from factcheck.reports import (
    ARTICLE_BACKGROUND,
    BEST_RATING,
    CSP,
    FINDING_LOOKS,
    RATINGS,
    VERDICT_LOOKS,
    WORST_RATING,
    Look,
    Report,
    article_html,
    build_report,
    claim_summary,
    md_escape,
    render,
    report_css,
    report_of,
    safe_url,
)
from factcheck.review import decide, find_item, review_items
from factcheck.run import run_article
from factcheck.runs import StoredClaim, StoredRun, load_run
from factcheck.sources import Source
from factcheck.status import VERDICTS, run_counts
from factcheck.storage import Database

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package
ARTICLE_URL = "https://news.example/2019-04-15/taiyuan.html"
REVIEW_URL = "https://desk.example/r/taiyuan.html"
HOSTILE_TITLE = (
    "<script>window.pwned=1</script><img src=x onerror=\"document.title='pwned'\">太原市扫黑办通报"
)
HOSTILE_PUBLISHER = "<b>虚构</b> publisher"
HOSTILE_PAGE = f"""<!DOCTYPE html>
<!-- 测试用虚构页面 Made-up page for factcheck's tests; not a real bulletin. -->
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{HOSTILE_TITLE.replace('"', "&quot;")}">
<meta name="PubDate" content="2019-03-01 09:00">
<title>{HOSTILE_TITLE}</title></head>
<body><h1>{HOSTILE_TITLE}</h1>
<div class="info">发布时间：2019-03-01 09:00　来源：太原市扫黑办（虚构）</div>
<div id="UCAP-CONTENT">
<p>本页为测试用虚构页面，为 factcheck 测试而编写，不是真实公告，不可引用。</p>
<p>一年多来，太原市共打掉涉黑涉恶犯罪团伙128个。<script>document.title='pwned'</script></p>
</div></body></html>
"""


@dataclass
class Built:
    db: Path
    run_id: str
    tampered_run_id: str
    ids: dict[str, str]  # near-text in the article → claim id


def claim_id_at(run: StoredRun, near: str, figure: str) -> str:
    at = run.text.index(near) + near.index(figure)
    return next(c.id for c in run.claims if c.start == at)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, nlp) -> Built:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("reports")
    path = folder / "f.db"
    with FixtureSite(root=BULLETINS) as site:
        library = DocumentLibrary(Database(path))
        fetch_bulletins(library, site)
    page = folder / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    ingested = library.ingest([page], Source("hostile-fixture", HOSTILE_PUBLISHER, "official", []))
    assert ingested.new == 1, ingested.errors
    stored = library.db.rows("SELECT title FROM documents WHERE source = 'hostile-fixture'")
    assert stored[0]["title"] == HOSTILE_TITLE  # the page kept its hostile title

    db = Database(path)
    result = run_article(
        TAIYUAN, published="2019-04-15", db=db, log_path=folder / "a.jsonl", nlp=nlp
    )
    run = load_run(db, result.run_id)
    ids = {
        "128": claim_id_at(run, "共打掉涉黑涉惡犯罪團伙128個", "128個"),
        "9次": claim_id_at(run, "召開9次", "9次"),
        "2次": claim_id_at(run, "2次書記", "2次"),
        "90多名": claim_id_at(run, "牽出90多名", "90多名"),
        "2003年": claim_id_at(run, "早在2003年", "2003年"),
        "四個意識": claim_id_at(run, "四個意識", "四個意識"),
    }
    items = review_items(db, run)
    decide(db, run, find_item(items, ids["9次"]), "dismiss", note="<i>counted</i> | elsewhere",
           reviewer="ana")  # fmt: skip
    decide(db, run, find_item(items, ids["2次"]), "correct", note="minutes say 3", value="3次",
           reviewer="ana")  # fmt: skip
    decide(db, run, find_item(items, ids["90多名"]), "confirm", reviewer="bo")

    tampered = folder / "tampered.txt"
    text = TAIYUAN.read_text(encoding="utf-8")
    assert text.count("惡勢力犯罪團伙84個") == 1
    tampered.write_text(text.replace("惡勢力犯罪團伙84個", "惡勢力犯罪團伙85個"), encoding="utf-8")
    second = run_article(
        tampered, published="2019-04-15", url=ARTICLE_URL, db=db, log_path=folder / "t.jsonl",
        nlp=nlp,
    )  # fmt: skip
    return Built(path, result.run_id, second.run_id, ids)


@pytest.fixture(scope="module")
def report(built: Built) -> Report:
    return build_report(Database(built.db), built.run_id)


@pytest.fixture(scope="module")
def tampered(built: Built) -> Report:
    return build_report(Database(built.db), built.tampered_run_id)


@pytest.fixture(scope="module")
def html_file(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path


# --- statuses and ratings ---------------------------------------------------------------------


def _by_text(report: Report) -> dict[str, list[str]]:
    """Figure text → the verdicts of the figures with that text (a text may appear twice)."""
    found: dict[str, list[str]] = {}
    for figure in report.figures:
        found.setdefault(figure.claim.text, []).append(figure.verdict)
    return found


def test_figures_show_their_own_verdict_and_the_findings_they_take_part_in(
    report: Report, tampered: Report, built: Built
) -> None:
    ids = built.ids
    assert report.figure(ids["128"]).verdict == "supported"
    assert report.figure(ids["9次"]).verdict == "dismissed"
    assert report.figure(ids["2次"]).verdict == "corrected"
    assert report.figure(ids["2次"]).corrected_value == "3次"
    confirmed = report.figure(ids["90多名"])
    assert (confirmed.verdict, confirmed.review) == ("unverified", "confirmed")
    assert report.figure(ids["2003年"]).verdict == "checked"
    assert report.figure(ids["四個意識"]).verdict == "non-claim"
    counts = report.counts
    assert counts.verdicts["supported"] >= 11 and counts.standing["fail"] == 0
    assert (counts.status, counts.verdicts["corrected"]) == ("flagged", 1)  # the correction
    # The failing sum 13 + 31 + 85 = 128: every part takes part in it; only 85 is contradicted.
    failing = [f for f in tampered.figures if f.status.finding == "fail"]
    assert {f.claim.text for f in failing} == {"128個", "13個", "31個", "85個"}
    assert len({f.status.findings for f in failing}) == 1  # one finding, named by all four
    verdicts = {f.claim.text: f.verdict for f in failing}
    assert verdicts == {
        "128個": "supported", "13個": "supported", "31個": "supported", "85個": "contradicted"
    }  # fmt: skip
    assert tampered.counts.status == "flagged" and tampered.counts.verdicts["contradicted"] == 1


def test_ratings_on_the_documented_scale(report: Report, tampered: Report, built: Built) -> None:
    ids = built.ids
    rating = {key: report.figure(cid).rating for key, cid in ids.items()}
    assert rating["128"] == RATINGS["Accurate"] and rating["128"].value == BEST_RATING
    assert rating["9次"] == RATINGS["No error found"]
    assert rating["2次"] == RATINGS["False"] and rating["2次"].value == WORST_RATING
    assert rating["90多名"] == RATINGS["Unverified"]
    assert rating["四個意識"] is None
    by_text = {f.claim.text: f.rating for f in tampered.figures if f.status.finding == "fail"}
    assert by_text["85個"] == RATINGS["False"]  # contradicted by the bulletin (84)
    assert by_text["13個"] == RATINGS["Accurate"]  # in the failing sum, but a bulletin states 13
    assert [r.value for r in RATINGS.values()] == list(range(WORST_RATING, BEST_RATING + 1))


def test_an_unsupported_figure_in_a_failing_sum_is_inconsistent(tampered: Report) -> None:
    # The same run with 13 no longer supported by any bulletin: the sum decides its rating.
    run = tampered.run
    thirteen = next(c for c in run.claims if c.text == "13個")
    claims = [
        StoredClaim(**{**vars(c), "verdict": "unverified", "origin": None, "evidence": []})
        if c is thirteen
        else c
        for c in run.claims
    ]
    changed = report_of(StoredRun(**{**vars(run), "claims": claims}), [])
    figure = changed.figure(thirteen.id)
    assert (figure.verdict, figure.status.finding) == ("unverified", "fail")
    assert figure.rating == RATINGS["Inconsistent"]


def test_unknown_format_is_an_input_error(report: Report) -> None:
    with pytest.raises(InputError, match="pdf"):
        render(report, "pdf")


def test_every_verdict_and_finding_reads_without_colour() -> None:
    assert list(VERDICT_LOOKS) == list(VERDICTS)
    looks = [*VERDICT_LOOKS.values(), *FINDING_LOOKS.values()]
    for attribute in ("symbol", "label", "background", "line"):
        values = [getattr(look, attribute) for look in looks]
        assert len(set(values)) == len(values), attribute  # each tells the keys apart alone
    assert ARTICLE_BACKGROUND not in {look.background for look in looks}


# --- HTML -------------------------------------------------------------------------------------


def test_html_shows_the_hostile_title_as_text(report: Report) -> None:
    page = render(report, "html")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=" in page
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert 'onerror="' not in page  # only the escaped onerror=&quot; form
    assert "&lt;b&gt;虚构&lt;/b&gt; publisher" in page
    soup = BeautifulSoup(page, "lxml")
    assert soup.find(string=re.compile(re.escape(HOSTILE_TITLE)))  # shown as text
    assert not soup.find_all(["script", "img", "iframe", "object", "embed", "link", "form"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]


def test_html_highlights_and_links_every_figure(report: Report, built: Built) -> None:
    page = render(report, "html")
    soup = BeautifulSoup(page, "lxml")
    figures = soup.select(".article a.fig")
    assert [a["data-claim"] for a in figures] == [c.id for c in report.run.claims]
    for a in figures:
        figure = report.figure(a["data-claim"])
        assert a["data-verdict"] == figure.verdict and f"v-{figure.verdict}" in a["class"]
        assert a.get_text().startswith(figure.claim.text)
        assert VERDICT_LOOKS[figure.verdict].symbol in a.select_one(".badge").get_text()
        target = soup.find(id=a["href"].removeprefix("#"))
        assert target is not None
        back = target if target.name == "a" else target.find("a", href=f"#fig-{figure.id}")
        assert back is not None and back["href"] == f"#fig-{figure.id}"
    worthy = [c for c in report.run.claims if c.checkworthy]
    assert len(soup.select("section.claim")) == len(worthy)
    corrected = soup.find(id=f"fig-{built.ids['2次']}")
    assert "→ 3次" in corrected.get_text()
    legend = soup.select_one("#legend").get_text()
    looks = [*VERDICT_LOOKS.values(), *FINDING_LOOKS.values()]
    assert all(look.label in legend and look.symbol in legend for look in looks)
    assert article_html(report) in page and report_css() in page  # public, for the web desk


def test_html_marks_the_findings_a_figure_takes_part_in(tampered: Report) -> None:
    soup = BeautifulSoup(render(tampered, "html"), "lxml")
    failing = next(f for f in tampered.run.findings if f.status == "fail")
    thirteen = soup.select_one(f'.article a.fig[data-claim="{_claim("13個", tampered)}"]')
    # Its own verdict is supported: highlighted green, labelled supported, not "flagged".
    assert thirteen["data-verdict"] == "supported" and "v-supported" in thirteen["class"]
    assert thirteen["data-finding"] == "fail" and thirteen["data-findings"] == failing.id
    assert "supported" in thirteen["aria-label"] and failing.id in thirteen["aria-label"]
    mark = thirteen.find_next_sibling("a")
    assert mark["class"] == ["mark", "m-fail"] and mark["href"] == f"#f-{failing.id}"
    assert mark.get_text() == FINDING_LOOKS["fail"].symbol + failing.id
    assert soup.find(id=f"f-{failing.id}").name == "tr"
    marks = soup.select(".article a.mark")
    assert len(marks) == sum(len(f.status.findings) for f in tampered.figures)
    assert "flagged" not in soup.select_one(".article").get_text()


def _claim(text: str, report: Report) -> str:
    return next(f.id for f in report.figures if f.claim.text == text)


def test_needs_attention_lists_each_finding_once(tampered: Report) -> None:
    soup = BeautifulSoup(render(tampered, "html"), "lxml")
    entries = soup.select("ul.attention > li")
    failing = next(f for f in tampered.run.findings if f.status == "fail")
    text = [li.get_text(" ", strip=True) for li in entries]
    assert sum(failing.message in t for t in text) == 1  # one entry, not one per figure
    group = entries[0]
    assert [a.get_text() for a in group.find("ul").find_all("a")] == [
        "128個",
        "13個",
        "31個",
        "85個",
    ]
    assert "✓ supported" in group.get_text() and "✗ contradicted" in group.get_text()
    assert "✗ contradicted" in text[1] and "85個" in text[1]  # then the contradicted figure
    unverified = tampered.counts.verdicts["unverified"]
    assert text[-1].startswith(f"? {unverified} unverified")  # then the unverified, as one
    assert len(entries) == 3
    md = render(tampered, "md")
    attention = md.split("## Needs attention")[1].split("## Figures")[0]
    assert attention.count(md_escape(failing.message)) == 1
    assert f"? {unverified} unverified" in attention


def test_html_is_self_contained_and_links_only_to_the_web(report: Report) -> None:
    soup = BeautifulSoup(render(report, "html"), "lxml")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert csp == CSP and "default-src 'none'" in csp and "script-src" not in csp
    assert "style-src 'unsafe-inline'" in csp and "img-src data:" in csp
    assert not soup.select("[src]") and "url(" not in soup.style.get_text()
    external = [a for a in soup.find_all("a") if not a["href"].startswith("#")]
    assert external, "evidence links are missing"
    for a in external:
        assert a["href"].startswith(("http://", "https://"))
        assert a["rel"] == ["noopener", "noreferrer", "nofollow"]
    # the hostile page was ingested from a file: its URL is shown, never a link
    assert "hostile.html" in soup.get_text()
    assert not soup.find("a", href=re.compile("^file:"))


def _synthetic_report(url: str, title: str) -> Report:
    text = "标题\n去年共有5个<b>团伙</b>。"
    at = text.index("5个")
    claim = StoredClaim(
        "c1", at, at + 2, "5个", "count", 5, "个", "团伙", True, "去年共有5个<b>团伙</b>。",
        "supported", "ok",
        [{"url": url, "title": title, "published": "2019-01-01", "source": "s", "text": "5个"}],
        {"url": url, "title": title, "published": "2019-01-01", "source": "s"},
    )  # fmt: skip
    run = StoredRun("r1", "a.txt", "/tmp/a.txt", None, "2019-05-01T00:00:00", text, [claim], [])
    return report_of(run, [], {"s": "Pub"})


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>1</script>",
     "file:///etc/passwd", "http:/no-host", "https://ex.ample/\x00x", "//ex.ample/x"],
)  # fmt: skip
def test_only_http_urls_become_links(url: str) -> None:
    assert safe_url(url) is None
    report = _synthetic_report(url, "t")
    soup = BeautifulSoup(render(report, "html"), "lxml")
    assert not [a for a in soup.find_all("a") if not a["href"].startswith("#")]
    assert "](" not in render(report, "md")
    reviews = render(report, "claimreview", base_url=REVIEW_URL, author="Desk")
    first = json.loads(reviews)[0]["itemReviewed"]["firstAppearance"]
    assert "url" not in first and first["headline"] == "t"


def test_html_escapes_attributes_and_the_article() -> None:
    report = _synthetic_report("https://ex.ample/a?b=1&c=\"'><x", '" onmouseover="x')
    page = render(report, "html")
    soup = BeautifulSoup(page, "lxml")
    assert "&lt;b&gt;团伙&lt;/b&gt;" in page and not soup.find("b", string="团伙")
    link = soup.find("a", rel=True)
    assert link["href"] == "https://ex.ample/a?b=1&c=\"'><x"  # one attribute, intact
    assert not [t for t in soup.find_all(True) if "onmouseover" in t.attrs]
    assert [a["data-claim"] for a in soup.select(".article a.fig")] == ["c1"]


# --- Markdown, JSON, ClaimReview ----------------------------------------------------------------


def test_markdown_escapes_scraped_text(report: Report) -> None:
    text = render(report, "md")
    assert "&lt;script&gt;" in text and "<script" not in text and "<img" not in text
    assert "&lt;i&gt;counted&lt;/i&gt; \\| elsewhere" in text  # the reviewer's note, escaped
    table = [line for line in text.splitlines() if line.startswith("| c")]
    worthy = [c for c in report.run.claims if c.checkworthy]
    assert [line.split(" | ")[0].removeprefix("| ") for line in table] == [c.id for c in worthy]
    assert all(line.count(" | ") == 6 for line in table)  # no cell broke the table
    assert (
        md_escape("a|b*c_[x](y)`~\\ <x>\n&") == "a\\|b\\*c\\_\\[x\\](y)\\`\\~\\\\ &lt;x&gt; &amp;"
    )


def test_json_has_every_claim_finding_and_review(report: Report, built: Built) -> None:
    text = render(report, "json")
    assert "<" not in text  # safe to paste into a <script type="application/ld+json"> block
    data = json.loads(text)
    assert [c["id"] for c in data["claims"]] == [c.id for c in report.run.claims]
    assert [f["id"] for f in data["findings"]] == [f.id for f in report.run.findings]
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id[built.ids["128"]]["origin"]["title"] == HOSTILE_TITLE
    assert by_id[built.ids["2次"]]["status"]["verdict"] == "corrected"
    assert by_id[built.ids["2次"]]["rating"] == {"value": 1, "name": "False"}
    items = {i["id"]: i for i in data["review_items"]}
    dismissed = items[built.ids["9次"]]
    assert dismissed["state"] == "dismiss" and dismissed["history"][0]["reviewer"] == "ana"
    assert data["summary"]["review"]["dismissed"] == 1
    assert data["run"]["run_id"] == built.run_id and data["run"]["url"] is None
    assert list(data["verdicts"]) == list(VERDICTS)


def test_every_format_shows_the_same_counts(tampered: Report) -> None:
    """One run in every format: the counts read back from each equal status.run_counts."""
    counts = run_counts(tampered.run, tampered.items)
    assert counts == tampered.counts
    line = counts.line()
    worthy = {v: n for v, n in counts.verdicts.items() if v != "non-claim"}
    assert counts.verdicts["contradicted"] == 1 and counts.standing["fail"] == 1  # not vacuous

    soup = BeautifulSoup(render(tampered, "html"), "lxml")
    shown = soup.select_one("#counts")
    assert json.loads(shown["data-counts"]) == counts.record()
    assert shown.get_text() == line
    cards = {
        c["class"][1].removeprefix("v-"): int(c.b.get_text())
        for c in soup.select(".card")
        if c["class"][1].startswith("v-")
    }
    assert cards == counts.verdicts
    in_article = Counter(a["data-verdict"] for a in soup.select(".article a.fig"))
    assert {v: in_article.get(v, 0) for v in VERDICTS} == counts.verdicts

    md = render(tampered, "md")
    assert f"- Counts: {md_escape(line)}" in md.splitlines()
    verdicts_line = next(x for x in md.splitlines() if x.startswith("- Verdicts: "))
    label = {look.label: key for key, look in VERDICT_LOOKS.items()}
    parsed = {
        label[m[2]]: int(m[1])
        for m in re.finditer(r"(\d+) \S+ ([^,]+)", verdicts_line.removeprefix("- Verdicts: "))
    }
    assert parsed == counts.verdicts

    data = json.loads(render(tampered, "json"))
    assert data["summary"] == counts.record() and data["counts_line"] == line

    reviews = json.loads(render(tampered, "claimreview", base_url=REVIEW_URL, author="Desk"))
    by_verdict = Counter(r["reviewRating"]["ratingExplanation"].split(":")[0] for r in reviews)
    assert {v: by_verdict.get(v, 0) for v in worthy} == worthy
    ratings = Counter(r["reviewRating"]["alternateName"] for r in reviews)
    assert ratings["Accurate"] == counts.verdicts["supported"]
    assert ratings["False"] == counts.verdicts["contradicted"] + counts.verdicts["corrected"]


def test_claimreview_has_what_google_requires(report: Report, built: Built) -> None:
    text = render(report, "claimreview", base_url=REVIEW_URL, author="factcheck desk")
    assert "<" not in text
    reviews = json.loads(text)
    worthy = [c for c in report.run.claims if c.checkworthy]
    assert len(reviews) == len(worthy)
    names = {r.name: r.value for r in RATINGS.values()}
    for review, claim in zip(reviews, worthy, strict=True):
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["url"] == f"{REVIEW_URL}#c-{claim.id}"
        assert claim.text in review["claimReviewed"] and len(review["claimReviewed"]) <= 75
        rating = review["reviewRating"]
        assert (
            rating["@type"] == "Rating" and names[rating["alternateName"]] == rating["ratingValue"]
        )
        assert (rating["worstRating"], rating["bestRating"]) == (WORST_RATING, BEST_RATING)
        assert review["author"] == {"@type": "Organization", "name": "factcheck desk"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", review["datePublished"])
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["datePublished"] == "2019-04-15"
        assert "appearance" not in item  # the run has no published URL: no file:// stand-in
        if claim.verdict == "supported":
            first = item["firstAppearance"]
            assert first["@type"] == "CreativeWork" and first["headline"] == claim.origin["title"]
            assert first["datePublished"] == claim.origin["published"]
            assert first["publisher"]["name"]
            if claim.origin["url"].startswith("http"):
                assert first["url"] == claim.origin["url"]
        else:
            assert "firstAppearance" not in item
    by_url = {r["url"].split("#c-")[1]: r for r in reviews}
    first = by_url[built.ids["128"]]["itemReviewed"]["firstAppearance"]
    assert first["headline"] == HOSTILE_TITLE and first["publisher"]["name"] == HOSTILE_PUBLISHER
    corrected = by_url[built.ids["2次"]]["reviewRating"]
    assert corrected["alternateName"] == "False" and "3次" in corrected["ratingExplanation"]
    assert by_url[built.ids["2次"]]["dateModified"]


def test_claimreview_of_a_supported_part_of_a_failing_sum(tampered: Report) -> None:
    reviews = json.loads(
        render(tampered, "claimreview", base_url=REVIEW_URL + "#top", author="Desk")
    )
    failing = next(f for f in tampered.run.findings if f.status == "fail")
    by_id = {r["url"].split("#c-")[1]: r for r in reviews}
    thirteen = by_id[_claim("13個", tampered)]
    rating = thirteen["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (5, "Accurate")
    assert rating["ratingExplanation"].startswith("supported: ")
    assert f"takes part in failing finding {failing.id}" in rating["ratingExplanation"]
    assert thirteen["url"] == f"{REVIEW_URL}#c-{_claim('13個', tampered)}"
    appearance = thirteen["itemReviewed"]["appearance"]
    assert appearance == [
        {
            "@type": "CreativeWork",
            "url": ARTICLE_URL,
            "headline": tampered.headline,
            "datePublished": "2019-04-15",
        }
    ]
    eighty_five = by_id[_claim("85個", tampered)]["reviewRating"]
    assert (eighty_five["alternateName"], eighty_five["ratingValue"]) == ("False", 1)
    assert eighty_five["ratingExplanation"].startswith("contradicted: official-fixture")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"author": "Desk"}, "needs --base-url"),
        ({"base_url": "not-a-url", "author": "Desk"}, "needs --base-url"),
        ({"base_url": "http://desk.example/r.html", "author": "Desk"}, "https://"),
        ({"base_url": "javascript:alert(1)", "author": "Desk"}, "needs --base-url"),
        ({"base_url": REVIEW_URL}, "needs --author"),
        ({"base_url": REVIEW_URL, "author": "  "}, "needs --author"),
        ({"base_url": REVIEW_URL, "author": "Desk\nInjected"}, "needs --author"),
        ({"base_url": REVIEW_URL, "author": "Desk", "author_url": "ftp://x"}, "author's URL"),
        ({"base_url": REVIEW_URL, "author": "Desk", "article_url": "file:///a"}, "article's URL"),
    ],
)
def test_claimreview_refuses_what_google_cannot_use(
    report: Report, options: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as raised:
        render(report, "claimreview", **options)
    assert "\n" not in str(raised.value)


def test_claimreview_options(report: Report) -> None:
    reviews = json.loads(
        render(report, "claimreview", base_url=REVIEW_URL, author=" Desk ",
               author_url="https://desk.example/", claim_author="山西日报",
               article_url="https://news.example/a.html")
    )  # fmt: skip
    desk = {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"}
    assert reviews[0]["author"] == desk
    assert reviews[0]["itemReviewed"]["author"]["name"] == "山西日报"
    appearance = reviews[0]["itemReviewed"]["appearance"][0]
    assert appearance["url"] == "https://news.example/a.html"
    assert appearance["author"]["name"] == "山西日报"
    assert render(report, "html", base_url="ignored", author=None)  # other formats ignore them


def test_claim_summary_is_the_clause_of_the_figure(report: Report, built: Built) -> None:
    claim = next(c for c in report.run.claims if c.id == built.ids["128"])
    assert claim_summary(report.run, claim) == "太原市共打掉涉黑涉惡犯罪團伙128個"
    long = next(c for c in report.run.claims if c.text == "1月31日")
    assert len(claim_summary(report.run, long, limit=20)) <= 20


# --- headless Chromium ------------------------------------------------------------------------


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install chromium"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def test_chromium_runs_nothing_from_a_scraped_page(
    report: Report, html_file: Path, tmp_path: Path
) -> None:
    # The detector works: the same payload pasted raw into a page without the policy runs.
    control = tmp_path / "control.html"
    control.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>ok</title></head>"
        f"<body><b>{HOSTILE_TITLE}</b></body></html>",
        encoding="utf-8",
    )
    raw = BeautifulSoup(
        chromium("--dump-dom", control.as_uri(), tmp=tmp_path / "u0").stdout, "lxml"
    )
    assert raw.title.get_text() == "pwned"

    dom = chromium("--dump-dom", html_file.as_uri(), tmp=tmp_path / "u1").stdout
    soup = BeautifulSoup(dom, "lxml")
    assert soup.title.get_text() == f"factcheck report: {Path(report.run.article).name}"
    assert "pwned" not in soup.title.get_text()
    assert not soup.find_all(["script", "img", "iframe", "object", "embed"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert soup.find(string=re.compile(re.escape(HOSTILE_TITLE)))
    figures = soup.select(".article a.fig")
    assert [(a["data-claim"], a["data-verdict"]) for a in figures] == [
        (f.id, f.verdict) for f in sorted(report.figures, key=lambda f: f.claim.start)
    ]
    static = BeautifulSoup(html_file.read_text(encoding="utf-8"), "lxml")
    assert len(soup.find_all(True)) == len(static.find_all(True))  # nothing was injected


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit, non-interlaced RGB or RGBA PNG (as Chromium
    writes them); alpha is dropped."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + size]
        pos += size + 12
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat.append(chunk)
    raw = zlib.decompress(b"".join(idat))
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    low7 = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")
    rows, prev = [], bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        kind_ = raw[base]
        line = bytearray(raw[base + 1 : base + 1 + stride])
        if kind_ == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind_ == 2:  # bytewise addition without carries, on whole rows at once
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = bytearray((((a & low7) + (b & low7)) ^ ((a ^ b) & high)).to_bytes(stride, "big"))
        elif kind_ == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind_ == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
    return width, height, rows


def runs_of(row: bytes, colour: bytes) -> list[tuple[int, int]]:
    """Pixel runs [start, end) of exactly this colour in an RGB row."""
    found = []
    for m in re.finditer(b"(?:" + re.escape(colour) + b")+", row):
        if m.start() % 3 == 0:
            found.append((m.start() // 3, m.end() // 3))
    return found


def article_rows(rows: list[bytes]) -> list[int]:
    """Rows crossing the article's box: long runs of its background colour."""
    paper = bytes.fromhex(ARTICLE_BACKGROUND[1:])
    return [y for y, row in enumerate(rows) if any(e - s > 300 for s, e in runs_of(row, paper))]


def blobs(rows: list[bytes], colour: bytes, top: int, bottom: int, min_area: int) -> int:
    """Connected areas of one colour between two rows, at least min_area pixels each."""
    parent: dict[int, int] = {}
    area: dict[int, int] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    previous: list[tuple[int, int, int]] = []
    label = 0
    for y in range(top, bottom):
        current = []
        for start, end in runs_of(rows[y], colour):
            label += 1
            parent[label], area[label] = label, end - start
            for s, e, other in previous:
                if s < end and start < e:
                    a, b = root(label), root(other)
                    if a != b:
                        parent[b] = a
                        area[a] += area[b]
            current.append((start, end, label))
        previous = current
    return sum(1 for i in parent if parent[i] == i and area[i] >= min_area)


def test_chromium_screenshot_shows_every_figure_highlighted(
    report: Report, html_file: Path, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    chromium(
        f"--screenshot={shot}", "--window-size=1280,2000", html_file.as_uri(), tmp=tmp_path / "u1"
    )
    assert shot.stat().st_size > 50_000
    width, height, rows = read_png(shot)
    assert (width, height) == (1280, 2000)
    everything = b"".join(rows)
    for look in (*VERDICT_LOOKS.values(), *FINDING_LOOKS.values()):  # the legend shows them all
        assert bytes.fromhex(look.background[1:]) in everything, look.key

    # The whole article in one taller screenshot: count the highlighted areas inside its box.
    full = ARTIFACTS / "report-article.png"
    chromium(
        f"--screenshot={full}", "--window-size=1280,4200", html_file.as_uri(), tmp=tmp_path / "u2"
    )
    width, height, rows = read_png(full)
    inside = article_rows(rows)
    assert inside, "the article box is not in the screenshot"
    top, bottom = inside[0], inside[-1]
    assert bottom < height - 20, (
        "the article does not fit in the screenshot: make the window taller"
    )
    verdicts = report.counts.verdicts
    for look in VERDICT_LOOKS.values():
        found = blobs(rows, bytes.fromhex(look.background[1:]), top, bottom + 1, min_area=120)
        if verdicts[look.key]:  # a figure broken over two lines shows as two areas
            assert verdicts[look.key] <= found <= 2 * verdicts[look.key], (look.key, found)
        else:
            assert found == 0, (look.key, found)
    shutil.copy(html_file, ARTIFACTS / "report.html")


def test_chromium_screenshot_of_a_flagged_run(tampered: Report, tmp_path: Path) -> None:
    page = tmp_path / "tampered.html"
    page.write_text(render(tampered, "html"), encoding="utf-8")
    shot = ARTIFACTS / "report-flagged.png"
    ARTIFACTS.mkdir(exist_ok=True)
    chromium(f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri(), tmp=tmp_path / "u")
    _, _, rows = read_png(shot)
    inside = article_rows(rows)
    top, bottom = inside[0], inside[-1] + 1

    def areas(look_key: str, looks: dict[str, Look] = VERDICT_LOOKS) -> int:
        return blobs(rows, bytes.fromhex(looks[look_key].background[1:]), top, bottom, 40)

    # 128, 13, 31 and 85 of the failing sum are in the part of the article on screen: each
    # carries the sum's marker, 85 is highlighted as contradicted, the others as supported.
    assert areas("fail", FINDING_LOOKS) == 4
    assert areas("contradicted") == 1
    assert areas("supported") >= 4  # 128 (twice, with the headline), 13, 31
    shutil.copy(page, ARTIFACTS / "report-flagged.html")


def _browser_pages(paths: list[Path], width: int, height: int) -> list[dict[str, Any]]:
    """Each page opened in headless Chromium (Debian's, through Playwright) at this viewport:
    its widths, the elements sticking out of the viewport, and a screenshot beside it."""
    from playwright.sync_api import sync_playwright

    measured = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for path in paths:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(path.as_uri())
                measured.append(
                    page.evaluate(
                        """() => ({
                        scrollWidth: document.documentElement.scrollWidth,
                        innerWidth: window.innerWidth,
                        wide: [...document.querySelectorAll('body *')]
                            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                            .map(e => e.tagName + '.' + e.className).slice(0, 5)})"""
                    )
                )
                page.screenshot(path=str(path.with_suffix(f".{width}.png")))
                page.close()
        finally:
            browser.close()
    return measured


def test_the_report_fits_a_phone(report: Report, tampered: Report, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    paths = []
    for name, shown in (("report", report), ("report-flagged", tampered)):
        paths.append(tmp_path / f"{name}.html")
        paths[-1].write_text(render(shown, "html"), encoding="utf-8")
    for path, measured in zip(paths, _browser_pages(paths, 390, 2000), strict=True):
        assert measured["innerWidth"] == 390
        assert measured["scrollWidth"] <= 390 and not measured["wide"], (path.name, measured)
        shutil.copy(path.with_suffix(".390.png"), ARTIFACTS / f"{path.stem}-390.png")
    # Evidence tables become blocks, each cell under its column's name.
    soup = BeautifulSoup(paths[0].read_text(encoding="utf-8"), "lxml")
    cells = soup.select("table.stack td")
    assert cells and all(td.get("data-label") for td in cells)


def pdf_pages(pdf: Path) -> int:
    """Pages of a PDF as Chromium writes it: one /Type /Page object each."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def test_the_report_prints_compactly(tampered: Report, tmp_path: Path) -> None:
    page = tmp_path / "tampered.html"
    page.write_text(render(tampered, "html"), encoding="utf-8")
    pdf = tmp_path / "tampered.pdf"
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp=tmp_path / "u")
    pages = pdf_pages(pdf)
    # 34 pages before the print stylesheet; 15 with it (with fonts-wqy-zenhei).
    assert 5 <= pages <= 20, pages
    print_rules = report_css().split("@media print{", 1)[1]
    for hidden in (".cards", ".legend-note", ".snippet", ".back"):
        assert hidden in print_rules.split("{display:none}")[0]
    assert "break-inside:avoid" in print_rules


def test_report_command_writes_html_and_prints_other_formats(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parent.parent)  # this checkout, whatever the cwd
    env = {**os.environ, "FACTCHECK_DB": str(tmp_path / "f.db"), "COLUMNS": "200",
           "PYTHONPATH": root}  # fmt: skip

    def factcheck(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    assert factcheck("run", str(TAIYUAN), "--published", "2019-04-15").returncode == 0
    html = factcheck("report")
    assert html.returncode == 0, html.stderr
    written = list((tmp_path / "factcheck-reports").glob("taiyuan-2019-*.html"))
    assert len(written) == 1 and str(written[0].relative_to(tmp_path)) in html.stdout
    assert "Content-Security-Policy" in written[0].read_text(encoding="utf-8")
    md = factcheck("report", "--format", "md")
    assert md.returncode == 0 and "128" in md.stdout
    reviews = factcheck("report", "--format", "claimreview", "--output", "cr.jsonld",
                        "--base-url", REVIEW_URL, "--author", "Shanxi Desk")  # fmt: skip
    assert reviews.returncode == 0, reviews.stderr
    assert json.loads((tmp_path / "cr.jsonld").read_text(encoding="utf-8"))
    refused = factcheck("report", "--format", "claimreview", "--base-url", "not-a-url")
    assert refused.returncode == 2 and "needs --base-url" in refused.stderr
    anonymous = factcheck("report", "--format", "claimreview", "--base-url", REVIEW_URL)
    assert anonymous.returncode == 2 and "needs --author" in anonymous.stderr
    bad = factcheck("report", "--format", "pdf")
    assert bad.returncode == 2 and "is not one of" in bad.stderr
