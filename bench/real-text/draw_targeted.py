"""How the two targeted strata were drawn (run once; kept to make the draw reproducible).

    python bench/real-text/draw_targeted.py 70 40 > candidates.jsonl

Breakdown candidates: a part/total cue and some figure equal, at its printed precision, to the sum
of 2–6 neighbouring figures. Change candidates: 由/从 A … 到/至 B with a rate, or 增加 D with 增长 p%.
The filter only picks paragraphs to read; every label was written by reading them.
"""

import itertools
import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import real_text as r

NUM = re.compile(r"(\d+(?:\.\d+)?)(万亿|亿|万)?([^\d\s，。、；：,.%（）()]?)")
SCALE = {None: 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}
PART_CUES = (
    "其中",
    "分别",
    "合计",
    "共计",
    "总计",
    "共",
    "包括",
    "男",
    "女",
    "城镇",
    "乡村",
    "本土",
)
CHANGE = re.compile(
    r"[由从]\D{0,12}?\d[^。；]{0,25}?(?:到|至|增至|降至|提升至|提高到|增长到|下降到)"
    r"[^。；]{0,6}?\d[^。；]*?(?:%|倍|百分点)"
)
CHANGE_BY = re.compile(
    r"(?:增加|增长|减少|下降)了?\d+(?:\.\d+)?(?:万亿|亿|万)?[^\d%倍]{1,6}[，、]?[^。]{0,8}?"
    r"(?:增长|下降)\d+(?:\.\d+)?%"
)


def figures(text: str) -> list[tuple[Decimal, Decimal, str]]:
    out = []
    for m in NUM.finditer(text):
        if m.group(3) in ("年", "月", "日", "时", "号", "届", "次", "点"):
            continue
        scale = SCALE[m.group(2)]
        places = len(m.group(1).partition(".")[2])
        out.append((Decimal(m.group(1)) * scale, Decimal(1).scaleb(-places) * scale, m.group(3)))
    return out


def sum_candidate(text: str) -> bool:
    f = figures(text)
    for i, (value, unit, kind) in enumerate(f):
        for a, b in itertools.combinations(range(len(f) + 1), 2):
            run = f[a:b]
            if b - a < 2 or b - a > 6 or a <= i < b:
                continue
            if any(x[2] and kind and x[2] != kind for x in run):
                continue
            total = sum(x[0] for x in run)
            if value > 0 and abs(total - value) <= unit / 2 and all(x[0] < value for x in run):
                return True
    return False


def main() -> None:
    breakdowns, changes = int(sys.argv[1]), int(sys.argv[2])
    _, paragraphs = r.all_paragraphs()
    drawn = {p.id for p in r.draw(400)}
    pool = [p for p in paragraphs if p.id not in drawn and r.FIGURE.search(p.text)]
    random.Random(909).shuffle(pool)
    sums, moves = [], []
    for p in pool:
        if len(sums) < breakdowns and any(c in p.text for c in PART_CUES) and sum_candidate(p.text):
            sums.append(p)
        elif len(moves) < changes and (CHANGE.search(p.text) or CHANGE_BY.search(p.text)):
            moves.append(p)
        if len(sums) >= breakdowns and len(moves) >= changes:
            break
    for stratum, chosen in (("breakdown", sums), ("change", moves)):
        for p in chosen:
            print(json.dumps({**p.__dict__, "stratum": stratum}, ensure_ascii=False))


if __name__ == "__main__":
    main()
