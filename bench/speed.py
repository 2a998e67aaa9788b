"""Start-up and throughput, measured side by side in one run (run by hand).

    python bench/speed.py [--articles 1000] [--repeat 5]

1. `factcheck --help` (bar: under 0.5 s).
2. `factcheck run claims/taiyuan-2019.txt` beside a bare `python -c "import spacy; spacy.blank('zh')"`
   (bar: the run within 1.5x the bare spaCy start), and jieba's dictionary load for reference.
3. Batch throughput: articles per second through nlp.pipe (analyse_many) over N articles.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "claims" / "taiyuan-2019.txt"


def wall(cmd: list[str], repeat: int, cwd: str) -> float:
    """Median wall time of a command over `repeat` runs (after one warm-up run)."""
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FACTCHECK_DB"] = str(Path(tmp) / "bench.db")
        help_s = wall([py, "-m", "factcheck", "--help"], args.repeat, tmp)
        spacy_s = wall([py, "-c", "import spacy; spacy.blank('zh')"], args.repeat, tmp)
        run_cmd = [py, "-m", "factcheck", "run", str(ARTICLE), "--published", "2019-04-15"]
        run_s = wall(run_cmd, args.repeat, tmp)
        jieba_cmd = [
            py,
            "-c",
            "import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()",
        ]
        jieba_s = wall(jieba_cmd, args.repeat, tmp)

    from factcheck.pipeline import analyse_many, load_pipeline

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "claims").glob("*.txt"))]
    batch = [texts[i % len(texts)] for i in range(args.articles)]
    nlp = load_pipeline()
    start = time.perf_counter()
    claims = sum(len(doc._.claims) for doc in analyse_many(nlp, batch, "2019-04-15"))
    batch_s = time.perf_counter() - start
    chars = sum(len(t) for t in batch)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("| measurement | seconds (median) | bar |")
    print("|---|---|---|")
    print(f"| factcheck --help | {help_s:.3f} | < 0.5 |")
    print(f"| python -c 'import spacy; spacy.blank(\"zh\")' | {spacy_s:.3f} | |")
    print(f"| factcheck run taiyuan-2019.txt | {run_s:.3f} | ≤ {1.5 * spacy_s:.3f} (1.5×) |")
    print(f"| ratio run / bare spaCy | {run_s / spacy_s:.2f} | ≤ 1.5 |")
    print(f"| jieba dictionary load alone (not on our path) | {jieba_s:.3f} | |")
    print(
        f"| batch: {args.articles} articles ({chars} chars, {claims} claims) | {batch_s:.2f} | "
        f"{args.articles / batch_s:.0f} articles/s |"
    )


if __name__ == "__main__":
    main()
