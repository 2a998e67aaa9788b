"""Periods by scope (factcheck.periods) and their storage on facts (migration 7)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from factcheck.claims import Claim, extract_claims
from factcheck.matching import Matcher
from factcheck.places import resolve_place
from factcheck.storage import MIGRATIONS, Database


def claim(text: str, figure: str, published: str | None = "2019-04-15", **kw: object) -> Claim:
    return next(c for c in extract_claims(text, published, **kw) if c.text == figure)  # type: ignore[arg-type]


def described(c: Claim) -> tuple[str, str, str | None]:
    assert c.scope is not None
    return (c.scope.kind, c.scope.describe(), c.scope.scope)


def test_calendar_period_of_the_clause_and_its_base() -> None:
    c = claim("今年一季度，全市刑事类警情同比下降19.3%。", "19.3%")
    assert described(c) == ("calendar", "2019-Q1", "sentence") and c.base == "2018-Q1"
    assert c.period_value == "2019-Q1"


def test_the_base_is_not_the_period() -> None:
    c = claim("与去年一季度相比，全市群体性事件同比下降40%。", "40%")
    assert (c.scope.value if c.scope else None, c.base) == ("2019-Q1", "2018-Q1")
    c = claim("2018年，全市群体性事件较2017年下降40%。", "40%")
    assert (c.scope.value if c.scope else None, c.base) == ("2018", "2017")


def test_cumulative_periods() -> None:
    c = claim("专项斗争开展以来，太原市共打掉涉黑涉恶犯罪团伙126个。", "126个", "2019-05-10")
    assert described(c) == ("cumulative", "since 专项斗争 as of 2019-05-10", "sentence")
    c = claim("截至3月底，全市累计打掉团伙126个。", "126个", "2019-04-10")
    assert described(c)[1] == "cumulative as of 2019-03-31"
    c = claim("截至目前，共查处问题12个。", "12个", "2019-03-28")
    assert described(c)[1] == "cumulative as of 2019-03-28"
    c = claim("一年多来，太原市共打掉团伙128个。", "128个", "2019-03-08")
    assert described(c)[1] == "cumulative as of 2019-03-08"
    c = claim("今年一季度，全市累计新增就业3000人。", "3000人")
    assert described(c)[1] == "2019-Q1"  # 累计 inside a quarter: the quarter


def test_inherited_from_the_paragraph_the_title_and_the_publication_date() -> None:
    text = "一季度经济运行简况\n今年一季度，全市经济平稳。工业增加值增长6%。\n消费增长8%。"
    assert described(claim(text, "6%")) == ("calendar", "2019-Q1", "paragraph")
    assert described(claim(text, "8%")) == ("calendar", "2019-Q1", "title")
    c = claim("全市消费增长8%。", "8%")
    assert c.scope is not None and (c.scope.kind, c.scope.as_of) == ("published", "2019-04-15")
    assert c.period is None
    event = "任某于2013年6月刑满释放。一个牵出90多名公职人员。"
    assert described(claim(event, "90多名"))[0] == "published"  # an event date is no period


def test_a_title_given_apart_from_the_body() -> None:
    c = claim("全市刑事类警情同比下降19.3%。", "19.3%", "2019-04-12", title="通报一季度治安形势")
    assert described(c) == ("calendar", "2019-Q1", "title")


def test_a_version_6_database_with_data_migrates_forward(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    old = sqlite_utils.Database(path)
    for migration in MIGRATIONS[:6]:
        migration(old)
    old.execute("PRAGMA user_version = 6")
    old.execute("INSERT INTO sources (name, tier) VALUES ('gov', 'official')")
    for fact_id, place, period in ((1, "太原市", "2019-Q1"), (2, "者从市", "一年多")):
        old.execute(
            "INSERT INTO documents (id, source, url, title, published, text) VALUES "
            "(?, 'gov', ?, 't', '2019-04-12', '今年一季度，全市刑事类警情下降19.3%')",
            (fact_id, f"http://x.invalid/{fact_id}"),
        )
        old.execute(
            "INSERT INTO facts (id, document_id, text, kind, value, low, high, unit, direction, "
            "measure, place, period) VALUES (?, ?, '19.3%', 'percent_change', 19.3, 19.3, 19.3, "
            "'%', 'down', '刑事类警情', ?, ?)",
            (fact_id, fact_id, place, period),
        )
    old.conn.commit()
    old.conn.close()
    db = Database(path)
    assert db.version == len(MIGRATIONS) > 6
    rows = db.rows("SELECT id, place_code, period_kind FROM facts ORDER BY id")
    assert rows == [
        {"id": 1, "place_code": "140100", "period_kind": "calendar"},
        {"id": 2, "place_code": None, "period_kind": None},
    ]
    article = claim("今年一季度，太原市刑事类警情同比下降19.3%。", "19.3%")
    match = Matcher(db).match_claim(article)
    assert match.verdict == "supported" and [e.fact for e in match.evidence] == [1, 2]
    assert "place 太原, period 2019-Q1" in match.why
    other_city = claim("今年一季度，大同市刑事类警情同比下降19.3%。", "19.3%")
    assert [e.fact for e in Matcher(db).match_claim(other_city).evidence] == [2]
    assert resolve_place("太原") == resolve_place("太原市")
