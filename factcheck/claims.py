"""Claims: a figure with its context (measure, place, period, comparison, actor, sentence)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .figures import Figure, find_figures
from .measures import comparison_in, distribute_head, measure_after, measure_before, with_owner

_SENTENCE_END = "。！？!?"
_CLAUSE_BREAK = re.compile(r"[,，、:：。！？!?；;\n]")
_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_PLACE = re.compile(
    r"(?:" + "|".join(_PROVINCES) + r")(?:省|市|自治区)?|[\u4e00-\u9fff]{2}(?:市|县|区|州)"
)
# 农村社区, 建成区, 开发区: words ending in 区/市 that are not places.
_NOT_PLACE_END = frozenset(
    "社区 小区 园区 景区 城区 辖区 片区 街区 成区 山区 市区 郊区 地区 城市 都市 超市 股市 楼市 "
    "上市 门市 发区 验区 贸区 新区 集市".split()
)
_NOT_PLACE_START = set(
    "全本该各我其省市县区在从对把将由与和及是的了至于向据按为让这那暨议法出理辖郊城地"
)
_ACTOR = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:市委|省委|县委|区委|党委|政府|公安机关|公安局|公安厅|专案组|领导小组|"
    r"检察院|法院|纪委监委|纪委|监委|统计局|办公室|督导组)"
)
_PERIOD_KINDS = ("date", "duration")
_RANK_WORDS = re.compile(r"(?:位居|位列|名列|排名|排在|居于?)[\u4e00-\u9fff]{0,4}$")
_EVENT_VERB = re.compile(r"召开|举行|举办|开展|组织")
_LEADING_NOISE = re.compile(r"^(?:今年|去年|前年|本年|当年|在|由|经|据)+")
_BASELINE_BEFORE = re.compile(r"(?:较|比|与|同)$")


@dataclass
class Sentence:
    """A sentence (or a headline line) of the article, by offsets into its text."""

    start: int
    end: int
    paragraph: int
    headline: bool = False


@dataclass
class Claim:
    """A figure in context: what is counted, where, when, against what, by whom."""

    id: str
    figure: Figure
    sentence: Sentence
    measure: str | None = None
    place: str | None = None
    period: str | None = None
    period_value: str | None = None
    comparison: str | None = None
    actor: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.figure.start

    @property
    def end(self) -> int:
        return self.figure.end

    @property
    def text(self) -> str:
        return self.figure.text

    @property
    def kind(self) -> str:
        return self.figure.kind

    @property
    def unit(self) -> str | None:
        return self.figure.unit

    @property
    def value(self) -> Decimal | str | None:
        return self.figure.value

    @property
    def checkworthy(self) -> bool:
        return self.figure.checkworthy

    @property
    def headline(self) -> bool:
        return self.sentence.headline


def split_sentences(text: str) -> list[Sentence]:
    """Sentences by end punctuation and line breaks; the title line and its repeats are headlines."""
    lines = text.split("\n")
    # A bracketed note (【测试用虚构稿件】, 【编者按】) above the title is not the title.
    title = next((ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("【")), "")
    sentences: list[Sentence] = []
    offset = 0
    paragraph = 0
    for line in lines:
        if line.strip():
            is_headline = line.strip() == title
            start = offset
            for i, ch in enumerate(line):
                if ch in _SENTENCE_END:
                    sentences.append(Sentence(start, offset + i + 1, paragraph, is_headline))
                    start = offset + i + 1
            if line[start - offset :].strip():
                sentences.append(Sentence(start, offset + len(line), paragraph, is_headline))
            paragraph += 1
        offset += len(line) + 1
    return sentences


def build_claims(norm: str, figures: list[Figure], published: str | None = None) -> list[Claim]:
    """Attach context to every figure; `norm` is the normalised text the figures were found in."""
    sentences = split_sentences(norm)
    default_place = _main_place(norm)
    claims: list[Claim] = []
    for index, figure in enumerate(figures, start=1):
        sentence = _sentence_of(sentences, figure.start)
        claim = Claim(f"c{index}", figure, sentence)
        if figure.kind == "date" and _BASELINE_BEFORE.search(
            norm[max(0, figure.start - 1) : figure.start]
        ):
            claim.extra["baseline"] = True  # 较去年一季度: the comparison's base, not the period
        if figure.checkworthy:
            _add_context(claim, norm, sentences, claims, default_place)
        claims.append(claim)
    _pair_respectively(claims, norm)
    return claims


def extract_claims(text: str, published: str | None = None) -> list[Claim]:
    """Every claim in a text (article or bulletin), offsets into `text` as given."""
    from .text import normalize

    norm = normalize(text)
    return build_claims(norm, find_figures(norm, published, text), published)


def _sentence_index(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence holding offset (sentences are sorted and do not overlap), or -1."""
    at = bisect_right(sentences, offset, key=lambda s: s.start) - 1
    return at if at >= 0 and offset < sentences[at].end else -1


