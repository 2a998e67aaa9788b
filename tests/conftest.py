"""Shared fixtures: one pipeline for the session, the claim sheets, the first article."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"
SHEETS = sorted(CLAIMS.glob("*.yaml"))
TAIYUAN = CLAIMS / "taiyuan-2019.txt"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from factcheck.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def taiyuan_text() -> str:
    return TAIYUAN.read_text(encoding="utf-8")
