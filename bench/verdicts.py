"""Verdict accuracy against the gold verdicts of the claim sheets (run by hand).

    python bench/verdicts.py

Serves the made-up bulletins of tests/fixtures/bulletins/ on 127.0.0.1, fetches them into a fresh
database with the real crawler, runs every sheet that has gold verdicts, and prints the agreement
and the confusion between verdicts.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixture_site import FixtureSite  # noqa: E402

from factcheck.claim_sheets import load_sheet  # noqa: E402
from factcheck.documents import DocumentLibrary  # noqa: E402
from factcheck.fetching import PoliteClient  # noqa: E402
from factcheck.pipeline import load_pipeline  # noqa: E402
from factcheck.run import run_article  # noqa: E402
from factcheck.sources import Limits, Source  # noqa: E402
from factcheck.storage import Database  # noqa: E402


def main() -> None:
    nlp = load_pipeline()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FixtureSite(ROOT / "tests/fixtures/bulletins") as site,
    ):
        db = Database(Path(tmp) / "bench.db")
        library = DocumentLibrary(db)
        for name, tier, start in (
            ("official", "official", "/official/index.html"),
            ("media", "media", "/media/index.html"),
        ):
            source = Source(name, name, tier, [site.url(start)], limits=Limits(delay=0.0))
            library.fetch(source, client=PoliteClient(sleep=lambda s: None))
        print("| sheet | gold verdicts | agree | accuracy | confusion (gold → got) |")
        print("|---|---|---|---|---|")
        for path in sorted((ROOT / "claims").glob("*.yaml")):
            sheet = load_sheet(path)
            gold = [g for g in sheet.figures if g.verdict]
            if not gold:
                continue
            result = run_article(
                sheet.article,
                published=sheet.published,
                db=db,
                log_path=Path(tmp) / "l.jsonl",
                nlp=nlp,
            )
            verdicts = {m.claim: m.verdict for m in result.analysis.matches}
            spans = {(c.start, c.end): c.id for c in result.analysis.claims}
            pairs = Counter(
                (g.verdict, verdicts.get(spans.get((g.start, g.end), ""))) for g in gold
            )
            agree = sum(n for (want, got), n in pairs.items() if want == got)
            confusion = ", ".join(f"{w}→{g}: {n}" for (w, g), n in sorted(pairs.items(), key=str))
            print(
                f"| {path.stem} | {len(gold)} | {agree} | {agree / len(gold):.2f} | {confusion} |"
            )


if __name__ == "__main__":
    main()
