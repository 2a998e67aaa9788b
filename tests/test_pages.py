"""Untrusted pages: charsets that lie, generic article reading, dates, list-page links."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.pages import (
    ParsedPage,
    decode_page,
    find_date,
    list_links,
    normalize_encoding,
    parse_article,
    strip_site_suffix,
    text_date,
    url_date,
)
from factcheck.sources import NextPageRule, Selectors, Source

SITE = Path(__file__).parent / "fixtures" / "site"
BASE = "http://127.0.0.1:8000"
LABEL = "<!-- 测试用虚构页面 / made-up test page --><p>本页为测试用虚构页面</p>"
BODY = "示例市共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个。全市刑事案件同比下降19.3%。"


def page(head: str = "", body: str = "", charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}{head}</head><body>{LABEL}{body}</body></html>"


def fixture(path: str) -> bytes:
    return (SITE / path).read_bytes()


# --- decoding -----------------------------------------------------------------------------------


def test_gb2312_label_over_gbk_only_characters() -> None:
    data = fixture("news/201904/t20190417_1002.html")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # the trap is real: 镕 is not in GB2312
    text, encoding = decode_page(data, "text/html", None)
    assert encoding == "gb18030"
    assert "镕钢路派出所" in text


def test_lying_http_latin1_header_over_gbk_page() -> None:
    text, encoding = decode_page(
        fixture("news/index_1.html"), "text/html; charset=ISO-8859-1", None
    )
    assert encoding == "gb18030"
    assert "工作动态" in text


def test_utf8_bytes_under_a_gb2312_label_are_utf8() -> None:
    data = page(body=BODY, charset="gb2312").encode("utf-8")
    text, encoding = decode_page(data, None, None)
    assert (encoding, BODY in text) == ("utf-8", True)


def test_http_charset_checked_by_strict_decoding() -> None:
    data = page(body=BODY, charset="gbk").encode("gbk")
    text, encoding = decode_page(data, "text/html; charset=utf-8", None)
    assert (encoding, BODY in text) == ("gb18030", True)


def test_bom_wins() -> None:
    data = b"\xef\xbb\xbf" + page(body=BODY, charset="gbk").encode("utf-8")
    text, encoding = decode_page(data, "text/html; charset=gbk", None)
    assert encoding == "utf-8" and BODY in text and not text.startswith("\ufeff")


def test_override_wins_even_when_wrong() -> None:
    data = page(body=BODY, charset="utf-8").encode("gbk")
    text, encoding = decode_page(data, "text/html; charset=utf-8", "gbk")
    assert (encoding, BODY in text) == ("gb18030", True)


SIMPLIFIED = (
    "示例市共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个。各级政法机关坚持依法严惩，维护社会稳定。"
)
TRADITIONAL = (
    "示例市共打掉涉黑涉惡犯罪團伙128個，其中涉黑組織13個。各級政法機關堅持依法嚴懲，維護社會穩定。"
)


@pytest.mark.parametrize(
    ("codec", "body", "expected"),
    [
        ("gbk", SIMPLIFIED, "gb18030"),
        ("big5", TRADITIONAL, "big5"),
        ("utf-8", TRADITIONAL, "utf-8"),
    ],
)
def test_undeclared_chinese_is_detected(codec: str, body: str, expected: str) -> None:
    html = f"<html><!-- 測試用虛構頁面 --><body><p>本頁為測試用虛構頁面</p><p>{body * 3}</p></body></html>"
    text, encoding = decode_page(html.encode(codec), "text/html", None)
    assert encoding == expected
    assert body * 3 in text


def test_ascii_and_garbage_do_not_raise() -> None:
    assert decode_page(b"<p>plain</p>", None, None) == ("<p>plain</p>", "ascii")
    text, encoding = decode_page(bytes(range(256)) * 4, "text/html; charset=nonsense", None)
    assert isinstance(text, str) and encoding


def test_normalize_encoding() -> None:
    assert [normalize_encoding(n) for n in ("GB2312", "gbk", "x-gbk", "cp936", "UTF8")] == [
        "gb18030",
        "gb18030",
        None,
        "gb18030",
        "utf-8",
    ]
    assert normalize_encoding("klingon") is None


PHRASES = ["扫黑除恶", "专项斗争", "涉黑组织", "同比下降", "太原市", "公安局", "镕", "堃", "喆",
           "一季度", "１２８个", "19.3%", "，", "。", "“四个意识”", " ", "abc"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(PHRASES), min_size=8, max_size=40),
    codec=st.sampled_from(["utf-8", "gb18030"]),
    label=st.sampled_from(["gb2312", "gbk", "utf-8", None]),
)
def test_declared_or_not_text_survives(words: list[str], codec: str, label: str | None) -> None:
    body = "示例" + "".join(words)
    text, _ = decode_page(page(body=body, charset=label).encode(codec), "text/html", None)
    assert body in text


# --- articles -----------------------------------------------------------------------------------


def test_utf8_article_with_date_line_and_ucap_content() -> None:
    html, _ = decode_page(fixture("news/201904/t20190416_1001.html"), None, None)
    parsed = parse_article(html, BASE + "/news/201904/t20190416_1001.html", None)
    assert parsed.title == "示例市召开扫黑除恶专项斗争推进会"
    assert parsed.published == "2019-04-17"  # the 发布时间 line, not the URL's 0416 nor the script
    lines = parsed.text.split("\n")
    assert lines[0].startswith("本页为测试用虚构页面")
    assert "示例市共打掉涉黑涉恶犯罪团伙128个，其中涉黑组织13个" in lines[1]  # inline tag kept
    assert lines[2] == "今年一季度，全市刑事案件同比下降19.3%。"
    for noise in ("脚本", "导航栏", "主办", "来源"):
        assert noise not in parsed.text


def test_gbk_article_title_suffix_and_trs_editor() -> None:
    html, _ = decode_page(fixture("news/201904/t20190417_1002.html"), None, None)
    parsed = parse_article(html, BASE + "/news/201904/t20190417_1002.html", None)
    assert parsed.title == "示例市公安局通报一季度治安形势"
    assert parsed.published == "2019-04-18"
    assert "镕钢路派出所一季度共接警1024起" in parsed.text
    assert "首页" not in parsed.text


def test_meta_only_date_and_densest_block() -> None:
    html, _ = decode_page(fixture("news/201905/t20190520_1003.html"), None, None)
    parsed = parse_article(html, BASE + "/news/201905/t20190520_1003.html", None)
    assert parsed.published == "2019-05-21"  # meta PubDate, not the URL's 0520
    assert parsed.text.startswith("本页为测试用虚构页面")
    assert "办结率98.6%" in parsed.text
    assert "相关链接" not in parsed.text and "推进会" not in parsed.text


def test_selectors_first_then_generic_fallback() -> None:
    html = page(
        '<meta name="PubDate" content="2019-04-01"><title>Generic_站点网</title>',
        '<h2 class="t">选中的标题</h2><span class="d">2019年5月6日</span>'
        f'<div id="a"><p>{BODY}</p></div><div id="b"><p>别的内容别的内容别的内容别的内容</p></div>',
    )
    chosen = parse_article(html, BASE + "/x.html", Selectors("h2.t", "span.d", "#b"))
    assert (chosen.title, chosen.published, chosen.text) == (
        "选中的标题",
        "2019-05-06",
        "别的内容别的内容别的内容别的内容",
    )
    fallback = parse_article(html, BASE + "/x.html", Selectors("h9", ".none", "#none"))
    assert (fallback.title, fallback.published) == ("Generic", "2019-04-01")
    assert BODY in fallback.text


def test_og_title_and_published_time_and_canonical() -> None:
    html = page(
        '<meta property="og:title" content="标题 | 中国长安网">'
        '<meta property="article:published_time" content="2019-04-17T10:30:00+08:00">'
        '<link rel="canonical" href="/doc/2019/04/17/1.shtml">',
        f"<article><p>{BODY}</p></article>",
    )
    parsed = parse_article(html, "http://www.example.gov.cn/a/b.html", None)
    assert parsed == ParsedPage(
        title="标题",
        published="2019-04-17",
        text=BODY,  # the label sits outside <article>
        canonical="http://www.example.gov.cn/doc/2019/04/17/1.shtml",
    )


def test_paragraphs_split_on_br_and_blocks_but_not_inline_tags() -> None:
    html = page(
        body="<div id='UCAP-CONTENT'>第一段<br>第二段<b>加粗</b>继续<p>第三段</p>尾巴</div>"
    )
    text = parse_article(html, BASE + "/x.html", None).text
    assert text.split("\n") == ["第一段", "第二段加粗继续", "第三段", "尾巴"]


def test_table_rows_stay_one_line_with_tab_separated_cells() -> None:
    html = page(
        body="<div id='UCAP-CONTENT'><p>一季度主要指标</p><table>"
        "<tr><th>指标</th><th>数量</th><th>同比</th></tr>"
        "<tr><td>刑事案件</td><td><span>1024</span>起</td><td>下降19.3%</td></tr>"
        "</table></div>"
    )
    assert parse_article(html, BASE + "/x.html", None).text.split("\n") == [
        "一季度主要指标",
        "指标\t数量\t同比",
        "刑事案件\t1024起\t下降19.3%",
    ]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html>",
        "\x00\x01\x02",
        "<div>" * 3000 + "深层" + "</div>" * 3000,
        "<p>only latin</p>",
        "<a href='javascript:alert(1)'>" * 50,
        "<html><body><table><tr><td>" * 200,
    ],
)
def test_hostile_or_empty_pages_do_not_raise(html: str) -> None:
    parsed = parse_article(html, BASE + "/x.html", None)
    assert isinstance(parsed.text, str) and parsed.published is None
    assert list_links(html, BASE + "/x.html", source()) == ([], None)


def test_xml_declaration_and_bare_text_are_read() -> None:
    declared = '<?xml version="1.0" encoding="gb2312"?>' + page(body=f"<p>{BODY}</p>")
    assert BODY in parse_article(declared, BASE + "/x.html", None).text
    assert parse_article(f"{BODY}\x00", BASE + "/x.html", None).text == BODY


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("发布时间：2019-04-17 10:30", "2019-04-17"),
        ("發佈時間：2019年4月17日", "2019-04-17"),
        ("發布日期:2019/04/17", "2019-04-17"),
        ("发布日期：2019.4.7", "2019-04-07"),
        ("来源：太原日报　日期：2019-04-17", "2019-04-17"),
        ("2019年04月17日 来源：山西日报", "2019-04-17"),
        ("[2019-04-17]", "2019-04-17"),
        ("成文日期：二〇一九年四月十七日", "2019-04-17"),
        ("发布时间：２０１９－０４－１７", "2019-04-17"),
        ("发布时间：2019-02-31", None),
        (
            "2018年1月，中共中央、国务院发出《关于开展扫黑除恶专项斗争的通知》，决定在全国开展。",
            None,
        ),
        ("一年多的时间：近2019年来", None),
        ("今天是2019年4月20日 星期六", None),
    ],
)
def test_date_lines(line: str, expected: str | None) -> None:
    assert text_date([line]) == expected


def test_labelled_date_beats_an_earlier_bare_one() -> None:
    lines = ["2019-03-01", "标题", "发布日期：2019-04-17", "日期：2019-05-01"]
    assert text_date(lines) == "2019-04-17"


def test_publication_beats_signing_date() -> None:
    assert text_date(["成文日期：2019-04-10", "发布日期：2019-04-17"]) == "2019-04-17"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.gov.cn/zwgk/201904/t20190416_123.html", "2019-04-16"),
        ("http://www.taiyuan.gov.cn/doc/2019/11/04/934354.shtml", "2019-11-04"),
        (
            "http://www.chinapeace.gov.cn/chinapeace/c100052/2021-10/18/content_1.shtml",
            "2021-10-18",
        ),
        ("http://news.example.com/2019-04-17/a.html", "2019-04-17"),
        ("http://news.example.com/201913/t20191340_1.html", None),
        ("http://news.example.com/content_12548925.shtml", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    assert url_date(url) == expected


def test_find_date_forms() -> None:
    assert find_date("2025-07-14 01:59") == "2025-07-14"
    assert find_date("20190417", compact=True) == "2019-04-17"
    assert find_date("20190417") is None
    assert find_date("二〇二〇年十二月三十一日") == "2020-12-31"
    assert find_date("1850年1月1日") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于印发通知的通知_太原市人民政府", "关于印发通知的通知"),
        ("标题_政务公开_太原市人民政府", "标题"),
        ("市公安局召开会议 - 太原市公安局", "市公安局召开会议"),
        ("标题 | 山西新闻网", "标题"),
        ("标题－中国长安网", "标题"),
        (
            "太原：扫黑除恶不手软——128个涉黑恶团伙被打掉！",
            "太原：扫黑除恶不手软——128个涉黑恶团伙被打掉！",
        ),
        ("2019-2020年工作要点", "2019-2020年工作要点"),
        ("只有标题", "只有标题"),
    ],
)
def test_strip_site_suffix(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


# --- list pages ---------------------------------------------------------------------------------


def source(start: str = BASE + "/news/index.html", **changes: object) -> Source:
    return Source(name="t", publisher="T", tier="official", start_urls=[start], **changes)  # type: ignore[arg-type]


def test_fixture_list_page_links_and_create_page_html() -> None:
    html, _ = decode_page(fixture("news/index.html"), None, None)
    links, next_page = list_links(html, BASE + "/news/index.html", source())
    names = [link.removeprefix(BASE + "/news/") for link in links]
    assert names == [
        "201904/t20190416_1001.html",
        "201904/t20190417_1002.html",
        "mirror/1001.html",
        "flaky.html",
        "missing.html",
        "private/secret.html",
        "draft_0001.html",
    ]  # no pdf, no other host, no folder above, no fragment duplicate
    assert next_page == BASE + "/news/index_1.html"


def test_last_list_page_has_no_next() -> None:
    html, _ = decode_page(fixture("news/index_1.html"), None, None)
    links, next_page = list_links(html, BASE + "/news/index_1.html", source())
    assert next_page is None
    assert BASE + "/news/index.html" not in links
    assert BASE + "/news/201905/t20190520_1003.html" in links


@pytest.mark.parametrize(
    ("anchor", "base", "expected"),
    [
        ('<a href="list_2.html">下一页</a>', "/news/index.html", "/news/list_2.html"),
        ('<a href="p3.html"> 下一頁 </a>', "/news/p2.html", "/news/p3.html"),
        ('<a rel="next" href="?page=4">4</a>', "/news/?page=3", "/news/?page=4"),
        ('<a href="index_1.html">2</a><a href="index_2.html">3</a>', "/news/index.html", "/news/index_1.html"),
        ('<a href="index_1.html">2</a><a href="index_3.html">4</a>', "/news/index_2.html", "/news/index_3.html"),
        ('<a href="/news/?page=3">3</a>', "/news/?page=2", "/news/?page=3"),
        ("<script>createPageHTML('page_div', 5, 1, 'index', 'shtml');</script>", "/news/", "/news/index_2.shtml"),
        ('<a href="index_1.html">2</a>', "/news/index_3.html", None),
    ],
)  # fmt: skip
def test_next_page_detection(anchor: str, base: str, expected: str | None) -> None:
    _, next_page = list_links(page(body=anchor), BASE + base, source(BASE + "/news/"))
    assert next_page == (BASE + expected if expected else None)


def test_next_page_rules_css_and_regex() -> None:
    html = page(body='<a class="nx" href="n2.html">›</a><span data-next="r2.html"></span>')
    css = source(next_page=NextPageRule(css="a.nx"))
    regex = source(next_page=NextPageRule(regex=r'data-next="([^"]+)"'))
    assert list_links(html, BASE + "/news/index.html", css)[1] == BASE + "/news/n2.html"
    assert list_links(html, BASE + "/news/index.html", regex)[1] == BASE + "/news/r2.html"


def test_links_rule_reaches_outside_the_list_folder() -> None:
    html = page(
        body='<a href="/doc/2019/04/17/1.shtml">甲</a><a href="/news/2.html">乙</a>'
        '<a href="/doc/about.shtml">关于</a>'
    )
    default, _ = list_links(html, BASE + "/news/index.html", source())
    ruled, _ = list_links(
        html, BASE + "/news/index.html", source(links=r"/doc/\d{4}/\d{2}/\d{2}/\d+\.shtml$")
    )
    assert default == [BASE + "/news/2.html"]
    assert ruled == [BASE + "/doc/2019/04/17/1.shtml"]


def test_scope_is_host_and_port_exact() -> None:
    html = page(body='<a href="http://127.0.0.1:9999/news/a.html">甲</a><a href="b.html">乙</a>')
    links, _ = list_links(html, BASE + "/news/index.html", source())
    assert links == [BASE + "/news/b.html"]


# --- real saved pages (tests/fixtures/real-pages/README.md: GNE's test pages, not made up) -----

REAL = Path(__file__).parent / "fixtures" / "real-pages"


def real(name: str) -> ParsedPage:
    html, _ = decode_page((REAL / name).read_bytes(), None, None)
    return parse_article(html, "http://example.invalid/a.html")


def test_real_hidden_keyword_block_is_not_the_body() -> None:
    parsed = real("njxfhn-1.html")
    assert parsed.text.startswith("冒充银行经理来电骗事主称其有巨额信用卡欠款")
    assert "江门警方提示" in parsed.text
    assert "最新报导" not in parsed.text  # the display:none paragraphs


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("163-3.html", '奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?'),  # not the og:title
        ("gamersky-gamersky.html", "逆水寒再按照这个速度研发下去 应该马上就要收到律师函了！"),
        ("xinhuanet-1.html", "法国全国大罢工再次严重影响交通"),
        ("qq-2.html", "棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等"),
        (
            "other-1.html",
            "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007 年末国债余额限额的决议",
        ),
    ],
)
def test_real_titles(name: str, title: str) -> None:
    assert real(name).title == title


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("baijiahao-1.html", "2019-10-08"),  # meta dateUpdate
        ("other-1.html", "2007-08-20"),  # meta firstpublishedtime
        ("toutiao-4.html", "2019-11-25"),  # unlabelled byline under the headline
        ("xinhuanet-1.html", "2019-12-10"),  # the byline, not the related list's 2018 dates
    ],
)
def test_real_dates(name: str, date: str) -> None:
    assert real(name).published == date


def test_real_list_page_and_articles() -> None:
    assert real("list-163-1.html").list_page
    for name in ("163-3.html", "xinhuanet-1.html", "toutiao-4.html", "njxfhn-1.html"):
        assert not real(name).list_page, name


# --- made-up cases for each reading rule (every page here is made up) ---------------------------

ARTICLE = f"<p>{BODY}</p><p>{BODY}</p>"


@pytest.mark.parametrize(
    "hidden",
    [
        '<div style="display: none">{}</div>',
        '<div style="DISPLAY:NONE;color:red">{}</div>',
        '<section style="visibility:hidden">{}</section>',
        "<div hidden>{}</div>",
        "<template><div>{}</div></template>",
        "<noscript><div>{}</div></noscript>",
    ],
)
def test_hidden_blocks_never_become_the_body(hidden: str) -> None:
    keywords = "关键词示例市扫黑除恶招商引资旅游" * 30
    html = page("", hidden.format(f"<p>{keywords}</p>") + f'<div class="c">{ARTICLE}</div>')
    parsed = parse_article(html, BASE + "/x.html")
    assert BODY in parsed.text and "关键词" not in parsed.text


def test_hidden_element_keeps_the_text_after_it() -> None:
    html = page(
        "", f'<div><p>前文。<span style="display:none">隐藏</span>后文。</p>{ARTICLE}</div>'
    )
    text = parse_article(html, BASE + "/x.html").text
    assert "前文。后文。" in text and "隐藏" not in text


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        # a separator without spaces, cut where the h1 agrees
        (
            "<title>示例市召开推进会-示例频道</title>",
            "<h1>示例市召开推进会</h1>",
            "示例市召开推进会",
        ),
        ("<title>示例市召开推进会--示例新闻网</title>", "", "示例市召开推进会"),
        (
            "<title>示例市召开推进会|示例星空</title>",
            "<h1>示例市召开推进会</h1>",
            "示例市召开推进会",
        ),
        # a space before the page's own site name
        (
            '<meta name="SiteName" content="示例市中医院"><title>我院举办技能大赛 示例市中医院</title>',
            "",
            "我院举办技能大赛",
        ),
        # a column prefix, the rest repeated as the page's headline line
        (
            "<title>明日预测--示例指数上涨2.3%</title>",
            "<div>示例指数上涨2.3%</div>",
            "示例指数上涨2.3%",
        ),
        # real titles holding separators stay whole
        (
            "<title>棱镜|示例业大整顿_示例网</title>",
            "<h1>棱镜|示例业大整顿</h1>",
            "棱镜|示例业大整顿",
        ),
        ("<title>1-10月示例县投资增长</title>", "", "1-10月示例县投资增长"),
        ("<title>示例 通知</title>", "", "示例 通知"),
        # a truncated og:title gives way to the h1 that agrees with <title>
        (
            '<meta property="og:title" content="奖金7万元！"><title>奖金7万元！"示例奖"揭晓_示例新闻</title>',
            '<h1>奖金7万元！"示例奖"揭晓</h1>',
            '奖金7万元！"示例奖"揭晓',
        ),
    ],
)
def test_title_rules(head: str, body: str, expected: str) -> None:
    assert parse_article(page(head, body + ARTICLE), BASE + "/x.html").title == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ('<meta itemprop="dateUpdate" content="2019-10-08 12:00:57">', "", "2019-10-08"),
        ('<meta name="firstpublishedtime" content="2007-08-20-23:59:59">', "", "2007-08-20"),
        ('<meta name="apub:time" content="2019-9-7 21:30:50">', "", "2019-09-07"),
        ('<meta property="og:time " content="2019年11月25日 16:04">', "", "2019-11-25"),
        ('<meta name="publishdate" content="2019-06-15">', "", "2019-06-15"),
        (
            "<title>示例标题</title>",
            "<h1>示例标题</h1><div>发表于2014-08-24 21:30| 来源示例</div>",
            "2014-08-24",
        ),
        # the unlabelled date beside the source, right under the headline
        (
            "<title>示例标题</title>",
            "<h1>示例标题</h1><div>示例网 2019-11-25 10:37:31</div>",
            "2019-11-25",
        ),
        (
            "<title>示例标题</title>",
            "<h1>示例标题</h1><div>2019-09-07 13:43 来源: 示例报</div>",
            "2019-09-07",
        ),
    ],
)
def test_date_rules(head: str, body: str, expected: str) -> None:
    assert parse_article(page(head, body + ARTICLE), BASE + "/x.html").published == expected


def test_no_date_from_related_lists_or_comments() -> None:
    related = "".join(
        f'<li><a href="/a{i}.html">示例旧闻{i}</a> 2018-03-0{i} 08:58</li>' for i in range(1, 6)
    )
    body = f"<h1>示例标题</h1><div>{ARTICLE}</div><ul>{related}</ul><p>网友 2019-01-02 17:51:44</p>"
    assert parse_article(page("<title>示例标题</title>", body), BASE + "/x.html").published is None


def test_list_page_detection_made_up() -> None:
    items = "".join(
        f'<li><a href="/news/t2019041{i}_{i}.html">示例市召开第{i}次工作会议</a><span>2019-04-1{i}</span></li>'
        for i in range(6)
    )
    footer = (
        "<div>主办单位：示例市人民政府办公室 承办单位：示例市大数据中心 地址：示例市示例路1号" * 3
        + "</div>"
    )
    assert parse_article(page("", f"<ul>{items}</ul>{footer}"), BASE + "/news/").list_page
    article = page(
        "<title>示例标题</title>", f"<h1>示例标题</h1><div>{ARTICLE}</div><ul>{items}</ul>"
    )
    assert not parse_article(article, BASE + "/x.html").list_page
