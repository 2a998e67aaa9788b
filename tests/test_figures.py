"""The figure grammar: every form of issue 8 in both scripts, read whole or not at all."""

from __future__ import annotations

import itertools
from decimal import Decimal

import cn2an
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.figures import find_figures
from factcheck.numerals import parse_number
from factcheck.text import normalize

PUBLISHED = "2023-03-30"
D = Decimal

# text, surface, kind, value, unit, low, high (None: not asserted)
QUANTITIES = [
    ("收入3万4000元", "3万4000元", "money", D(34000), "元", D(34000), D(34000)),
    ("奖金5万4千6百元", "5万4千6百元", "money", D(54600), "元", D(54600), D(54600)),
    ("共七十八万五佰零六元", "七十八万五佰零六元", "money", D(780506), "元", None, None),
    ("壹佰伍拾元", "壹佰伍拾元", "money", D(150), "元", None, None),
    ("投资1亿2000万元", "1亿2000万元", "money", D(120_000_000), "元", None, None),
    ("总额1.2万亿元", "1.2万亿元", "money", D("1.2E12"), "元", D("1.15E12"), D("1.25E12")),
    ("出口500余万元", "500余万元", "money", D(5_000_000), "元", D(5_000_000), D(6_000_000)),
    ("约合3亿美元", "约合3亿美元", "money", D(300_000_000), "美元", None, None),
    ("惠及十多万人", "十多万人", "count", D(100_000), "人", D(100_000), D(200_000)),
    ("有几十家企业", "几十家", "count", D(10), "家", D(10), D(100)),
    ("数百万人参与", "数百万人", "count", D(1_000_000), "人", D(1_000_000), D(10_000_000)),
    ("上千人到场", "上千人", "count", D(1000), "人", D(1000), D(10000)),
    ("涉及90多名", "90多名", "count", D(90), "名", D(90), D(100)),
    ("达3万多人", "3万多人", "count", D(30000), "人", D(30000), D(40000)),
    ("约3000人", "约3000人", "count", D(3000), "人", D(2500), D(3500)),
    ("超过1000家", "超过1000家", "count", D(1000), "家", D(1000), None),
    ("人口7,264,100人", "7,264,100人", "count", D(7_264_100), "人", None, None),
    ("常住59 225人", "59 225人", "count", D(59225), "人", None, None),
    ("两千多年历史", "两千多年", "duration", D(2000), "年", D(2000), D(3000)),
    ("持续3个多月", "3个多月", "duration", D(3), "月", D(3), D(4)),
    ("工作二十个小时", "二十个小时", "duration", D(20), "小时", None, None),
    ("期限3至5年", "3至5年", "duration", D(3), "年", D(3), D(5)),
    ("一年多来", "一年多", "duration", D(1), "年", D(1), D(2)),
    ("全长3千米", "3千米", "count", D(3), "千米", None, None),
    ("面积1.5万平方千米", "1.5万平方千米", "count", D(15000), "平方千米", None, None),
    ("负3.9%", "负3.9%", "percent", D("-3.9"), "%", D("-3.95"), D("-3.85")),
    ("为-22.2%", "-22.2%", "percent", D("-22.2"), "%", None, None),
    ("同比增长-3.9%", "-3.9%", "percent_change", D("-3.9"), "%", None, None),
    ("同比下降19.3%", "19.3%", "percent_change", D("19.3"), "%", D("19.25"), D("19.35")),
    ("负增长3.9%", "3.9%", "percent_change", D("3.9"), "%", None, None),
    ("百分之十九点三", "百分之十九点三", "percent", D("19.3"), "%", D("19.25"), D("19.35")),
    ("占10%—15%", "10%—15%", "percent", D(10), "%", D("9.5"), D(15)),
    ("为5-20%", "5-20%", "percent", D(5), "%", None, D(20)),
    ("三分之一", "三分之一", "percent", D("33.3333"), "%", None, None),
    ("万分之五", "万分之五", "percent", D("0.05"), "%", None, None),
    ("千分之三", "千分之三", "percent", D("0.3"), "%", None, None),
    ("近三成", "近三成", "percent", D(30), "%", None, D(30)),
    ("七成以上", "七成以上", "percent", D(70), "%", None, None),
    ("上升2.1个百分点", "2.1个百分点", "percent_change", D("2.1"), "pp", D("2.05"), D("2.15")),
    ("增长1.5倍", "1.5倍", "multiple", D("1.5"), "倍", D("1.45"), D("1.55")),
    ("翻一番", "翻一番", "multiple", D(1), "番", None, None),
    ("翻两番", "翻两番", "multiple", D(2), "番", None, None),
]

