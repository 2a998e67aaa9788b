"""Untrusted HTML pages: decode bytes, read an article (title, date, text), find links on lists."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from bs4.element import Tag
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

if TYPE_CHECKING:
    from factcheck.sources import Selectors, Source

# --- decoding -----------------------------------------------------------------------------------

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz"}
_SINGLE_BYTE_WESTERN = {"latin_1", "iso8859_1", "cp1252", "ascii"}
_DETECTABLE = ["utf_8", "gb18030", "big5"]
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SNIFF_BYTES = 16_384


def normalize_encoding(name: str | None) -> str | None:
    """A codec name Python knows, with gb2312/gbk widened to gb18030; None if unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec.replace("-", "_") in _GB_FAMILY:
        return "gb18030"  # pages declaring gb2312 hold GBK-only characters such as 镕
    return codec


def decode_page(data: bytes, content_type: str | None, override: str | None) -> tuple[str, str]:
    """Decode page bytes: override, BOM, HTTP then meta charset (checked), then detection."""
    if override:
        encoding = normalize_encoding(override) or override
        return data.decode(encoding, errors="replace"), encoding
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding
    if data.isascii():
        return data.decode("ascii"), "ascii"
    declared = [_header_charset(content_type), _meta_charset(data)]
    candidates = [c for c in dict.fromkeys(map(normalize_encoding, declared)) if c]
    utf8 = _strict(data, "utf-8")
    for encoding in candidates:
        if encoding.replace("-", "_") in _SINGLE_BYTE_WESTERN:
            continue  # servers default to ISO-8859-1 for pages that are not; it decodes anything
        if encoding != "utf-8" and utf8 is not None and _has_wide(utf8):
            return utf8, "utf-8"  # real GBK text is almost never valid UTF-8: the label lies
        text = _strict(data, encoding)
        if text is not None:
            return text, encoding
    if utf8 is not None and _has_wide(utf8):
        return utf8, "utf-8"
    return _detect(data, candidates)


def _detect(data: bytes, declared: list[str]) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_DETECTABLE).best()
    if best is not None:
        encoding = normalize_encoding(best.encoding) or "gb18030"
        return str(best), encoding
    for encoding in declared:  # a Western label is the last resort before guessing Chinese
        text = _strict(data, encoding)
        if text is not None:
            return text, encoding
    return data.decode("gb18030", errors="replace"), "gb18030"


def _has_wide(text: str) -> bool:
    # UTF-8 CJK takes three bytes; a few GBK pairs can pass as two-byte UTF-8 (U+0080..U+07FF).
    return any(ord(c) >= 0x800 for c in text)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


# --- articles -----------------------------------------------------------------------------------


@dataclass
class ParsedPage:
    """What an article page says: title, publication date (YYYY-MM-DD) and main text."""

    title: str
    published: str | None
    text: str  # paragraphs joined by "\n"
    canonical: str | None = None  # <link rel=canonical> or og:url, absolute, when present
    list_page: bool = False  # a list of links (an index or column page), not an article


_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "nav", "object", "svg")
_BLOCKS = frozenset(
    ("p", "div", "br", "hr", "li", "ul", "ol", "dl", "dd", "dt", "tr", "table", "tbody", "thead",
     "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
     "header", "footer", "aside", "blockquote", "pre", "form", "center", "figure", "figcaption",
     "address")
)  # fmt: skip
_CELL_TAGS = frozenset(("td", "th"))
_CONTAINERS = {"div", "td", "section", "article", "main", "body", "center"}
_BREAK = "\ue000"  # private-use marks for our line and cell breaks, never in real text
_CELL = "\ue001"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]) (?=[\u3400-\u9fff])")
_UCAP_XPATH = '//*[@id="UCAP-CONTENT"]'
_TRS_XPATH = '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]'
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)

