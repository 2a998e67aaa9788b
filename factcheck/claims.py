"""Claims: a figure with its context (measure, place, period, comparison, actor, sentence)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from .figures import Figure, find_figures
from .measures import comparison_in, distribute_head, measure_after, measure_before, with_owner
from .periods import CALENDAR, Period, PeriodReader, Scope
from .places import DEICTIC, Division, Mention, gazetteer

_SENTENCE_END = "。！？!?"
_CLAUSE_BREAK = re.compile(r"[,，、:：。！？!?；;\n]")
_ACTOR = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:市委|省委|县委|区委|党委|政府|公安机关|公安局|公安厅|专案组|领导小组|"
    r"检察院|法院|纪委监委|纪委|监委|统计局|办公室|督导组)"
)
_PERIOD_KINDS = ("date", "duration")
_THAT_CITY = re.compile(r"该(市|县|区|州|省)")
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
    place_code: str | None = None  # the gazetteer's six-digit code of the place, when resolved
    scope: Period | None = None  # the period with its kind, start and as-of date
    base: str | None = None  # the comparison base (较去年一季度 → 2018-Q1), not the period

    def scope_row(self) -> dict[str, str | None]:
        """The place and period columns of a stored claim or fact (migration 7)."""
        scope = self.scope
        return {
            "place_code": self.place_code,
            "period_kind": scope.kind if scope else None,
            "period_as_of": scope.as_of if scope else None,
            "period_key": scope.key if scope else None,
            "base": self.base,
        }

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


@dataclass
class _Context:
    """What every claim of one text shares: sentences, place mentions, the home place, periods."""

    norm: str
    sentences: list[Sentence]
    places: list[Mention]
    home: Division | None
    periods: PeriodReader
    paragraph_starts: dict[int, int]
    title: tuple[int, int] | None
    title_period: Period | None = None


def build_claims(
    norm: str,
    figures: list[Figure],
    published: str | None = None,
    home: Division | None = None,
    title: str | None = None,
) -> list[Claim]:
    """Attach context to every figure; `norm` is the normalised text the figures were found in.

    `home` is the publisher's jurisdiction (a bulletin's 全市); without it, the text's main place.
    `title` is a page's title when the text does not hold it (a bulletin's body).
    """
    context = _context(norm, figures, published, home, title)
    claims: list[Claim] = []
    for index, figure in enumerate(figures, start=1):
        sentence = _sentence_of(context.sentences, figure.start)
        claim = Claim(f"c{index}", figure, sentence)
        if figure.kind == "date" and _BASELINE_BEFORE.search(
            norm[max(0, figure.start - 1) : figure.start]
        ):
            claim.extra["baseline"] = True  # 较去年一季度: the comparison's base, not the period
        if figure.checkworthy:
            _add_context(claim, context, claims)
        claims.append(claim)
    _pair_respectively(claims, norm)
    return claims


def extract_claims(
    text: str,
    published: str | None = None,
    home: Division | None = None,
    title: str | None = None,
) -> list[Claim]:
    """Every claim in a text (article or bulletin), offsets into `text` as given."""
    from .text import normalize

    norm = normalize(text)
    title = normalize(title) if title and title.strip() not in text[: len(title) + 40] else None
    return build_claims(norm, find_figures(norm, published, text), published, home, title)


def _context(
    norm: str,
    figures: list[Figure],
    published: str | None,
    home: Division | None,
    title: str | None = None,
) -> _Context:
    sentences = split_sentences(norm)
    g = gazetteer()
    named = g.mentions(norm, [home] if home else None)
    title_period = None
    if title:
        # The title's places count towards the main place; its period is the last resort
        # before the publication date.
        home = home or g.main_place(g.mentions(title) + named)
        title_dates = [
            (f.start, f.end, f.kind, str(f.value)) for f in find_figures(title, published)
        ]
        title_period = PeriodReader(title, title_dates, published).title_period()
    home = home or g.main_place(named)
    places = sorted(named + _deictic_mentions(norm, named, home), key=lambda m: m.start)
    dates = [
        (f.start, f.end, f.kind, f.value)
        for f in figures
        if f.kind in _PERIOD_KINDS and isinstance(f.value, (str, Decimal))
    ]
    reader = PeriodReader(norm, [(s, e, k, str(v)) for s, e, k, v in dates], published)
    paragraph_starts: dict[int, int] = {}
    for sentence in sentences:
        paragraph_starts.setdefault(sentence.paragraph, sentence.start)
    title_span = next(((s.start, s.end) for s in sentences if s.headline), None)
    return _Context(
        norm, sentences, places, home, reader, paragraph_starts, title_span, title_period
    )


def _deictic_mentions(norm: str, named: list[Mention], home: Division | None) -> list[Mention]:
    """全市 / 我市 / 本市 as the home place; 该市 as the last place of that kind named before it."""
    g = gazetteer()
    found: list[Mention] = []
    for match in DEICTIC.finditer(norm):
        division = g.deictic(match.group(), home)
        that = _THAT_CITY.fullmatch(match.group())
        if that:
            earlier = [
                m.division
                for m in named
                if m.end <= match.start() and m.division and m.division.name.endswith(that.group(1))
            ]
            division = earlier[-1] if earlier else division
        if division is not None:
            found.append(Mention(match.start(), match.end(), match.group(), division, (division,)))
    return found


def _sentence_index(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence holding offset (sentences are sorted and do not overlap), or -1."""
    at = bisect_right(sentences, offset, key=lambda s: s.start) - 1
    return at if at >= 0 and offset < sentences[at].end else -1


