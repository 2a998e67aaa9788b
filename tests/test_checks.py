"""Each consistency check: a passing and a failing case, the traps of official text, and edited
variants of the first article in Traditional and Simplified script."""

from __future__ import annotations

import pytest

from factcheck.run import analyse_text
from factcheck.text import to_simplified


def statuses(nlp, text: str, published: str | None = "2019-04-15") -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    analysis = analyse_text(text, published, nlp)
    return {(f.check, f.status) for f in analysis.findings}


def flagged(nlp, text: str, published: str | None = "2019-04-15") -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {s for s in statuses(nlp, text, published) if s[1] != "pass"}


CASES = [
    # check, passing text, failing text
    (
        "sum_of_parts",
        "全市共打掉团伙128个，其中组织13个，集团31个，团伙84个。",
        "全市共打掉团伙128个，其中组织13个，集团31个，团伙85个。",
    ),
    (
        "part_not_above_total",
        "共处理53人，其中党员12人。",
        "共处理53人，其中党员120人。",
    ),
    (
        "subset",
        "专案组牵出90多名公职人员、处理4名省管干部。",
        "专案组牵出90多名公职人员、处理400名省管干部。",
    ),
    (
        "restatement",
        "太原打掉128个涉黑恶团伙\n\n一年多来，太原市共打掉涉黑涉恶犯罪团伙128个。",
        "太原打掉182个涉黑恶团伙\n\n一年多来，太原市共打掉涉黑涉恶犯罪团伙128个。",
    ),
    (
        "percent_range",
        "刑事类警情同比下降19.3%。",
        "刑事类警情同比下降119.3%。",
    ),
    ("date_validity", "2月14日，召开会议。", "2月31日，召开会议。"),
    (
        "date_order",
        "早在2003年被判处无期徒刑，经多次减刑于2013年6月刑满释放。",
        "早在2013年被判处无期徒刑，经多次减刑于2003年6月刑满释放。",
    ),
    (
        "shares",
        "共有企业300家，其中国有企业占33.4%、民营企业占33.3%、外资企业占33.4%。",
        "共有企业300家，其中国有企业占53.4%、民营企业占33.3%、外资企业占33.4%。",
    ),
]


@pytest.mark.parametrize(("check", "good", "bad"), CASES, ids=[c[0] for c in CASES])
def test_check_passes_and_fails(nlp, check: str, good: str, bad: str) -> None:  # type: ignore[no-untyped-def]
    assert (check, "pass") in statuses(nlp, good)
    assert flagged(nlp, good) == set()
    assert (check, "fail") in flagged(nlp, bad)


TRAPS = {
    "partial list after 其中": "全市发生案件120起，其中盗窃案件80起、诈骗案件20起。",
    "nested hierarchy": "参赛人员共计723人，其中运动员439人，包括男运动员221人、女运动员218人；教练员284人。",
    "rounded total": "城镇新增就业1.29万人，其中高校毕业生0.65万人、农村转移劳动力0.65万人。",
    "shares summing to 100.1": "其中国有企业占33.4%、民营企业占33.3%、外资企业占33.4%。",
    "分别 pairs measures with values": "农业、工业、服务业增加值分别增长3.2%、5.1%和7.4%。",
    "thousands separators": "全市常住人口7,264,100人，其中城镇人口5,012,000人，面积59 225平方公里。",
    "open upper bound": "共有企业逾100家，其中国有企业60家、民营企业70家。",
    "increase over 100%": "网上交易额同比增长150%。",
    "same measure, another period": "去年查处问题12个。今年一季度查处问题20个。",
}


