"""The spaCy pipeline: components registered by name that put figures, claims and findings on a Doc.

    nlp = load_pipeline()
    doc = analyse(nlp, text, published="2019-04-15")
    doc.spans["figures"], doc._.claims, doc._.findings

The tokenizer is spaCy's character segmenter for Chinese: every character is a token, so a figure's
character offsets always make a Span, and no segmentation dictionary has to be loaded (jieba costs
seconds at start-up and its tokens cut numbers apart anyway). `segmenter="jieba"` stays available.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .checks import CHECKS, CheckContext, run_checks
from .claims import build_claims, split_sentences
from .figures import find_figures
from .text import MAX_ARTICLE_BYTES, normalize

SPAN_KEY = "figures"

for _name in ("norm", "published", "claims", "findings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("figure", "claim"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory("factcheck_figures")
def make_figures(nlp: Language, name: str) -> FigureFinder:
    """Factory for the component that marks every figure as a span in doc.spans["figures"]."""
    return FigureFinder()


class FigureFinder:
    """Finds figures in the normalised text and stores them as spans labelled by kind."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # rebuilt from the tokens on every access
        doc._.norm = normalize(text)
        spans = []
        for figure in find_figures(doc._.norm, doc._.published, text):
            span = doc.char_span(
                figure.start, figure.end, label=figure.kind, alignment_mode="expand"
            )
            if span is None:  # pragma: no cover - the character segmenter aligns every offset
                continue
            span._.figure = figure
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("factcheck_claims")
def make_claims(nlp: Language, name: str) -> ClaimBuilder:
    """Factory for the component that turns figures into claims with their context."""
    return ClaimBuilder()


class ClaimBuilder:
    """Adds measure, place, period, comparison and actor to every figure: doc._.claims."""

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[SPAN_KEY])
        claims = build_claims(doc._.norm, [s._.figure for s in spans], doc._.published)
        for span, claim in zip(spans, claims, strict=True):
            span._.claim = claim
        doc._.claims = claims
        return doc


@Language.factory("factcheck_checks", default_config={"checks": list(CHECKS)})
def make_checks(nlp: Language, name: str, checks: list[str]) -> ConsistencyChecker:
    """Factory for the component that runs the configured consistency checks: doc._.findings."""
    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; known: {', '.join(CHECKS)}")
    return ConsistencyChecker(checks)


class ConsistencyChecker:
    """Runs the named checks over the claims of one Doc."""

    def __init__(self, checks: list[str]) -> None:
        self.checks = checks

    def __call__(self, doc: Doc) -> Doc:
        context = CheckContext(
            doc._.norm, doc._.claims, split_sentences(doc._.norm), doc._.published
        )
        doc._.findings = run_checks(context, self.checks)
        return doc


def load_pipeline(checks: Iterable[str] | None = None, segmenter: str = "char") -> Language:
    """A blank Chinese pipeline with the factcheck components; `checks=[]` for extraction only."""
    if segmenter == "jieba":
        prepare_jieba()
    config = {"nlp": {"tokenizer": {"segmenter": segmenter}}}
    nlp = spacy.blank("zh", config=config)
    # Every article under the size limit must pass; a character is at least one byte.
    nlp.max_length = MAX_ARTICLE_BYTES
    nlp.add_pipe("factcheck_figures")
    nlp.add_pipe("factcheck_claims")
    names = list(CHECKS) if checks is None else list(checks)
    if names:
        nlp.add_pipe("factcheck_checks", config={"checks": names})
    return nlp


def prepare_jieba() -> Path:
    """Point jieba's dictionary cache at the user cache folder (not /tmp, not the current one)."""
    import jieba
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("factcheck"))
    folder.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(folder)
    jieba.setLogLevel(logging.WARNING)
    return folder


def make_doc(nlp: Language, text: str) -> Doc:
    """The Doc of a text: one token per character for the char segmenter, built directly.

    spaCy's own alignment of tokens to text (util.get_words_and_spaces) copies the rest of the text
    for every token, which is quadratic: over a minute for a 4 MiB article.
    """
    if getattr(nlp.tokenizer, "segmenter", None) == "char":
        return Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    return nlp.make_doc(text)


def analyse(nlp: Language, text: str, published: str | None = None) -> Doc:
    """Run the pipeline on one text, resolving relative dates against `published`."""
    doc = make_doc(nlp, text)
    doc._.published = published
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def analyse_many(
    nlp: Language, texts: Iterable[str], published: str | None = None, batch_size: int = 64
) -> Iterator[Doc]:
    """Batch form of analyse() through nlp.pipe (the publication date is shared by the batch)."""

    def with_date(stream: Iterable[str]) -> Iterator[Doc]:
        for text in stream:
            doc = make_doc(nlp, text)
            doc._.published = published
            yield doc

    yield from nlp.pipe(with_date(texts), batch_size=batch_size)