DATES = [
    ("2019年4月15日", "2019年4月15日", "2019-04-15"),
    ("于2019-04-15发布", "2019-04-15", "2019-04-15"),
    ("于2019/4/15发布", "2019/4/15", "2019-04-15"),
    ("于2019.4.15发布", "2019.4.15", "2019-04-15"),
    ("4月15日", "4月15日", "2023-04-15"),
    ("3月29日召开，30日闭幕", "30日", "2023-03-30"),
    ("今年一季度", "今年一季度", "2023-Q1"),
    ("去年前两个月", "去年前两个月", "2022-01/2022-02"),
    ("一季度", "一季度", "2023-Q1"),
    ("上半年", "上半年", "2023-H1"),
    ("1—11月", "1—11月", "2023-01/2023-11"),
    ("2019年前三季度", "2019年前三季度", "2019-Q1/2019-Q3"),
    ("九十年代", "九十年代", "1990/1999"),
    ("08年奥运会", "08年", "2008"),
    ("二〇一八年", "二〇一八年", "2018"),
    ("两千零四年", "两千零四年", "2004"),
    ("2018—2020年", "2018—2020年", "2018/2020"),
    ("今年以来", "今年以来", "2023-01/2023-03"),
]

NON_CLAIMS = [
    ("访问https://www.gov.cn/%E4%B8%AD%E6%96%87/100.html了解", "identifier"),
    ("联系a100@gov.cn", "identifier"),
    ("电话0351-4040000", "identifier"),
    ("晋ICP备05001234号", "identifier"),
    ("C919大飞机", "identifier"),
    ("5G基站", "identifier"),
    ("坚持两个维护", "slogan"),
    ("十四五规划", "slogan"),
    ("党的二十大", "slogan"),
    ("十四届全国人大二次会议", "ordinal"),
    ("第十四届", "ordinal"),
]

_S2T = opencc.OpenCC("s2t")


def figures_of(text: str, published: str | None = PUBLISHED) -> list:  # type: ignore[type-arg]
    return find_figures(normalize(text), published, text)


def only_checkworthy(text: str) -> list:  # type: ignore[type-arg]
    return [f for f in figures_of(text) if f.checkworthy]


def scripts(text: str) -> list[str]:
    return [text, _S2T.convert(text)]


@pytest.mark.parametrize(("text", "surface", "kind", "value", "unit", "low", "high"), QUANTITIES)
@pytest.mark.parametrize("script", [0, 1], ids=["simplified", "traditional"])
def test_quantity_forms(text, surface, kind, value, unit, low, high, script) -> None:  # type: ignore[no-untyped-def]
    written = scripts(text)[script]
    (figure,) = only_checkworthy(written)
    assert figure.text == scripts(surface)[script]
    assert written[figure.start : figure.end] == figure.text
    assert (figure.kind, figure.unit) == (kind, unit)
    assert figure.value == value
    if low is not None:
        assert figure.low == low
    if high is not None:
        assert figure.high == high


@pytest.mark.parametrize(("text", "surface", "value"), DATES)
@pytest.mark.parametrize("script", [0, 1], ids=["simplified", "traditional"])
def test_date_forms(text: str, surface: str, value: str, script: int) -> None:
    written = scripts(text)[script]
    found = {f.text: f for f in only_checkworthy(written)}
    figure = found[scripts(surface)[script]]
    assert (figure.kind, figure.value) == ("date", value)


