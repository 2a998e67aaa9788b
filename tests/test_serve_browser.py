"""The review desk in a real browser: Playwright driving Debian's Chromium against a server on
127.0.0.1. Check an article, walk its items with the keyboard, dismiss one with a note, correct
one, reload, open the evidence, download the HTML report; screenshots at 1280 and 390 px wide go
to tests/artifacts/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_site import ARTIFACTS, build_desk_db, serving, tampered_text
from playwright.sync_api import Browser, Page, expect, sync_playwright

from factcheck.review import review_items
from factcheck.runs import load_run
from factcheck.storage import Database

CURRENT = re.compile(r"\bcurrent\b")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package, no download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    built = build_desk_db(tmp_path_factory.mktemp("browser"), nlp)
    with serving(built.path) as (url, _):
        yield url, built.path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    # A script or style refused by the Content-Security-Policy is logged as a console error.
    assert problems == []


def current_item(page: Page) -> str:
    return str(page.locator("article.item.current").get_attribute("data-item"))


def test_review_an_article_in_the_browser(desk: tuple[str, Path], page: Page) -> None:
    url, db_path = desk
    page.goto(url + "/check")
    page.fill("header input[name=reviewer]", "Ana")
    page.click("header form.reviewer button")
    expect(page.locator("header input[name=reviewer]")).to_have_value("Ana")

    # Check an article: the result page appears when the check is done.
    page.fill("textarea[name=text]", tampered_text())
    page.fill("input[name=published]", "2019-04-15")
    page.fill("input[name=url]", "https://example.com/taiyuan-2019")
    page.click("button.primary")
    page.wait_for_url(f"{url}/runs/*")
    run_id = page.url.rsplit("/", 1)[1].split("#")[0]
    expect(page.locator("#status")).to_contain_text("flagged")
    items = page.locator("article.item")
    ids = [str(items.nth(n).get_attribute("data-item")) for n in range(items.count())]
    assert len(ids) >= 4

    # Walk the items with the keyboard.
    page.keyboard.press("j")
    assert current_item(page) == ids[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current_item(page) == ids[2]
    page.keyboard.press("k")
    assert current_item(page) == ids[1]

    # Correct the current item (the contradicted 85, the bulletin says 84): x, value, Tab, note.
    corrected = current_item(page)
    page.keyboard.press("x")
    expect(page.locator(f"#item-{corrected} form.d-correct input[name=value]")).to_be_focused()
    page.keyboard.type("84个")
    page.keyboard.press("Tab")
    page.keyboard.type("公告为84个")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(f"#item-{corrected} .state")).to_have_text("corrected")

    # The page comes back at the item that came after it, so the walk goes on: dismiss it with a
    # note (d, type, Enter), then confirm the one after (c).
    dismissed, confirmed = ids[2], ids[3]
    expect(page.locator(f"#item-{dismissed}")).to_have_class(CURRENT)
    page.keyboard.press("d")
    expect(page.locator(f"#item-{dismissed} form.d-dismiss input[name=note]")).to_be_focused()
    page.keyboard.type("会议纪要另有记载")
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{dismissed} .state")).to_have_text("dismissed")
    expect(page.locator(f"#item-{confirmed}")).to_have_class(CURRENT)
    page.keyboard.press("c")
    expect(page.locator(f"#item-{confirmed} .state")).to_have_text("confirmed")

    # Reload: the decisions are there, with who and the note.
    page.reload()
    expect(page.locator(f"#item-{dismissed} ol.history")).to_contain_text("会议纪要另有记载")
    expect(page.locator(f"#item-{dismissed} ol.history")).to_contain_text("by Ana")
    expect(page.locator(f"#item-{corrected} ol.history")).to_contain_text("→ 84个")
    db = Database(db_path)
    trail = {i.id: i for i in review_items(db, load_run(db, run_id))}
    db.close()
    assert trail[dismissed].state == "dismiss" and trail[dismissed].latest.reviewer == "Ana"  # type: ignore[union-attr]
    assert trail[confirmed].state == "confirm"
    assert [c.text for c in trail[corrected].claims] == ["85個"]
    assert trail[corrected].state == "correct" and trail[corrected].latest.value == "84个"  # type: ignore[union-attr]

    # A figure in the article opens its card and selects its item.
    figure = page.locator(f"a.fig[data-claim='{trail[corrected].claims[0].id}']")
    figure.click()
    expect(page.locator(f"#c-{trail[corrected].claims[0].id}")).to_be_visible()
    assert current_item(page) in [v.id for v in trail.values() if any(
        c.id == trail[corrected].claims[0].id for c in v.claims)]  # fmt: skip

    # A finding's mark after a figure (⚑f1) selects the finding's item.
    mark = page.locator(".reading a.mark").first
    finding = str(mark.get_attribute("href")).removeprefix("#f-")
    mark.click()
    assert current_item(page) == finding

    page.goto(f"{url}/runs/{run_id}#item-{corrected}")
    screenshots(page, "serve-article")

    # Download the HTML report: it carries the decisions.
    with page.expect_download() as info:
        page.click(".downloads a:text-is('html')")
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename.endswith(f"{run_id}.html")
    assert "会议纪要另有记载" in report and "公告为84个" in report

    # Open the evidence of an item that has some (e): the bulletin with its fact marked.
    with_evidence = page.locator("article.item:has(a.doc)").first
    wanted = str(with_evidence.get_attribute("data-item"))
    while current_item(page) != wanted:
        page.keyboard.press("k" if ids.index(current_item(page)) > ids.index(wanted) else "j")
    page.keyboard.press("e")
    page.wait_for_url(f"{url}/documents/*")
    fact = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"mark.fact#{fact}")).to_be_visible()
    expect(page.locator("h1")).not_to_be_empty()
    page.screenshot(path=str(ARTIFACTS / "serve-document-1280.png"))


def screenshots(page: Page, name: str) -> None:
    """The page at 1280 and 390 px wide; at 390 nothing may stick out sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)  # one layout after the resize
    page.screenshot(path=str(ARTIFACTS / f"{name}-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_runs_page_and_bulletins_in_the_browser(desk: tuple[str, Path], page: Page) -> None:
    url, _ = desk
    page.goto(url + "/")
    expect(page.locator("table.runs tbody tr").first).to_be_visible()
    page.select_option("select[name=status]", "flagged")
    page.click("form.filters button")
    assert "status=flagged" in page.url
    assert all(s == "flagged" for s in page.locator("table.runs .pill").all_inner_texts())
    page.set_viewport_size({"width": 1280, "height": 700})
    screenshots(page, "serve-runs")
    page.goto(url + "/bulletins?q=涉黑涉恶犯罪团伙")
    expect(page.locator("ol.hits li").first).to_be_visible()
    expect(page.locator("table.sources")).to_contain_text("official-fixture")
    screenshots(page, "serve-bulletins")