def _sentence_of(sentences: list[Sentence], offset: int) -> Sentence:
    at = _sentence_index(sentences, offset)
    return sentences[at] if at >= 0 else Sentence(offset, offset, -1)


def _add_context(
    claim: Claim,
    norm: str,
    sentences: list[Sentence],
    earlier: list[Claim],
    default_place: str | None,
) -> None:
    figure = claim.figure
    before = norm[claim.sentence.start : figure.start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    if figure.kind in ("count", "money"):
        claim.measure = _count_measure(norm[figure.end : figure.end + 40], clause)
    elif figure.kind in ("percent", "percent_change", "rank"):
        own = measure_before(_strip_direction(_RANK_WORDS.sub("", clause))) or None
        claim.measure = with_owner(own, _previous_measure(earlier, claim.sentence))
    claim.comparison = comparison_in(before)
    claim.place = _last_place(before) or _last_place(
        norm[claim.sentence.start : claim.sentence.end]
    )
    claim.place = claim.place or default_place
    actor = _ACTOR.findall(before)
    claim.actor = _LEADING_NOISE.sub("", actor[-1]) if actor else None
    if figure.kind not in _PERIOD_KINDS:
        period = _period_for(claim, earlier, sentences)
        if period is not None:
            claim.period = period.text
            claim.period_value = period.value if isinstance(period.value, str) else None


def _previous_measure(earlier: list[Claim], sentence: Sentence) -> str | None:
    for other in reversed(earlier):
        if other.sentence != sentence:
            return None
        if other.measure:
            return other.measure
    return None


def _count_measure(after_text: str, clause: str) -> str | None:
    """12次召开会议 counts the meetings of whoever is named before: 领导小组 + 会议."""
    verb = _EVENT_VERB.match(after_text)
    if verb:
        return (measure_before(clause) + measure_after(after_text[verb.end() :])) or None
    return measure_after(after_text) or measure_before(clause) or None


def _strip_direction(clause: str) -> str:
    return re.sub(
        r"(同比|环比)?(下降|减少|降低|回落|下跌|下滑|上升|增长|增加|提高|上涨|提升)了?$", "", clause
    )


def _period_for(claim: Claim, earlier: list[Claim], sentences: list[Sentence]) -> Figure | None:
    """The closest date or duration before the figure, in its sentence or the one before it."""
    here = claim.sentence
    index = _sentence_index(sentences, here.start)
    previous = sentences[index - 1] if index > 0 else None
    for other in reversed(earlier):
        if other.kind != "duration" and not (other.kind == "date" and _is_period_date(other)):
            continue
        if other.sentence is not here and not (
            previous is not None
            and other.sentence is previous
            and previous.paragraph == here.paragraph
        ):
            continue
        if other.extra.get("baseline"):
            continue
        return other.figure
    return None


def _is_period_date(claim: Claim) -> bool:
    # Years, quarters and months are periods; a single day is an event date.
    value = claim.value
    return isinstance(value, str) and value.count("-") <= 1


def places_in(text: str) -> list[str]:
    """Place names in text, in order: provinces, and two-character names before 市/县/区/州."""
    return [
        p
        for p in _PLACE.findall(text)
        if p[0] not in _NOT_PLACE_START and p[1] not in "全本该各" and p[-2:] not in _NOT_PLACE_END
    ]


def _last_place(text: str) -> str | None:
    found = places_in(text)
    return found[-1] if found else None


def _main_place(norm: str) -> str | None:
    counts = Counter(places_in(norm))
    return counts.most_common(1)[0][0] if counts else None


def _pair_respectively(claims: list[Claim], norm: str) -> None:
    """分别: A、B、C分别增长3.2%、5.1%和7.4% gives each figure its own measure."""
    for match in re.finditer("分别", norm):
        listed = _list_after(claims, norm, match.end())
        sentence_start = next((c.sentence.start for c in listed), match.start())
        head = _CLAUSE_BREAK.split(norm[sentence_start : match.start()].replace("、", "\x00"))[-1]
        head = re.sub(r"(同比|环比)$", "", head)
        names = [n for n in re.split(r"\x00|和|及|与", head) if n]
        if len(names) == len(listed) > 1:
            for claim, name in zip(listed, distribute_head(names), strict=True):
                claim.measure = measure_before(name)


def _list_after(claims: list[Claim], norm: str, at: int) -> list[Claim]:
    """The figures right after 分别…, joined only by 、和及: 下降12.6%、8.3%和5.9%."""
    listed: list[Claim] = []
    cursor = at
    for claim in claims:
        if claim.start < at or not claim.checkworthy:
            continue
        gap = norm[cursor : claim.start]
        if listed and not re.fullmatch(r"\s*[、,，]?\s*(?:和|及|与)?\s*", gap):
            break
        if not listed and re.search(r"[,，。;；]", gap):
            break
        listed.append(claim)
        cursor = claim.end
    return listed