def test_dates_without_publication_stay_unresolved() -> None:
    values = [f.value for f in figures_of("4月15日、去年一季度和29日", published=None)]
    assert values == ["--04-15", "去年-Q1", "--04-29"]
    assert [f.value for f in figures_of("15日", published=None)] == ["---15"]


@pytest.mark.parametrize(("text", "kind"), NON_CLAIMS)
def test_non_claims_are_never_numbers(text: str, kind: str) -> None:
    found = figures_of(text)
    assert found, text
    assert all(not f.checkworthy for f in found)
    assert kind in {f.kind for f in found}


@pytest.mark.parametrize(
    "text",
    [
        "100只是一个数字",
        "所以说",
        "一个案子",
        "十分重要",
        "千家万户",
        "三门峡市",
        "人民日报",
        "统一部署",
    ],
)
def test_words_with_numeral_characters_are_not_figures(text: str) -> None:
    assert only_checkworthy(text) == []


def test_decades_and_short_years_are_not_durations() -> None:
    kinds = {f.text: f.kind for f in only_checkworthy("九十年代以来，08年奥运会，建党100年")}
    assert kinds == {"九十年代": "date", "08年": "date", "100年": "duration"}


def test_fullwidth_list_comma_is_not_a_thousands_separator() -> None:
    found = only_checkworthy("分别为13个，310个")
    assert [f.value for f in found] == [13, 310]
    assert [f.value for f in only_checkworthy("分别为13，310个")] == [310]


# --- whole surface or nothing -----------------------------------------------------------------


def _mixed(n: int) -> str:
    """n written with Arabic sections and Chinese scales: 3万4000, 1亿2000万."""
    yi, rest = divmod(n, 10**8)
    wan, low = divmod(rest, 10**4)
    out = ""
    if yi:
        out += f"{yi}亿"
    if wan:
        out += f"{wan}万"
    if low:
        out += ("零" if out and low < 1000 else "") + str(low)
    return out or "0"


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**12 - 1),
    st.sampled_from(["ar", "sep", "cn", "up", "mix"]),
)
def test_every_written_form_reads_whole(n: int, form: str) -> None:
    written = {
        "ar": str(n),
        "sep": f"{n:,}",
        "cn": cn2an.an2cn(str(n), "low"),
        "up": cn2an.an2cn(str(n), "up"),
        "mix": _mixed(n),
    }[form]
    text = f"全年共{written}元。"
    (figure,) = only_checkworthy(text)
    assert figure.text == f"{written}元"
    assert figure.value == n


_NUMERAL_CHARS = "0123456789一二两三四五六七八九十百千万亿零点.壹贰佰仟"


def _numeral_like(s: str) -> bool:
    # 点 and . join numerals only between two numeral characters (a leading 点 is a word: 重点).
    marks = "点."
    return (
        s[0] not in marks
        and s[-1] not in marks
        and not any(a in marks and b in marks for a, b in itertools.pairwise(s))
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_NUMERAL_CHARS, min_size=1, max_size=10).filter(_numeral_like))
def test_a_figure_is_absent_or_carries_its_whole_surface(core: str) -> None:
    text = f"全年共{core}元。"
    for figure in only_checkworthy(text):
        assert figure.text == f"{core}元", "a readable tail was taken for the whole"
        assert figure.value == parse_number(core)


def test_numeral_reader_accepts_what_cn2an_reads() -> None:
    for surface in [
        "壹佰伍拾",
        "负三十二",
        "七十八万五佰零六",
        "两千零四",
        "一万二",
        "三千五",
        "廿",
    ]:
        assert parse_number(surface) == Decimal(str(cn2an.cn2an(surface, "smart")))


def test_a_run_of_digits_longer_than_any_quantity_is_not_a_figure() -> None:
    assert only_checkworthy("1" * 10_000 + "人") == []
    assert only_checkworthy("一" * 5_000 + "个人") == []
    assert [f.value for f in only_checkworthy("9,999,999,999,999.99元")] == [
        Decimal("9999999999999.99")
    ]
