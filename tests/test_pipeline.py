"""The spaCy pipeline: components by name, spans and extensions on the Doc, batch processing."""

from __future__ import annotations

from factcheck.pipeline import SPAN_KEY, analyse, analyse_many, load_pipeline


def test_components_are_registered_by_name(nlp) -> None:  # type: ignore[no-untyped-def]
    assert nlp.pipe_names == ["factcheck_figures", "factcheck_claims", "factcheck_checks"]
    extraction_only = load_pipeline(checks=[])
    assert "factcheck_checks" not in extraction_only.pipe_names


def test_spans_carry_figures_and_claims(nlp, taiyuan_text: str) -> None:  # type: ignore[no-untyped-def]
    doc = analyse(nlp, taiyuan_text, "2019-04-15")
    spans = list(doc.spans[SPAN_KEY])
    assert len(spans) == len(doc._.claims) > 40
    for span in spans:
        assert span.text == span._.figure.text == span._.claim.text
        assert span.label_ == span._.claim.kind
    assert any(s._.claim.measure == "涉黑涉恶犯罪团伙" for s in spans)


def test_checks_are_chosen_by_configuration(taiyuan_text: str) -> None:
    nlp = load_pipeline(checks=["percent_range"])
    doc = analyse(nlp, taiyuan_text)
    assert {f.check for f in doc._.findings} == {"percent_range"}


def test_batch_matches_single(nlp, taiyuan_text: str) -> None:  # type: ignore[no-untyped-def]
    texts = [taiyuan_text, "刑事案件同比下降19.3%。"]
    docs = list(analyse_many(nlp, texts, "2019-04-15"))
    assert [len(d._.claims) for d in docs] == [
        len(analyse(nlp, t, "2019-04-15")._.claims) for t in texts
    ]


def test_jieba_segmenter_caches_in_the_user_cache(tmp_path, monkeypatch, taiyuan_text: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    nlp = load_pipeline(segmenter="jieba")
    doc = analyse(nlp, taiyuan_text, "2019-04-15")
    assert any(s.text == "128個" for s in doc.spans[SPAN_KEY])
    cached = list((tmp_path / "cache" / "factcheck").glob("jieba*.cache"))
    assert cached, list((tmp_path / "cache").rglob("*"))
    assert not list(tmp_path.glob("*.cache"))


def test_docs_are_one_token_per_character_with_the_text_unchanged(nlp) -> None:  # type: ignore[no-untyped-def]
    from factcheck.pipeline import make_doc

    text = "太原市 共打掉\n128个。 "
    doc = make_doc(nlp, text)
    assert doc.text == text
    assert len(doc) == len(text)
