"""Extraction time per figure, flat in the figures per sentence and in the size of the text (by hand).

    python bench/figure_speed.py [--max-kib 4096]

1. One sentence with N figures (第N区新增就业M人，…), N = 100 … 10,000: find_figures alone, and
   find_figures + build_claims (the claims' context), microseconds per figure.
2. Texts of 10 kB … 4 MiB made of the first article repeated: microseconds per figure.
3. Hostile shapes: a 10 kB run of digits, a 286 kB line without punctuation.
Bar (issue 8): time per figure within 1.3x from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

from factcheck.claims import build_claims
from factcheck.figures import find_figures
from factcheck.text import normalize

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (ROOT / "claims" / "taiyuan-2019.txt").read_text("utf-8")


def timed(work: Callable[[], int]) -> tuple[float, int]:
    """Best of three wall times of `work`, and the figures it found."""
    best, found = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        found = work()
        best = min(best, time.perf_counter() - start)
    return best, found


def figures_only(text: str) -> Callable[[], int]:
    norm = normalize(text)
    return lambda: len(find_figures(norm, "2019-04-15", text))


def with_claims(text: str) -> Callable[[], int]:
    norm = normalize(text)
    return lambda: len(build_claims(norm, find_figures(norm, "2019-04-15", text), "2019-04-15"))


def row(label: str, seconds: float, found: int) -> float:
    per = seconds / max(found, 1) * 1e6
    print(f"  {label:<28} {found:>8} figures {seconds:>9.3f} s {per:>9.1f} µs/figure")
    return per


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-kib", type=int, default=4096)
    parser.add_argument("--no-claims", action="store_true", help="time find_figures only")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )
    stages = [("figures", figures_only)] + (
        [] if args.no_claims else [("figures+claims", with_claims)]
    )
    for stage, make in stages:
        print(f"\n{stage}: one sentence with N figures")
        per = []
        for n in (100, 1000, 10_000):
            text = "，".join(f"第{i % 9 + 1}区新增就业{i * 7 + 3}人" for i in range(n // 2)) + "。"
            per.append(row(f"N = {n}", *timed(make(text))))
        print(f"  ratio largest/smallest: {per[-1] / per[0]:.2f}")
        print(f"\n{stage}: text size")
        per = []
        for kib in (10, 100, 1024, args.max_kib):
            text = (ARTICLE * (kib * 1024 // len(ARTICLE.encode()) + 1))[: kib * 1024 // 3]
            per.append(row(f"{kib} KiB", *timed(make(text))))
        print(f"  ratio largest/smallest: {per[-1] / per[0]:.2f}")
        print(f"\n{stage}: hostile shapes")
        row("10 kB run of digits", *timed(make("1" * 10_000 + "人")))
        row("286 kB line, no punctuation", *timed(make("新增就业300人" * 30_000)))


if __name__ == "__main__":
    main()