def _sentence_of(sentences: list[Sentence], offset: int) -> Sentence:
    at = _sentence_index(sentences, offset)
    return sentences[at] if at >= 0 else Sentence(offset, offset, -1)


def _add_context(claim: Claim, context: _Context, earlier: list[Claim]) -> None:
    figure = claim.figure
    norm = context.norm
    # A bounded window: the words that qualify a figure sit close to it, and a 30,000-character
    # sentence must not be rescanned for each of its figures.
    before = norm[max(claim.sentence.start, figure.start - _CONTEXT_WINDOW) : figure.start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    if figure.kind in ("count", "money"):
        claim.measure = _count_measure(norm[figure.end : figure.end + 40], clause)
    elif figure.kind in ("percent", "percent_change", "rank"):
        own = measure_before(_strip_direction(_RANK_WORDS.sub("", clause))) or None
        claim.measure = with_owner(own, _previous_measure(earlier, claim.sentence))
    claim.comparison = comparison_in(before)
    _add_place(claim, context)
    actor = _ACTOR.findall(before)
    claim.actor = _LEADING_NOISE.sub("", actor[-1]) if actor else None
    if figure.kind not in _PERIOD_KINDS:
        paragraph_start = context.paragraph_starts.get(
            claim.sentence.paragraph, claim.sentence.start
        )
        scope = Scope(claim.sentence.start, paragraph_start, context.title)
        period, base = context.periods.period_for(figure.start, scope, context.title_period)
        claim.scope, claim.base = period, base
        if period.kind != "published":
            claim.period = period.text or period.describe()
            claim.period_value = period.value if period.kind == CALENDAR else None


_CONTEXT_WINDOW = 80


def _add_place(claim: Claim, context: _Context) -> None:
    """The last place named before the figure in its sentence, else in the sentence, else home."""
    sentence = claim.sentence
    places = context.places  # sorted by start: the sentence's mentions are one slice
    first = bisect_right(places, sentence.start - 1, key=lambda m: m.start)
    last = bisect_right(places, sentence.end, key=lambda m: m.start)
    in_sentence = [m for m in places[first:last] if m.end <= sentence.end]
    before = [m for m in in_sentence if m.end <= claim.start]
    named = before or in_sentence
    if named:
        mention = named[-1]
        division = mention.division
        claim.place = division.name if division else mention.text
        claim.place_code = division.code if division else None
    elif context.home is not None:
        claim.place, claim.place_code = context.home.name, context.home.code


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