_TITLE_METAS = ("articletitle", "og:title", "title")
_DATE_METAS = (  # publication first; an update stamp only when nothing else is given
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "apub:time",
    "og:time",
    "dc.date",
    "dcterms.issued",
    "dateupdate",
)
_SITE_METAS = ("sitename", "og:site_name", "columnname", "application-name")
_SITE_SUFFIX = re.compile(
    r"(人民政府|政府|门户网站?|門戶網站?|网站|網站|网|網|局|委员会|委員會|委|厅|廳|院|办公室|辦公室"
    r"|日报|日報|晚报|晚報|报|報|新闻|新聞|首页|首頁|频道|頻道|栏目|欄目|专题|專題|政务公开|政務公開"
    r"|信息公开|資訊公開|动态|動態|要闻|要聞|[A-Za-z.]+\.(?:cn|com|net|org))$"
)
_BRACKETED = re.compile(r"\s*[（(【\[][^（）()【】\[\]]*[）)】\]]$")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|\s[-–—－]\s|－|(?<!—)—(?!—))\s*")
# Looser splits (bare -, --, spaces) cut a title only where a heading on the page agrees.
_LOOSE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|-{1,2}|[–—－]{1,2})\s*|\s+")
_LOOSE_TAIL = re.compile(
    r"(?:\s*(?<![-–—－])(?:-{1,2}|[–—－]{2})(?![-–—－])\s*|\s+)([^\s\-–—－_|｜]+)$"
)
_BARE_DASH = re.compile(r"\D-{1,2}|-{1,2}\D")  # not 1-10月
_HIDDEN_XPATH = etree.XPath("//*[@hidden or @style]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HEADING_MAX = 120  # longer lines are paragraphs, not headlines


def parse_article(html: str, url: str, selectors: Selectors | None = None) -> ParsedPage:
    """Read title, date and main text from an article page; selectors first, then generic rules."""
    root = _tree(html)
    if root is None:
        return ParsedPage(title="", published=url_date(url), text="")
    metas = _metas(root)
    canonical = _canonical(root, metas, url)
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    if _may_hide(html):  # most pages hide nothing: skip the tree search
        drop_hidden(root)
    picked = _pick(html, selectors) if selectors else _Picked()
    lines = _LazyLines(root)
    title = picked.title or _generic_title(root, metas, lines)
    published = picked.published or _generic_date(metas, url, lines, title)
    list_page = False
    if picked.body is not None:
        body = picked.body
    else:
        block = _main_block(root)
        body = _lines(block) if block is not None else []
        list_page = _looks_like_list(root, block)
    return ParsedPage(
        title=title,
        published=published,
        text="\n".join(body),
        canonical=canonical,
        list_page=list_page,
    )


def is_list_page(html: str) -> bool:
    """Whether a page is a list of links rather than an article (see ParsedPage.list_page)."""
    return parse_article(html, "").list_page


def text_date(lines: Iterable[str]) -> str | None:
    """The publication date named by date lines (发布时间：…, 日期：…, a bare 2019年04月17日 line)."""
    best: tuple[int, str] | None = None
    for line in lines:
        found = _line_date(line)
        if found and (best is None or found[0] < best[0]):
            best = found
            if found[0] == 0:
                break
    return best[1] if best else None


def _tree(html: str) -> HtmlElement | None:
    # lxml refuses NUL and other control characters, and str input with an encoding declaration.
    text = _XML_DECLARATION.sub("", _CONTROL.sub("", html), count=1)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _may_hide(html: str) -> bool:
    # Substring tests run in C; a case-insensitive regex over the page cost a third of a parse.
    low = html.lower()
    return "hidden" in low or ("none" in low and "display" in low)


def drop_hidden(root: HtmlElement) -> None:
    """Remove what a browser does not show: the hidden attribute, inline display:none and
    visibility:hidden (keyword blocks hidden this way can be a page's densest text)."""
    for element in _HIDDEN_XPATH(root):
        hidden = element.get("hidden") is not None or _HIDDEN_STYLE.search(
            element.get("style") or ""
        )
        if hidden and element.getparent() is not None:
            element.drop_tree()  # keeps the tail: it belongs to the parent


def _metas(root: HtmlElement) -> dict[str, str]:
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            metas.setdefault(key.strip().lower(), content.strip())
    return metas


def _canonical(root: HtmlElement, metas: dict[str, str], url: str) -> str | None:
    links = [
        link.get("href")
        for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    for href in [*links, metas.get("og:url")]:
        if href and href.strip():
            absolute = str(urldefrag(urljoin(url, str(href).strip()))[0])
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return None


def _lines(element: HtmlElement) -> list[str]:
    """The element's text as lines: block tags and <br> break lines, inline tags do not, and
    table cells are joined by tabs (a table row stays one line)."""
    chunks: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""  # comments have no text of ours
        if tag in _BLOCKS:
            chunks.append(_BREAK)
        if event == "start":
            if tag and node.text:
                chunks.append(node.text)
            continue
        if tag in _CELL_TAGS:
            chunks.append(_CELL)
        if node.tail and node is not element:
            chunks.append(node.tail)
    out = []
    for chunk in "".join(chunks).split(_BREAK):
        cells = (_CJK_GAP.sub("", _SPACES.sub(" ", cell).strip()) for cell in chunk.split(_CELL))
        line = "\t".join(cell for cell in cells if cell)
        if line:
            out.append(line)
    return out


class _LazyLines:
    """The body's lines, read once and only when a rule needs them (a full-tree pass)."""

    def __init__(self, root: HtmlElement) -> None:
        self._root = root
        self._lines: list[str] | None = None

    def get(self) -> list[str]:
        if self._lines is None:
            body = self._root.find("body")
            self._lines = _lines(body if body is not None else self._root)
        return self._lines


@dataclass
class _Picked:
    title: str | None = None
    published: str | None = None
    body: list[str] | None = None


def _pick(html: str, selectors: Selectors) -> _Picked:
    """What the source's CSS selectors find (soupsieve needs a BeautifulSoup tree)."""
    picked = _Picked()
    if not (selectors.title or selectors.date or selectors.body):
        return picked
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    title = _selected_lines(soup, selectors.title)
    picked.title = " ".join(title) if title else None
    if selectors.date:
        found = soup.select_one(selectors.date)
        if isinstance(found, Tag):
            content = found.get("content") or found.get("datetime")
            text = content if isinstance(content, str) else found.get_text(" ")
            picked.published = find_date(text, compact=isinstance(content, str))
    picked.body = _selected_lines(soup, selectors.body)
    return picked


def _selected_lines(soup: BeautifulSoup, css: str | None) -> list[str] | None:
    found = soup.select_one(css) if css else None
    if not isinstance(found, Tag):
        return None
    fragment = lxml_html.fragment_fromstring(str(found), create_parent="div")
    return _lines(fragment) or None


def _generic_title(root: HtmlElement, metas: dict[str, str], lines: _LazyLines) -> str:
    """The meta or <title> title, cut to the heading on the page that agrees with it, else with
    its site suffix stripped; a meta title that is a truncated <title> gives way to it."""
    element = root.find(".//title")
    tag_title = _SPACES.sub(" ", element.text_content()).strip() if element is not None else ""
    meta_titles = [_SPACES.sub(" ", metas[k]).strip() for k in _TITLE_METAS if metas.get(k)]
    h1s = {_squash(h.text_content()) for h in root.iter("h1")} - {""}
    candidates = [t for t in dict.fromkeys([*meta_titles[:1], tag_title, *meta_titles[1:]]) if t]
    cuttable = [t for t in candidates if _LOOSE_SEPARATORS.search(t) or _squash(t) in h1s]
    for text in cuttable:  # the h1 first
        agreed = _agreed_title(text, h1s, share=0.0)  # the h1 is evidence enough
        if agreed:
            return agreed
    whole = [t for t in meta_titles if not _truncates(t, tag_title)]
    if whole and not _TITLE_SEPARATORS.search(whole[0]) and not _BARE_DASH.search(whole[0]):
        return whole[0]  # a CMS field such as ArticleTitle: nothing to cut, no pass over the page
    if cuttable:
        headings = _headings(h1s, lines.get())  # then any short line (a full pass)
        for text in cuttable:
            agreed = _agreed_title(text, headings)
            if agreed:
                return agreed
    if whole:
        return strip_site_suffix(whole[0], metas)
    if tag_title:
        return strip_site_suffix(tag_title, metas)
    for heading in root.iter("h1", "h2"):
        return " ".join(_lines(heading))
    return ""


def _truncates(meta: str, tag_title: str) -> bool:
    # og:title "奖金711万元！" cut at a quote from <title> "奖金711万元！"中国诺贝尔奖"…_网易新闻"
    # and not '通知' from '通知_示例市人民政府', where the rest starts at a separator.
    whole, part = _squash(tag_title), _squash(meta)
    if len(whole) <= len(part) or not whole.startswith(part):
        return False
    return _LOOSE_SEPARATORS.match(whole[len(part) :]) is None


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _headings(h1s: set[str], lines: list[str]) -> set[str]:
    found = set(h1s)
    found.update(_squash(line) for line in lines if len(line) <= _HEADING_MAX)
    found.discard("")
    return found


def _agreed_title(text: str, headings: set[str], share: float = 0.5) -> str | None:
    """The longest run of the title's parts that a heading or short line on the page repeats,
    when it holds most of the title and is not itself a site name."""
    whole = _squash(text)
    if whole in headings:
        return text
    spans, start = [], 0
    for separator in _LOOSE_SEPARATORS.finditer(text):
        if separator.start() > start:
            spans.append((start, separator.start()))
        start = separator.end()
    if start < len(text):
        spans.append((start, len(text)))
    best: str | None = None
    for i in range(len(spans)):
        for j in range(len(spans) - 1, i - 1, -1):
            if (i, j) == (0, len(spans) - 1):
                continue
            kept = text[spans[i][0] : spans[j][1]].strip()
            squashed = _squash(kept)
            if len(squashed) < share * len(whole) or (best and len(kept) <= len(best)):
                continue
            if squashed in headings and not _site_like(kept):
                best = kept
    return best


def strip_site_suffix(title: str, metas: dict[str, str] | None = None) -> str:
    """Drop trailing site and column names: '通知_太原市人民政府' -> '通知'; after a bare '-' or
    '--' only a site-like name, after a space only the page's own site or column name."""
    names = {v.strip() for k, v in (metas or {}).items() if k in _SITE_METAS}
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    while len(parts) > 1 and (parts[-1].strip() in names or _site_like(parts[-1])):
        parts.pop()
    if len(parts) == len([p for p in _TITLE_SEPARATORS.split(title) if p.strip()]):
        kept = title.strip()  # nothing dropped: keep the title's own punctuation
    else:
        kept = _rejoin(title, parts)
    while True:
        loose = _loose_suffix(kept, names)
        if loose is None:
            return kept
        kept = loose


def _loose_suffix(title: str, names: set[str]) -> str | None:
    """The title without its last part after a bare dash or a space, when that part names a
    site ('…-新华网', '… 湖南省中医药研究院附属医院' given as SiteName); None otherwise."""
    match = _LOOSE_TAIL.search(title)
    if match is None or not match.group(1).strip():
        return None
    head, separator, tail = (
        title[: match.start()],
        match.group(0)[: -len(match.group(1))],
        match.group(1),
    )
    if not head.strip() or (head[-1].isdigit() and tail[0].isdigit()):
        return None  # 1-10月, 2019-2020年: a range, not a separator
    if tail in names or (separator.strip() and _site_like(tail)):
        return head.rstrip()
    return None


def _site_like(part: str) -> bool:
    # "示例市公安局（虚构）", "太原市人民政府", "山西新闻网", "www.gov.cn"
    return bool(_SITE_SUFFIX.search(_BRACKETED.sub("", part.strip())))


def _rejoin(title: str, parts: list[str]) -> str:
    # Keep the original separators between the parts we keep.
    end = 0
    for part in parts:
        end = title.index(part, end) + len(part)
    return title[:end].strip()


def _generic_date(metas: dict[str, str], url: str, lines: _LazyLines, title: str) -> str | None:
    for key in _DATE_METAS:
        found = find_date(metas.get(key, ""), compact=True)
        if found:
            return found
    return text_date(lines.get()) or _byline_date(lines.get(), title) or url_date(url)


def _byline_date(lines: list[str], title: str) -> str | None:
    """An unlabelled date and time in the byline just under the headline ('中国网 2019-11-25
    10:37', '2019-09-07 13:43 来源：…'); never from lists or footers further down."""
    wanted = _squash(title)
    if not wanted:
        return None
    for i, line in enumerate(lines):
        if _squash(line) == wanted:
            for byline in lines[i + 1 : i + 1 + _BYLINE_LINES]:
                if len(byline) > _BYLINE_MAX or _sentence_ends(byline):
                    return None  # the body has begun: the byline comes before it
                if _BYLINE_TIME.search(byline):
                    found = find_date(byline)
                    if found:
                        return found
            return None
    return None


# --- dates --------------------------------------------------------------------------------------

_YMD = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
_DATE_RE = re.compile(_YMD)
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_CN_DIGIT = "〇零○ＯO一二三四五六七八九"
_CN_DATE_RE = re.compile(
    rf"([{_CN_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,2}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
)
_LABELS = (  # rank: a lower rank wins; 成文日期 is when a document was signed, not published
    (
        0,
        r"(?:发布|發佈|發布|公布|公佈|发表|發表|发稿|發稿|更新)(?:(?:时间|時間|日期)\s*[:：]?|于|於)",
    ),
    (1, r"(?<![文布佈表稿新])(?:日期|时间|時間)\s*[:：]"),
    (2, r"(?:成文|发文|發文)日期\s*[:：]?"),
)
_BYLINE_LINES = 4
_BYLINE_MAX = 80
_BYLINE_TIME = re.compile(_YMD + r"\s*\d{1,2}:\d{2}|" + _YMD + r"[^\d]{0,8}(?:来源|來源)")
_LABEL_RES = [(rank, re.compile(label + r"\s*(.{0,30})")) for rank, label in _LABELS]
_BARE_LINE = re.compile(r"^[\[【(（]?\s*(" + _YMD + r")")
_URL_DATES = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/((?:19|20)\d{2})-?(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)


def find_date(text: str, *, compact: bool = False) -> str | None:
    """The first date in text as YYYY-MM-DD: 2019-04-17, 2019/4/17, 2019年4月17日, 二〇一九年四月十七日."""
    text = unicodedata.normalize("NFKC", text or "")
    match = _DATE_RE.search(text) or (_COMPACT_RE.search(text) if compact else None)
    if match:
        return _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _CN_DATE_RE.search(text)
    if match:
        year = int("".join(str(_cn_digit(c)) for c in match.group(1)))
        return _iso(year, _cn_small(match.group(2)), _cn_small(match.group(3)))
    return None


def url_date(url: str) -> str | None:
    """A date written in an article URL: /201904/t20190416_123.html, /2019/04/16/, /2019-04/16/."""
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if match:
            found = _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if found:
                return found
    return None


def _line_date(line: str) -> tuple[int, str] | None:
    line = unicodedata.normalize("NFKC", line)
    for rank, pattern in _LABEL_RES:
        for match in pattern.finditer(line):
            found = find_date(match.group(1))
            if found and _starts_with_date(match.group(1)):
                return rank, found
    if len(line) <= 60:
        bare = _BARE_LINE.match(line)
        if bare:
            found = find_date(bare.group(1))
            if found:
                return 3, found
    return None


def _starts_with_date(text: str) -> bool:
    # "日期：2019-04-17" names a date; "时间：近一年来，2019年…" does not.
    return bool(re.match(r"\s*[\[【(（]?\s*(?:(?:19|20)\d{2}|[" + _CN_DIGIT + "]{4})", text))


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1949 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cn_digit(char: str) -> int:
    return 0 if char in "〇零○ＯO" else "一二三四五六七八九".index(char) + 1


def _cn_small(text: str) -> int:
    # 十=10, 十七=17, 二十=20, 三十一=31, 七=7
    if "十" not in text:
        return _cn_digit(text)
    tens, _, units = text.partition("十")
    return (_cn_digit(tens) if tens else 1) * 10 + (_cn_digit(units) if units else 0)


# --- finding the main block ---------------------------------------------------------------------


_LIST_LINK_SHARE = 0.5  # on 62 real articles links hold up to 0.70 of the text, on lists 0.83+
_LIST_DATED_LINKS = 5
_NEAR_DATE = re.compile(_YMD + r"|(?<!\d)\d{1,2}-\d{2}(?!\d)")


def _looks_like_list(root: HtmlElement, block: HtmlElement | None) -> bool:
    """A list page: its main block has no sentence outside links, and links hold most of the
    text or several links carry dates (2019-04-17 beside a title)."""
    if block is not None:
        ends = _sentence_ends(block.text_content())
        if ends > sum(_sentence_ends(a.text_content()) for a in block.iter("a")):
            return False  # an article: a sentence of its own
    body = root.find("body")
    body = body if body is not None else root
    total = _cjk_count(body.text_content())
    if total and _link_cjk(body) >= _LIST_LINK_SHARE * total:
        return True
    return sum(_dated(a) for a in body.iter("a")) >= _LIST_DATED_LINKS


def _sentence_ends(text: str) -> int:
    return sum(text.count(mark) for mark in "。！？!?")  # str.count: faster than a regex here


def _dated(anchor: HtmlElement) -> bool:
    parent = anchor.getparent()
    near = anchor.text_content() + (anchor.tail or "")[:40]
    if parent is not None and parent.tag in ("li", "td", "dd", "dt", "p") and len(parent) <= 4:
        near += parent.text_content()[:200]
    return bool(_NEAR_DATE.search(near) or url_date(anchor.get("href") or ""))


def _main_block(root: HtmlElement) -> HtmlElement | None:
    known = [*root.xpath(_UCAP_XPATH), *root.xpath(_TRS_XPATH), *root.iter("article")]
    for element in known:
        if _cjk_count(element.text_content()) >= 1:
            return cast(HtmlElement, element)
    return _densest_block(root)


def _densest_block(root: HtmlElement) -> HtmlElement | None:
    """The container whose own paragraphs hold the most CJK text (link text does not count)."""
    scores: dict[HtmlElement, int] = {}
    stack: list[tuple[HtmlElement | None, bool]] = []  # (nearest container, inside a link)

    def credit(state: tuple[HtmlElement | None, bool], text: str | None) -> None:
        container, in_link = state
        count = _cjk_count(text) if text and container is not None and not in_link else 0
        if count and container is not None:
            scores[container] = scores.get(container, 0) + count

    for event, node in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            stack.pop()
            if stack:
                credit(stack[-1], node.tail)
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        outer = stack[-1] if stack else (None, False)
        state = (node if tag in _CONTAINERS else outer[0], outer[1] or tag == "a")
        stack.append(state)
        if tag:
            credit(state, node.text)
    if not scores:
        return root.find("body")
    best = max(scores, key=lambda element: scores[element])
    return _widen(best, scores)


def _widen(block: HtmlElement, scores: dict[HtmlElement, int]) -> HtmlElement:
    # Paragraphs split over sibling <div>s credit each child; climb while the parent holds much
    # more of the text than the block alone.
    parent = block.getparent()
    while parent is not None and parent.tag in _CONTAINERS and parent.tag != "body":
        own = _cjk_count(block.text_content())
        total = _cjk_count(parent.text_content()) - _link_cjk(parent)
        scored = [child for child in parent if child in scores]
        if own >= 0.6 * total or len(scored) < 2:
            break
        block, parent = parent, parent.getparent()
    return block


def _link_cjk(element: HtmlElement) -> int:
    return sum(_cjk_count(a.text_content()) for a in element.iter("a"))


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


# --- list pages ---------------------------------------------------------------------------------

_NEXT_TEXTS = {"下一页", "下一頁", "下页", "下頁", "next", "next page", "next »", "»", "›", ">"}
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,"
    r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_INDEX_PAGE = re.compile(r"^(.*/)(index|list|default)(?:_(\d+))?\.(s?html?|jsp|php)$", re.I)
_PAGE_PARAMS = {"page", "pageno", "pageindex", "pagenum", "p", "pn", "curpage", "page_no"}
_SKIP_EXTENSIONS = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|wps|ofd|zip|rar|7z|gz|jpe?g|png|gif|bmp|svg|mp[34]|avi|flv|swf"
    r"|css|js|xml|json|apk|exe)$",
    re.I,
)


def list_links(html: str, base_url: str, source: Source) -> tuple[list[str], str | None]:
    """The article links in scope on a list page, and the next list page (None on the last)."""
    root = _tree(html)
    if root is None:
        return [], None
    anchors = _anchors(root, base_url)
    next_page = _next_page(html, root, anchors, base_url, source)
    links = []
    seen = {base_url, next_page, *source.start_urls}  # a set: 100,000 links stay linear
    for url, _text in anchors:
        if url in seen:
            continue
        seen.add(url)
        if _in_scope(url, source):
            links.append(url)
    return links, next_page


def _anchors(root: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme in ("http", "https"):
            out.append((url, _SPACES.sub(" ", a.text_content()).strip()))
    return out


def _in_scope(url: str, source: Source) -> bool:
    if source.links:
        return _compiled(source.links).search(url) is not None
    if _SKIP_EXTENSIONS.search(urlsplit(url).path) or _is_list_page(url):
        return False
    return any(_under(url, start) for start in source.start_urls)


def _under(url: str, start: str) -> bool:
    a, b = urlsplit(url), urlsplit(start)
    if (a.hostname or "").lower() != (b.hostname or "").lower() or a.port != b.port:
        return False
    folder = b.path[: b.path.rfind("/") + 1] or "/"
    return a.path.startswith(folder) and a.path != folder


def _is_list_page(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path.endswith("/") or _INDEX_PAGE.match(parts.path):
        return True
    return any(k.lower() in _PAGE_PARAMS for k, _ in parse_qsl(parts.query))


def _next_page(
    html: str, root: HtmlElement, anchors: list[tuple[str, str]], base_url: str, source: Source
) -> str | None:
    rule = source.next_page
    if rule and rule.css:
        found = BeautifulSoup(html, "lxml").select_one(rule.css)  # soupsieve speaks CSS
        href = found.get("href") if isinstance(found, Tag) else None
        return _absolute(href, base_url) if isinstance(href, str) else None
    if rule and rule.regex:
        match = _compiled(rule.regex).search(html)
        if not match:
            return None
        return _absolute(match.group(1) if match.groups() else match.group(0), base_url)
    return _detect_next(html, root, anchors, base_url)


def _detect_next(
    html: str, root: HtmlElement, anchors: list[tuple[str, str]], base_url: str
) -> str | None:
    for element in root.iter("a", "link"):
        if "next" in (element.get("rel") or "").lower().split() and element.get("href"):
            return _absolute(element.get("href"), base_url)
    for url, text in anchors:
        if text.lower() in _NEXT_TEXTS and url != base_url:
            return url
    create = _CREATE_PAGE.search(html)
    if create:
        return _create_page_next(create, base_url)
    return _incremented(anchors, base_url)


def _create_page_next(match: re.Match[str], base_url: str) -> str | None:
    # createPageHTML(count, current, "index", "html"): page 0 is index.html, page n index_n.html
    count, current, prefix, suffix = int(match[1]), int(match[2]), match[3], match[4]
    if current + 1 >= count:
        return None
    return urljoin(base_url, f"{prefix}_{current + 1}.{suffix}")


def _incremented(anchors: list[tuple[str, str]], base_url: str) -> str | None:
    # A link to index_{n+1}.html or ?page={n+1} from page n is the next page.
    wanted = set(_next_numbered(base_url))
    return next((url for url, _ in anchors if url in wanted), None)


def _next_numbered(url: str) -> list[str]:
    parts = urlsplit(url)
    out = []
    path = parts.path if not parts.path.endswith("/") else parts.path + "index.html"
    match = _INDEX_PAGE.match(path)
    if match:
        folder, stem, number, ext = match.groups()
        current = int(number) if number else 0
        for step in (1, 2) if number is None else (1,):  # some sites number page two as _2
            candidate = f"{folder}{stem}_{current + step}.{ext}"
            out.append(urlunsplit(parts._replace(path=candidate)))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (key, value) in enumerate(query):
        if key.lower() in _PAGE_PARAMS and value.isdigit():
            bumped = [*query[:i], (key, str(int(value) + 1)), *query[i + 1 :]]
            out.append(urlunsplit(parts._replace(query=urlencode(bumped))))
    if not query:
        for key in ("page", "p"):
            out.append(urlunsplit(parts._replace(query=f"{key}=2")))
    return out


def _absolute(href: str | None, base_url: str) -> str | None:
    if not href or href.strip().lower().startswith("javascript:"):
        return None
    url = urldefrag(urljoin(base_url, href.strip()))[0]
    if urlsplit(url).scheme not in ("http", "https") or url == base_url:
        return None
    return url


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
