"""A desk's day through the command line: articles per second, many articles in one `factcheck run`
beside one process per article.

    python bench/desk.py                 # 1,000 seed-size articles in one run, 20 one per process
    python bench/desk.py --articles 200 --single 10

The articles are the first article with its figures varied (each is a different text, so no
cache helps), written to a temporary folder with an empty database beside them (every figure is
then unverified: matching against bulletins is measured in bench/verdicts.py and bench/scale.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "claims" / "taiyuan-2019.txt"


def variants(count: int, folder: Path) -> list[Path]:
    """`count` copies of the seed article, each with its Arabic figures shifted by its index."""
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        varied = re.sub(r"\d+", lambda m, shift=i % 7: str(int(m.group()) + shift), text)
        path = folder / f"article-{i:04d}.txt"
        path.write_text(varied, encoding="utf-8")
        paths.append(path)
    return paths


def factcheck(args: list[str], cwd: Path) -> float:
    """Seconds one `factcheck` process takes, from start to exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FACTCHECK_DB": str(cwd / "bench.db")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", *args], cwd=cwd, env=env, capture_output=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--single", type=int, default=20, help="articles run one per process")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        day = folder / "day"
        day.mkdir()
        paths = variants(options.articles, day)
        many = factcheck(["run", "day", "-p", "2019-04-15", "-q"], folder)
        single = [
            factcheck(["run", str(p), "-p", "2019-04-15", "-q"], folder)
            for p in paths[: options.single]
        ]
    per_process = sum(single) / len(single)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{options.articles} articles in one run: {many:.1f} s, {options.articles / many:.1f} articles/s"
    )
    print(
        f"one process per article ({options.single} runs): {per_process:.2f} s each, "
        f"{1 / per_process:.2f} articles/s"
    )
    print(f"speed-up: {per_process * options.articles / many:.1f}x")


if __name__ == "__main__":
    main()
