"""The gazetteer of China's divisions and the place mentions in a text (factcheck.places)."""

from __future__ import annotations

import subprocess
import sys

from factcheck.claims import extract_claims
from factcheck.places import find_places, gazetteer, resolve_place


def names(text: str) -> list[tuple[str, str | None]]:
    return [(m.text, m.division.name if m.division else None) for m in find_places(text)]


def test_hierarchy_and_containment() -> None:
    g = gazetteer()
    xiaodian, taiyuan, shanxi = (resolve_place(n) for n in ("小店区", "太原市", "山西省"))
    assert xiaodian and taiyuan and shanxi
    assert (xiaodian.level, taiyuan.level, shanxi.level) == ("county", "prefecture", "province")
    assert g.ancestors(xiaodian) == [taiyuan, shanxi]
    assert g.contains(shanxi, xiaodian) and g.contains(taiyuan, xiaodian)
    assert not g.contains(xiaodian, taiyuan)
    assert {resolve_place(n) for n in ("香港", "澳门", "台湾")} == {
        g.get("810000"),
        g.get("820000"),
        g.get("710000"),
    }


def test_short_forms_resolve_to_the_division() -> None:
    assert names("太原和山西") == [("太原", "太原市"), ("山西", "山西省")]
    assert names("广西、内蒙古与延边") == [
        ("广西", "广西壮族自治区"),
        ("内蒙古", "内蒙古自治区"),
        ("延边", "延边朝鲜族自治州"),
    ]


def test_a_name_that_is_no_division_is_no_place() -> None:
    assert names("记者从市扫黑办获悉") == []
    assert names("社会长治久安，城区人口增加") == []  # 长治 and 城区 only as places
    claim = next(
        c for c in extract_claims("記者從市掃黑辦獲悉，全市共打掉128個。", "2019-03-20") if c.text
    )
    assert claim.place is None  # no place named, and no home given


def test_ambiguous_names_resolve_by_the_other_places() -> None:
    assert names("朝阳区") == [("朝阳区", None)]
    beijing = names("北京市各区中，朝阳区新增就业最多")
    changchun = names("长春市各区中，朝阳区新增就业最多")
    assert beijing[-1] == ("朝阳区", "朝阳区") and changchun[-1] == ("朝阳区", "朝阳区")
    codes = [find_places(t)[-1].division.code for t in ("北京市朝阳区", "长春市朝阳区")]  # type: ignore[union-attr]
    assert codes == ["110105", "220104"]


def test_province_abbreviations_only_in_regions() -> None:
    assert names("晋中市") == [("晋中市", "晋中市")]
    found = find_places("京津冀协同发展")
    assert [(m.text, m.region) for m in found] == [("京津冀", ("110000", "120000", "130000"))]
    assert names("晋升") == []


def test_traditional_script_through_normalisation() -> None:
    claims = extract_claims("臺灣地區與澳門、廣東省的貿易額增長5%。", "2019-04-15")
    assert [c.place for c in claims if c.text == "5%"] == ["广东省"]


def test_deictic_places_resolve_to_the_home_place() -> None:
    g = gazetteer()
    taiyuan = resolve_place("太原市")
    text = "今年一季度，全市刑事类警情同比下降19.3%，全省下降10%。"
    claims = {c.text: c for c in extract_claims(text, "2019-04-12", home=taiyuan)}
    assert claims["19.3%"].place_code == "140100"
    assert claims["10%"].place_code == "140000"
    assert g.deictic("全区", taiyuan) is None  # a city site's 全区 names no known district
    article = "太原市召开会议。太原市今年一季度经济平稳。全市工业增长6%。"
    assert (
        next(c for c in extract_claims(article, "2019-04-15") if c.text == "6%").place == "太原市"
    )


def test_the_gazetteer_is_not_loaded_for_help() -> None:
    code = (
        "import sys, factcheck.cli\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(factcheck.cli.app, ['--help'])\n"
        "places = sys.modules.get('factcheck.places')\n"
        "print(bool(places and places.gazetteer.cache_info().currsize))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