@pytest.mark.parametrize("text", TRAPS.values(), ids=TRAPS.keys())
def test_official_text_traps_raise_no_alarm(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert flagged(nlp, text) == set()


def test_exhaustive_list_falling_short_fails(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "全市128个团伙分为两类，其中黑社会性质组织13个、恶势力团伙84个。"
    assert ("sum_of_parts", "fail") in flagged(nlp, text)


VARIANTS = {
    "a part edited 84→85": (
        ("惡勢力犯罪團伙84個", "惡勢力犯罪團伙85個", 1),
        {("sum_of_parts", "fail")},
    ),
    "a headline 128→182": (("128個涉黑惡團伙", "182個涉黑惡團伙", 1), {("restatement", "fail")}),
    "a decrease of 119.3%": (("19.3%", "119.3%", 1), {("percent_range", "fail")}),
    "2月31日": (("2月14日", "2月31日", 1), {("date_validity", "fail")}),
    "the second 4 cadres 4→5": (("處理4名", "處理5名", 1), {("restatement", "fail")}),
}


@pytest.mark.parametrize("script", ["traditional", "simplified"])
@pytest.mark.parametrize("name", VARIANTS, ids=VARIANTS.keys())
def test_edited_article_fails_exactly_the_expected_check(
    nlp, taiyuan_text: str, script: str, name: str
) -> None:  # type: ignore[no-untyped-def]
    (old, new, count), expected = VARIANTS[name]
    assert old in taiyuan_text
    text = taiyuan_text.replace(old, new, count)
    if script == "simplified":
        text = to_simplified(text)
    assert flagged(nlp, text) == expected


@pytest.mark.parametrize("script", ["traditional", "simplified"])
def test_clean_article_fails_nothing(nlp, taiyuan_text: str, script: str) -> None:  # type: ignore[no-untyped-def]
    text = taiyuan_text if script == "traditional" else to_simplified(taiyuan_text)
    found = statuses(nlp, text)
    assert {s for s in found if s[1] != "pass"} == set()
    assert ("sum_of_parts", "pass") in found
    assert ("restatement", "pass") in found


def test_every_finding_names_its_claims_and_why(nlp, taiyuan_text: str) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse_text(taiyuan_text, "2019-04-15", nlp)
    ids = {c.id for c in analysis.claims}
    assert analysis.findings
    for finding in analysis.findings:
        assert finding.claims and set(finding.claims) <= ids
        assert finding.message and "\n" not in finding.message


def test_unknown_check_is_refused() -> None:
    from factcheck.pipeline import load_pipeline

    with pytest.raises(ValueError, match="unknown checks"):
        load_pipeline(checks=["sum_of_parts", "no_such_check"])


# --- relation frames of issue 9: each frame passes as written and fails when one figure moves ---

FRAMES = [
    (
        "sum_of_parts",  # complementary categories make a short list exhaustive
        "全市常住人口530万人，其中城镇人口380万人，乡村人口150万人。",
        "全市常住人口530万人，其中城镇人口380万人，乡村人口148万人。",
    ),
    (
        "sum_of_parts",  # complementary parts in the sentence after the total
        "前7个月进出口总值30.13万亿元，增长3.5%。出口17.44万亿元，增长6.9%；进口12.69万亿元。",
        "前7个月进出口总值30.13万亿元，增长3.5%。出口17.44万亿元，增长6.9%；进口12.67万亿元。",
    ),
    (
        "sum_of_parts",  # parts first, then 合计
        "下达资金约10.22亿元，加上提前下达资金约139.41亿元，合计下达资金约149.63亿元。",
        "下达资金约10.22亿元，加上提前下达资金约139.41亿元，合计下达资金约151.63亿元。",
    ),
    (
        "sum_of_parts",  # a 共 total closed by 另有
        "机上共载有18人，这一事件造成12人遇难，5人受伤，另有1人失踪。",
        "机上共载有18人，这一事件造成12人遇难，5人受伤，另有3人失踪。",
    ),
    (
        "sum_of_parts",  # 在…中，有…
        "在128个团伙中，有黑社会性质组织13个、恶势力犯罪集团31个、恶势力犯罪团伙84个。",
        "在128个团伙中，有黑社会性质组织13个、恶势力犯罪集团31个、恶势力犯罪团伙86个。",
    ),
    (
        "change",  # from A to B with the rate
        "外贸总值由2014年的3.74万亿元增至2023年的5.03万亿元，增长34.4%。",
        "外贸总值由2014年的3.74万亿元增至2023年的5.03万亿元，增长44.4%。",
    ),
    (
        "change",  # from A to B with the amount
        "用户从1200万户增加到1500万户，增加300万户。",
        "用户从1200万户增加到1500万户，增加400万户。",
    ),
    (
        "change",  # from A to B with a multiple (either reading of 增长n倍)
        "装机从600万千瓦增长到1500万千瓦，增长1.5倍。",
        "装机从600万千瓦增长到1500万千瓦，增长3.5倍。",
    ),
    (
        "change",  # the direction the verb gives
        "占比从68.5%下降到了56%。",
        "占比从68.5%下降到了76%。",
    ),
    (
        "rate_change",
        "优良水质断面比例由2015年的67%跃升至2025年的96.5%，提高了29.5个百分点。",
        "优良水质断面比例由2015年的67%跃升至2025年的96.5%，提高了39.5个百分点。",
    ),
    (
        "implied_base",
        "一般公共预算收入达到106万亿元，比上期增加17万亿元，增长约19%。",
        "一般公共预算收入达到106万亿元，比上期增加17万亿元，增长约29%。",
    ),
    (
        "share_of_total",
        "移动电话用户总数达17.08亿户，其中，5G移动电话用户达6.51亿户，占移动电话用户的38.1%。",
        "移动电话用户总数达17.08亿户，其中，5G移动电话用户达6.51亿户，占移动电话用户的48.1%。",
    ),
]


@pytest.mark.parametrize(("check", "good", "bad"), FRAMES)
def test_frame_passes_and_fails(nlp, check: str, good: str, bad: str) -> None:  # type: ignore[no-untyped-def]
    assert (check, "pass") in statuses(nlp, good)
    assert flagged(nlp, good) == set()
    assert (check, "fail") in flagged(nlp, bad)


REAL_TEXT_TRAPS = {
    "subgroup growth rates after 其中": "规模以上工业增加值增长5.6%，其中制造业增长6.1%，高技术制造业增长8.7%。",
    "a total against its own part": "进出口总值30.13万亿元。其中，出口17.44万亿元。\n\n出口17.44万亿元，增长6.9%。",
    "another period": "三季度出入境人员1.78亿人次。前三季度，全国累计出入境人员达5.1亿人次。",
    "a background date": "今天（8月3日）发表声明称，日本已于7月31日与美国联合干预外汇市场。",
    "低于 is not a narrative": "2月，消费者信心指数为64.7，显著低于1月份的71.7。",
    "shares of different wholes": (
        "其中，汽车出口1806.3亿元，占全国的39%；船舶出口1114.1亿元，占全国的64.1%；"
        "高新技术产品出口1.2万亿元，占全国的34.8%。"
    ),
    "an average is not a total": "夜间客流量7768.6万人次，平均每个集聚区每夜6.39万人次，其中超100万人次的有3个。",
    "a rainfall range": "累计雨量有40～80毫米。其中，局地可达200～250毫米。",
    "an index written with %": "居民消费价格指数为103.5%。",
    "a change amount is not a total": "单产每亩375.2公斤，比上年每亩增加9公斤，其中，小麦每亩399.1公斤。",
    "一个 is an article": "这是一个典型案例，其中一名干部被查处。",
}


@pytest.mark.parametrize("text", REAL_TEXT_TRAPS.values(), ids=REAL_TEXT_TRAPS.keys())
def test_real_text_traps_raise_no_alarm(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert flagged(nlp, text) == set()


def test_an_unmarked_list_just_short_of_its_total_warns(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "全市发生案件120起，其中盗窃案件80起、诈骗案件38起。"
    assert flagged(nlp, text) == {("sum_of_parts", "warn")}
    far_short = "全市发生案件120起，其中盗窃案件80起、诈骗案件20起。"
    assert flagged(nlp, far_short) == set()


def test_messages_show_the_arithmetic_as_written(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "全市共打掉团伙128个，其中组织13个，集团31个，团伙85个。"
    analysis = analyse_text(text, None, nlp)
    (finding,) = [f for f in analysis.findings if f.check == "sum_of_parts"]
    assert finding.message.startswith("13个 + 31个 + 85个 = 129个")
    money = "进出口总值30.13万亿元。出口17.44万亿元；进口12.67万亿元。"
    (finding,) = [f for f in analyse_text(money, None, nlp).findings if f.check == "sum_of_parts"]
    assert "30.11万亿元" in finding.message


def test_times_of_a_named_figure(nlp) -> None:  # type: ignore[no-untyped-def]
    good = "财政部发行20亿欧元主权债券。总申购金额162亿欧元，是发行金额的8.1倍。"
    assert ("change", "pass") in statuses(nlp, good)
    assert ("change", "fail") in flagged(nlp, good.replace("162亿", "192亿"))


def test_an_open_new_value_still_bounds_the_rate(nlp) -> None:  # type: ignore[no-untyped-def]
    good = "支出预计超过136万亿元，比上期增加26万亿元，增长24%。"
    assert ("implied_base", "pass") in statuses(nlp, good)
    assert ("implied_base", "fail") in flagged(nlp, good.replace("136万亿", "150万亿"))


def test_points_between_two_named_rates(nlp) -> None:  # type: ignore[no-untyped-def]
    good = "其中，出口17.44万亿元，增长14%；进口12.69万亿元，增长22%。进口增速快于出口8个百分点。"
    assert ("rate_change", "pass") in statuses(nlp, good)
    assert ("rate_change", "fail") in flagged(nlp, good.replace("增长22%", "增长24%"))
