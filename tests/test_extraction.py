"""Extraction against every hand-checked claim sheet in claims/."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHEETS

from factcheck.claim_sheets import load_sheet, score_sheet
from factcheck.run import analyse_text


@pytest.fixture(scope="module", params=SHEETS, ids=lambda p: p.stem)
def sheet_run(request, nlp):  # type: ignore[no-untyped-def]
    sheet = load_sheet(request.param)
    return sheet, analyse_text(sheet.text, sheet.published, nlp)


def test_there_are_three_sheets_or_more() -> None:
    assert len(SHEETS) >= 3
    composed = [p for p in SHEETS if "composed" in p.stem]
    assert len(composed) >= 2


def test_every_checkworthy_figure_found_exactly(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    score = score_sheet(sheet, analysis.claims)
    assert [g.text for g in score.missing] == []
    assert score.recall == 1.0


def test_values_kinds_units_exact(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    score = score_sheet(sheet, analysis.claims)
    problems = [p.strip() for w in score.wrong for p in w.split(": ", 1)[1].split(";")]
    assert [p for p in problems if not p.startswith("measure")] == []


def test_no_slogan_checkworthy(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    score = score_sheet(sheet, analysis.claims)
    assert score.slogans_checkworthy == []
    assert score.extra == []


def test_offsets_point_into_the_original(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    for claim in analysis.claims:
        assert sheet.text[claim.start : claim.end] == claim.text


def test_relations_hold(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    ids = {(c.start, c.end): c.id for c in analysis.claims}
    for relation in sheet.relations:
        wanted = {ids.get((sheet.by_id(f).start, sheet.by_id(f).end)) for f in relation.figures}
        found = [
            f
            for f in analysis.findings
            if f.check == relation.check and f.status == relation.status and wanted <= set(f.claims)
        ]
        assert found, f"{relation.check} {relation.status} {relation.figures}"


def test_only_the_built_in_inconsistencies_fail(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    expected = {(r.check, r.status) for r in sheet.relations if r.status != "pass"}
    flagged = {(f.check, f.status) for f in analysis.findings if f.status != "pass"}
    assert flagged == expected


def test_measures_mostly_agree(sheet_run) -> None:  # type: ignore[no-untyped-def]
    sheet, analysis = sheet_run
    score = score_sheet(sheet, analysis.claims)
    measure_misses = [w for w in score.wrong if "measure" in w]
    assert len(measure_misses) <= 0.3 * score.gold_checkworthy, measure_misses


def test_sheet_paths_exist() -> None:
    for path in SHEETS:
        assert Path(path).with_suffix(".txt").exists()
