"""Matching the first article against made-up bulletins served by a real HTTP server and fetched.

The pages and what a correct matcher concludes are in tests/fixtures/bulletins/EXPECTED.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TAIYUAN
from fixture_site import BULLETINS, FixtureSite, fetch_bulletins

from factcheck.claims import extract_claims
from factcheck.documents import DocumentLibrary
from factcheck.fetching import PoliteClient
from factcheck.matching import Matcher, period_end, places_compatible
from factcheck.run import Analysis, analyse_text, run_article
from factcheck.sources import Limits, Source
from factcheck.storage import Database

PAGE = {
    1: "/official/201903/t20190305_1001.html",
    2: "/official/201904/t20190412_1002.html",
    3: "/official/201903/t20190320_1003.html",
    4: "/official/201903/t20190328_1004.html",
    5: "/media/201904/t20190416_2001.html",
    6: "/media/201904/t20190420_2002.html",
    7: "/official/201904/t20190408_1005.html",
    8: "/official/201902/t20190226_1006.html",
    9: "/official/201904/t20190410_1007.html",
}
# claim near-text in the article → (verdict, supporting pages in trace order, origin page, drift)
EXPECTED = {
    "共打掉涉黑涉惡犯罪團伙128個": ("supported", [1, 4, 5], 1, [6]),
    "犯罪組織13個": ("supported", [1], 1, []),
    "犯罪集團31個": ("supported", [1], 1, []),
    "犯罪團伙84個": ("supported", [1], 1, []),
    "同比下降19.3%": ("supported", [2, 5], 2, []),
    "警情下降31.3%": ("supported", [2], 2, []),
    "立案下降16.9%": ("supported", [2], 2, []),
    "上升10%": ("supported", [2], 2, []),
    "下降50%": ("supported", [2], 2, []),
    "問題12個": ("supported", [4], 4, []),
    "處理53人": ("supported", [4], 4, []),
    "移送4名": ("unverified", [], None, []),
    "90多名": ("unverified", [], None, []),
    "村幹部87人": ("unverified", [], None, []),
    "43條": ("unverified", [], None, []),
}


@pytest.fixture(scope="module")
def bulletin_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    path = tmp_path_factory.mktemp("bulletins") / "f.db"
    with FixtureSite(root=BULLETINS) as site:
        library = DocumentLibrary(Database(path))
        fetch_bulletins(library, site)
        yield path, site.base


@pytest.fixture(scope="module")
def analysis(bulletin_db: tuple[Path, str], nlp) -> Analysis:  # type: ignore[no-untyped-def]
    path, _ = bulletin_db
    result = run_article(
        TAIYUAN, published="2019-04-15", db=path, log_path=path.parent / "log.jsonl", nlp=nlp
    )
    return result.analysis


def claim_at(analysis: Analysis, near: str):  # type: ignore[no-untyped-def]
    text = TAIYUAN.read_text(encoding="utf-8")
    at = text.index(near)
    return next(c for c in analysis.claims if at <= c.start < at + len(near) and c.checkworthy)


def pages(urls: list[str], base: str) -> list[int]:
    by_path = {path: number for number, path in PAGE.items()}
    return [by_path[u.removeprefix(base)] for u in urls]


@pytest.mark.parametrize("near", EXPECTED, ids=list(EXPECTED))
def test_verdict_origin_repetitions_and_drift(analysis: Analysis, bulletin_db, near: str) -> None:  # type: ignore[no-untyped-def]
    _, base = bulletin_db
    verdict, supporting, origin, drift = EXPECTED[near]
    claim = claim_at(analysis, near)
    match = next(m for m in analysis.matches if m.claim == claim.id)
    assert match.verdict == verdict, match.why
    assert pages([e.url for e in match.evidence], base) == supporting
    assert (pages([match.origin.url], base)[0] if match.origin else None) == origin
    assert pages([e.url for e in match.drift], base) == drift
    assert match.why and "\n" not in match.why


def test_decoys_never_support_anything(analysis: Analysis, bulletin_db) -> None:  # type: ignore[no-untyped-def]
    _, base = bulletin_db
    decoys = {base + PAGE[n] for n in (3, 7, 8, 9)}
    for match in analysis.matches:
        assert not decoys & {e.url for e in match.evidence}, match.why
        assert not decoys & {e.url for e in match.drift}, match.why
        assert match.verdict != "contradicted"


def test_the_why_names_the_matched_measure(analysis: Analysis) -> None:
    match = next(m for m in analysis.matches if m.claim == claim_at(analysis, "問題12個").id)
    assert "涉黑涉恶腐败" in match.why  # not page 7's 12个重点生态修复项目


def test_contradiction_when_only_the_drifting_report_exists(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    with FixtureSite(root=BULLETINS) as site:
        library = DocumentLibrary(Database(tmp_path / "f.db"))
        source = Source(
            "media-fixture", "m", "media", [site.url("/media/index.html")], limits=Limits(delay=0.0)
        )
        library.fetch(source, client=PoliteClient(sleep=lambda s: None))
    library.db.db.execute(
        "DELETE FROM facts WHERE document_id IN (SELECT id FROM documents WHERE url NOT LIKE '%2002.html')"
    )
    analysis = analyse_text(TAIYUAN.read_text(encoding="utf-8"), "2019-04-15", nlp)
    claim = claim_at(analysis, "共打掉涉黑涉惡犯罪團伙128個")
    match = Matcher(library.db).match_claim(claim)
    assert match.verdict == "contradicted"
    assert "126" in match.why


def test_rules() -> None:
    assert period_end("2019-Q1") == "2019-03-31"
    assert period_end("2018") == "2018-12-31"
    assert period_end("2019-02") == "2019-02-28"
    assert period_end("2019-Q1/2019-Q3") == "2019-09-30"
    assert places_compatible("太原市", "太原") and places_compatible(None, "大同市")
    assert not places_compatible("太原市", "大同市")


def test_log_database_and_trace_command(bulletin_db) -> None:  # type: ignore[no-untyped-def]
    path, _ = bulletin_db
    env = {**os.environ, "COLUMNS": "200", "FACTCHECK_DB": str(path)}
    log = path.parent / "cli.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "factcheck", "run", str(TAIYUAN), "--published", "2019-04-15", "--log", str(log)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "No inconsistency found" in run.stdout and " 0 contradicted, " in run.stdout
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    matches = [r for r in records if r["type"] == "match"]
    assert len(matches) == records[-1]["checkworthy"]
    supported = next(r for r in matches if r["verdict"] == "supported")
    for field in ("document", "url", "title", "published", "source", "snippet", "value"):
        assert field in supported["evidence"][0] and field in supported["origin"]
    assert records[-1]["matches"]["supported"] >= 11
    stored = Database(path).rows("SELECT count(*) AS n FROM matches WHERE verdict = 'supported'")
    assert stored[0]["n"] >= 11
    traced = subprocess.run(
        [sys.executable, "-m", "factcheck", "trace", "128個"], env=env, capture_output=True, text=True, timeout=60
    )  # fmt: skip
    assert traced.returncode == 0, traced.stderr
    assert "origin" in traced.stdout and "drift" in traced.stdout and "126个" in traced.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "factcheck", "trace", "999個"], env=env, capture_output=True, text=True, timeout=60
    )  # fmt: skip
    assert missing.returncode == 2 and "no matched claim" in missing.stderr


def test_empty_database_says_how_to_fill_it(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "FACTCHECK_DB": str(tmp_path / "empty.db")}
    run = subprocess.run(
        [sys.executable, "-m", "factcheck", "run", str(TAIYUAN)], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0
    assert "No bulletins in the database yet" in run.stdout and "factcheck fetch" in run.stdout


def test_gold_verdicts_of_the_claim_sheet(analysis: Analysis) -> None:
    from factcheck.claim_sheets import load_sheet, verdict_agreement

    sheet = load_sheet(TAIYUAN.with_suffix(".yaml"))
    assert sum(1 for g in sheet.figures if g.verdict) == 39
    verdicts = {m.claim: m.verdict for m in analysis.matches}
    assert verdict_agreement(sheet, analysis.claims, verdicts) == []


# --- places and periods (issue 10): tests/fixtures/bulletins/places, every page made up ----------

PLACES = BULLETINS / "places"
PLACE_SOURCES = {  # folder → (tier, place: the jurisdiction of the made-up site)
    "taiyuan-gov": ("official", "太原市"),
    "taiyuan-media": ("media", None),
    "datong-gov": ("official", "大同市"),
    "shanxi-gov": ("official", "山西省"),
    "xiaodian-gov": ("official", "太原市小店区"),
}


def _ingest_places(path: Path, folders: list[str] | None = None) -> DocumentLibrary:
    library = DocumentLibrary(Database(path))
    for folder, (tier, place) in PLACE_SOURCES.items():
        if folders is None or folder in folders:
            source = Source(folder, folder, tier, ["http://example.invalid/"], place=place)
            report = library.ingest([PLACES / folder], source)
            assert report.failed == 0
    return library


@pytest.fixture(scope="module")
def places_matches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    library = _ingest_places(tmp_path_factory.mktemp("places") / "f.db")
    claims = extract_claims((PLACES / "article.txt").read_text(encoding="utf-8"), "2019-04-20")
    matches = {m.claim: m for m in Matcher(library.db).match(claims)}
    return {c.text: matches[c.id] for c in claims if c.id in matches}


def _folders(evidence: list[Any]) -> list[str]:
    return [e.source for e in evidence]


def test_bulletin_period_in_the_first_clause_and_its_place_from_the_site(places_matches) -> None:  # type: ignore[no-untyped-def]
    match = places_matches["19.3%"]
    assert match.verdict == "supported", match.why
    assert _folders(match.evidence) == ["taiyuan-gov"]
    assert "place 太原, period 2019-Q1, measure 刑事类警情" in match.why
    assert "?" not in match.why


def test_another_value_for_the_same_place_and_period_contradicts(places_matches) -> None:  # type: ignore[no-untyped-def]
    match = places_matches["50%"]
    assert match.verdict == "contradicted", match.why
    assert _folders(match.drift) == ["taiyuan-gov"]
    assert "40%" in match.why and "place 太原, period 2019-Q1, measure 群体性事件" in match.why


def test_a_later_smaller_cumulative_total_is_drift_and_the_reporter_repeats(places_matches) -> None:  # type: ignore[no-untyped-def]
    match = places_matches["128个"]
    assert match.verdict == "supported", match.why
    assert _folders(match.evidence) == ["taiyuan-gov", "taiyuan-media"]
    assert [e.published for e in match.evidence] == ["2019-03-08", "2019-03-20"]
    assert [(e.source, e.published, e.text) for e in match.drift] == [
        ("taiyuan-gov", "2019-05-10", "126个")
    ]
    assert "126个 on 2019-05-10 after 128个 on 2019-03-08" in match.why


def test_a_scope_qualifier_must_match(places_matches) -> None:  # type: ignore[no-untyped-def]
    match = places_matches["6%"]
    assert match.verdict == "unverified", match.why
    assert "another measure (规模以上工业增加值)" in match.why


def test_decoys_of_another_city_the_province_a_district_and_the_year_before(places_matches) -> None:  # type: ignore[no-untyped-def]
    for match in places_matches.values():
        for evidence in match.evidence + match.drift:
            assert evidence.source in ("taiyuan-gov", "taiyuan-media"), match.why
            assert evidence.published.startswith("2019"), match.why


def test_only_the_later_smaller_total_contradicts(tmp_path: Path) -> None:
    library = _ingest_places(tmp_path / "f.db", ["datong-gov", "shanxi-gov", "xiaodian-gov"])
    library.ingest([PLACES / "taiyuan-gov" / "2019-05-10-campaign.txt"], _source("taiyuan-gov"))
    text = "专项斗争开展以来，太原市共打掉涉黑涉恶犯罪团伙128个。"
    claim = next(c for c in extract_claims(text, "2019-04-20") if c.text == "128个")
    match = Matcher(library.db).match_claim(claim)
    assert match.verdict == "contradicted", match.why
    assert "126个 on 2019-05-10 after 128个 on 2019-04-20" in match.why
    earlier = next(c for c in extract_claims(text, "2019-06-01") if c.text == "128个")
    assert (
        Matcher(library.db).match_claim(earlier).verdict == "unverified"
    )  # 126 before 128: growth


def _source(folder: str) -> Source:
    tier, place = PLACE_SOURCES[folder]
    return Source(folder, folder, tier, ["http://example.invalid/"], place=place)
