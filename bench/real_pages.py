"""Reading real pages: title, date and body on GeneralNewsExtractor's 62 saved pages, against gold
labels written by reading them (bench/real_pages_gold.json), beside trafilatura and htmldate when
they import (run by hand, never as a timed test).

    python bench/real_pages.py [--gne DIR] [--quiet]

DIR is a bare git mirror of GeneralNewsExtractor (default: /work/.mirror/...); pages are read with
`git show HEAD:tests/...`. Per page and in total it prints: title exact (whitespace ignored), date
right / wrong / none, body character F1 (bag of non-space characters against the gold body: the
page's lines from the one holding the gold first words to the one holding the last words), whether
the gold first and last words are in the body, and list-page flags. trafilatura and htmldate are
not project dependencies: `pip install trafilatura htmldate` into the venv to compare.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from factcheck import pages  # noqa: E402

GOLD = ROOT / "bench" / "real_pages_gold.json"
GNE = Path("/work/.mirror/GeneralNewsExtractor+GeneralNewsExtractor/repo")
_SPACE = re.compile(r"\s+")


@dataclass
class Score:
    """One reader's results over the pages."""

    name: str
    titles: int = 0
    dates: Counter[str] = field(default_factory=Counter)
    f1: list[float] = field(default_factory=list)
    contained: int = 0
    seconds: float = 0.0


def squash(text: str) -> str:
    return _SPACE.sub("", text or "")


def gold_body(html: str, first: str, last: str) -> str | None:
    """The page's lines from the one holding `first` to the one holding `last` (all text, no
    body choice: scripts and styles dropped)."""
    root = pages._tree(html)
    if root is None:
        return None
    etree.strip_elements(root, *pages._DROP_TAGS, with_tail=False)
    # Some pages close </html> early; libxml2 then puts the rest in sibling top-level elements.
    lines = [line for top in [root, *root.itersiblings()] for line in pages._lines(top)]
    squashed = [squash(line) for line in lines]
    start = next((i for i, s in enumerate(squashed) if squash(first) in s), None)
    if start is None:
        return None
    end = next((i for i in range(start, len(lines)) if squash(last) in squashed[i]), None)
    return "\n".join(lines[start : end + 1]) if end is not None else None


def char_f1(found: str, gold: str) -> float:
    a, b = Counter(squash(found)), Counter(squash(gold))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def date_verdict(found: str | None, gold: str | None) -> str:
    if not found:
        return "none"
    return "right" if found == gold else "wrong"


def ours(html: str) -> tuple[str, str | None, str]:
    parsed = pages.parse_article(html, "http://example.invalid/page.html")
    return parsed.title, parsed.published, parsed.text


def trafilatura_reader() -> object | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def read(html: str) -> tuple[str, str | None, str]:
        doc = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=False)
        if doc is None:
            return "", None, ""
        get = doc.get if isinstance(doc, dict) else lambda key: getattr(doc, key, None)
        return get("title") or "", get("date"), get("text") or ""

    return read


def htmldate_reader() -> object | None:
    try:
        from htmldate import find_date
    except ImportError:
        return None

    def read(html: str) -> str | None:
        try:
            return find_date(html, original_date=True, extensive_search=True)
        except Exception:  # htmldate raises on some malformed pages; count it as no date
            return None

    return read


def show(gne: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={gne}", "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gne", type=Path, default=GNE)
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args()
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["pages"]
    traf, hdate = trafilatura_reader(), htmldate_reader()
    readers: list[tuple[Score, object]] = [(Score("factcheck"), ours)]
    if traf:
        readers.append((Score("trafilatura"), traf))
    hd_score = Score("htmldate") if hdate else None
    listed = 0
    extra = " traf. title | traf. date | traf. F1 | traf. first/last |" if traf else ""
    extra += " htmldate |" if hdate else ""
    print("| page | title | date | body F1 | first/last | list? |" + extra)
    print("|---|---|---|---|---|---|" + "---|" * extra.count("|"))
    for item in gold:
        html, _ = pages.decode_page(show(args.gne, item["page"]), None, None)
        body = gold_body(html, item["first"], item["last"])
        cells = []
        for score, read in readers:
            start = time.perf_counter()
            title, date, text = read(html)  # type: ignore[operator]
            score.seconds += time.perf_counter() - start
            title_ok = squash(title) == squash(item["title"])
            score.titles += title_ok
            verdict = date_verdict(date, item["date"])
            score.dates[verdict] += 1
            f1 = char_f1(text, body) if body else float("nan")
            if body:
                score.f1.append(f1)
            inside = squash(item["first"]) in squash(text) and squash(item["last"]) in squash(text)
            score.contained += inside
            shown = "✓" if title_ok else "✗ " + title[:30]
            cells.append(f"{shown} | {verdict} {date or ''} | {f1:.3f} | {'✓' if inside else '✗'}")
            if score.name == "factcheck":
                is_list = bool(getattr(pages, "is_list_page", lambda _html: False)(html))
                listed += is_list
                cells[-1] += f" | {'list' if is_list else ''}"
        if hd_score is not None and hdate is not None:
            start = time.perf_counter()
            found = hdate(html)  # type: ignore[operator]
            hd_score.seconds += time.perf_counter() - start
            verdict = date_verdict(found, item["date"])
            hd_score.dates[verdict] += 1
            cells.append(f"{verdict} {found or ''}")
        if not args.quiet:
            print(f"| {item['page'][6:]} | " + " | ".join(cells) + " |")
    n = len(gold)
    print(f"\n{n} pages; factcheck called {listed} of them list pages\n")
    print(
        "| reader | title exact | date right / wrong / none | body char F1 (mean) | first+last in body | ms a page |"
    )
    print("|---|---|---|---|---|---|")
    for score, _ in readers:
        mean = sum(score.f1) / len(score.f1) if score.f1 else 0.0
        d = score.dates
        dates = f"{d['right']} / {d['wrong']} / {d['none']}"
        body = f"{mean:.3f} (n={len(score.f1)}) | {score.contained}/{n}"
        ms = 1000 * score.seconds / n
        print(f"| {score.name} | {score.titles}/{n} | {dates} | {body} | {ms:.1f} |")
    if hd_score is not None:
        d = hd_score.dates
        dates, ms = f"{d['right']} / {d['wrong']} / {d['none']}", 1000 * hd_score.seconds / n
        print(f"| htmldate (dates only) | | {dates} | | | {ms:.1f} |")


if __name__ == "__main__":
    main()
