"""Extraction and consistency accuracy on the claim sheets in claims/ (run by hand).

    python bench/accuracy.py

Prints, per sheet: recall of check-worthy figures, precision (check-worthy figures reported that the
sheet does not list), slogans reported as check-worthy, measure agreement, relations reproduced,
and whether the findings flagged are exactly the built-in inconsistencies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from factcheck.claim_sheets import load_sheet, score_sheet
from factcheck.pipeline import load_pipeline
from factcheck.run import analyse_text

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    nlp = load_pipeline()
    rows = []
    ok = True
    for path in sorted((ROOT / "claims").glob("*.yaml")):
        sheet = load_sheet(path)
        analysis = analyse_text(sheet.text, sheet.published, nlp)
        score = score_sheet(sheet, analysis.claims)
        spans = {(c.start, c.end): c.id for c in analysis.claims}
        held = 0
        for relation in sheet.relations:
            wanted = {
                spans.get((sheet.by_id(f).start, sheet.by_id(f).end)) for f in relation.figures
            }
            held += any(
                f.check == relation.check
                and f.status == relation.status
                and wanted <= set(f.claims)
                for f in analysis.findings
            )
        expected = {(r.check, r.status) for r in sheet.relations if r.status != "pass"}
        flagged = {(f.check, f.status) for f in analysis.findings if f.status != "pass"}
        measure_misses = sum(1 for w in score.wrong if "measure" in w)
        measure_rate = 1 - measure_misses / score.gold_checkworthy
        rows.append(
            (
                path.stem,
                score.gold_checkworthy,
                f"{score.recall:.2f}",
                f"{score.precision:.2f}",
                len(score.slogans_checkworthy),
                f"{measure_rate:.2f}",
                f"{held}/{len(sheet.relations)}",
                "yes" if flagged == expected else f"no: {sorted(flagged)}",
            )
        )
        ok &= score.recall == 1.0 and not score.slogans_checkworthy and flagged == expected
    header = (
        "sheet",
        "gold",
        "recall",
        "precision",
        "slogans cw",
        "measure",
        "relations",
        "exact flags",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
