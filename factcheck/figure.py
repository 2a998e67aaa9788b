"""The Figure record: one figure in a text (figures.py finds them, dates.py reads the dates)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CHECKWORTHY_KINDS = (
    "count",
    "money",
    "percent",
    "percent_change",
    "multiple",
    "date",
    "duration",
    "rank",
)
NON_CLAIM_KINDS = ("slogan", "ordinal", "identifier")
# Kinds looked up in the bulletins; dates and durations are checked inside the article only.
MATCHED_KINDS = ("count", "money", "percent", "percent_change", "rank")


@dataclass
class Figure:
    """One figure: its span in the text, kind, value, unit and the interval the value stands for."""

    start: int
    end: int
    text: str
    kind: str
    value: Decimal | str | None
    unit: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    approx: str | None = None
    direction: str | None = None
    value_max: Decimal | None = None
    number: str = ""

    @property
    def checkworthy(self) -> bool:
        return self.kind in CHECKWORTHY_KINDS

    @property
    def is_numeric(self) -> bool:
        return isinstance(self.value, Decimal)
