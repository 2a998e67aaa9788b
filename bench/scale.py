"""Scale: `factcheck run` on the first article against 1,000 and 1,000,000 facts (run by hand).

    python bench/scale.py [--small 1000] [--large 1000000] [--repeat 7] [--keep] [--workdir DIR]
                          [--no-append] [--slow 60] [--cap 5]

1. Builds two databases through factcheck.storage.Database (the real schema, indexes and triggers:
   facts_fts, facts_rtree, documents_fts). Each holds the made-up bulletins of
   tests/fixtures/bulletins (ingested with DocumentLibrary.ingest, facts extracted by the real
   pipeline) plus synthetic documents and facts up to the target count, inserted with executemany,
   one transaction per batch. The library is filled in date order, so the fixture bulletins
   (2019-02/04) land among the synthetic documents of 2015-2023, not at the start of the rowids.
   Synthetic facts look like extracted ones: count / percent / percent_change / money (and
   some date and duration rows), units 个 名 人 起 件 家 所 次 条 % 元, values log-spread over a
   wide range and ~10% of them equal to the article's own values, measures from a combinatorial
   vocabulary of official-statistics phrases (with 扫黑除恶 measures that share trigrams with
   the article's), Shanxi places, periods 2015-2023, and a context sentence holding the figure.
   Guard: a synthetic fact whose measure is compatible with one of the article's claims always
   names another place than 太原, so no synthetic fact is legitimate evidence for the article: any
   change of verdict between the two databases is a defect of retrieval, not of the data.
2. Runs `python -m factcheck run claims/taiyuan-2019.txt --published 2019-04-15 --db DB --log L`
   as a subprocess against each database, alternating small/large after one warm-up each, and takes
   the median wall time (a warm-up slower than --slow seconds is that database's only run: the bar
   is missed by far and repeating it would take hours). Peak memory: the subprocess is reaped with
   os.wait4(pid), whose rusage is that one child's own (ru_maxrss, KiB on Linux), so nothing leaks
   across children, unlike RUSAGE_CHILDREN, which keeps the maximum over all children so far.
3. Compares the match records of the two logs (verdict, evidence URLs, origin, drift).
4. Against the large database, in process: EXPLAIN QUERY PLAN of the two candidate queries, and per
   claim the rows each query returns (with the count it would return without its LIMIT, and how
   many fixture facts are among them) and its time, each query interrupted after --cap seconds.
5. Prints a Markdown section and appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.claims import Claim  # noqa: E402
from factcheck.documents import DocumentLibrary  # noqa: E402
from factcheck.matching import MATCHED_KINDS, Matcher, measure_core  # noqa: E402
from factcheck.measures import measures_compatible  # noqa: E402
from factcheck.run import analyse_text  # noqa: E402
from factcheck.sources import Source  # noqa: E402
from factcheck.storage import Database  # noqa: E402

ARTICLE = ROOT / "claims" / "taiyuan-2019.txt"
PUBLISHED = "2019-04-15"
BULLETINS = ROOT / "tests" / "fixtures" / "bulletins"
RESULTS = ROOT / "bench" / "RESULTS.md"
FIXTURE_FROM = "2019-02-26"  # the earliest fixture bulletin: synthetic documents before it go first
BAR = 1.2
SEED = 20190415

# --- vocabulary ---------------------------------------------------------------------------------

TAIYUAN = "太原市"
CITIES = "大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市".split()
COUNTIES = (
    "小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区 清徐县 阳曲县 娄烦县 古交市 "
    "平城区 云冈区 城区 矿区 潞州区 泽州县 榆次区 盐湖区 忻府区 尧都区 离石区 孝义市"
).split()
PROVINCE = "山西省"

# family → (weight, prefixes, nouns, kinds): a measure is prefix + noun ('' prefix allowed).
FAMILIES: dict[str, tuple[float, list[str], list[str], list[str]]] = {
    "economy": (
        0.36,
        [
            "",
            "全市",
            "全省",
            "城镇",
            "农村",
            "规模以上",
            "全社会",
            "一般公共预算",
            "民营",
            "国有",
            "第一产业",
            "第二产业",
            "第三产业",
            "高新技术",
            "战略性新兴产业",
            "限额以上",
            "外贸",
            "网上",
            "县域",
            "开发区",
        ],
        (
            "工业增加值 社会消费品零售总额 固定资产投资 地区生产总值 财政收入 税收收入 进出口总额 "
            "出口额 进口额 房地产开发投资 商品房销售面积 居民人均可支配收入 居民人均消费支出 "
            "工业企业利润 实际利用外资 金融机构存款余额 金融机构贷款余额 旅游总收入 农业总产值 "
            "粮食产量 全社会用电量 货运量 客运量 电子商务交易额 工业总产值 营业收入 利润总额 "
            "建筑业总产值 批发零售业销售额 住宿餐饮业营业额 民间投资 基础设施投资 技术改造投资"
        ).split(),
        ["money", "money", "percent_change", "percent_change", "percent"],
    ),
    "society": (
        0.22,
        [*"全市 城镇 农村 新建 新增 改造 城区 公办 民办 重点 市级 县级 乡镇 社区".split(), ""],
        (
            "学校 幼儿园 中小学 医疗卫生机构 养老机构 养老床位 企业 市场主体 就业人数 失业人员 "
            "贫困人口 棚户区改造项目 保障性住房 公交线路 停车位 公园 绿地 文化活动中心 体育场馆 "
            "志愿者 村卫生室 日间照料中心 便民服务中心 高标准农田 农村公路 供热面积 集中供暖户 "
            "参保人数 低保对象 特困人员 城镇登记失业率 基本养老保险参保率 义务教育巩固率"
        ).split(),
        ["count", "count", "count", "percent", "percent_change"],
    ),
    "security": (
        0.15,
        [*"全市 城区 农村 辖区 重大 一般 涉校 涉企 新型 跨区域 现行".split(), "", ""],
        (
            "刑事案件 治安案件 交通事故 火灾事故 安全生产事故 电信网络诈骗案件 盗窃案件 抢劫案件 "
            "毒品案件 命案 警情 刑事警情 治安警情 交通警情 火警警情 110接处警警情 违法犯罪嫌疑人 "
            "犯罪嫌疑人 盗窃犯罪团伙 电信诈骗犯罪团伙 涉毒犯罪团伙 跨区域犯罪团伙 两抢一盗案件 "
            "矛盾纠纷 信访案件 在逃人员 黄赌毒案件 食品药品犯罪案件 环境犯罪案件 经济犯罪案件 "
            "交通违法行为 酒驾醉驾 刑事立案数 破案数 治安拘留人数"
        ).split(),
        ["count", "count", "count", "percent_change", "percent_change", "percent"],
    ),
    "discipline": (
        0.09,
        [*"涉黑涉恶 扶贫领域 民生领域 基层 县级 乡镇 市直单位 国有企业".split(), "", ""],
        (
            "问题线索 违纪违法问题 党员干部 腐败问题 形式主义官僚主义问题 作风问题 党纪政务处分 "
            "立案审查 留置 村干部 公职人员 保护伞问题 群众身边腐败问题 信访举报 处分人数 "
            "诫勉谈话 通报曝光典型案例 谈话函询"
        ).split(),
        ["count", "count", "count", "percent_change"],
    ),
    "environment": (
        0.11,
        [*"全市 城区 市区 县城 重点区域".split(), "", ""],
        (
            "优良天数 重污染天数 PM2.5平均浓度 PM10平均浓度 二氧化硫平均浓度 二氧化氮平均浓度 "
            "空气质量综合指数 森林覆盖率 城市绿化覆盖率 污水处理率 地表水水质优良比例 造林面积 "
            "建成区绿地率 生活垃圾无害化处理率 单位GDP能耗 煤炭消费总量"
        ).split(),
        ["percent", "percent_change", "percent_change", "count"],
    ),
    "saohei": (
        0.07,
        [*"全市 全省 辖区".split(), "", "", ""],
        (
            "涉黑涉恶犯罪团伙 黑社会性质组织 涉嫌黑社会性质犯罪组织 恶势力犯罪集团 恶势力犯罪团伙 "
            "涉黑涉恶腐败和保护伞问题 涉黑涉恶案件 涉黑涉恶线索 涉黑恶团伙 刑事类警情 "
            "两抢一盗警情 群体性事件 涉黑涉恶犯罪嫌疑人 恶势力团伙 涉黑涉恶问题线索 "
            "查封扣押冻结涉案资产"
        ).split(),
        ["count", "count", "count", "percent_change", "money"],
    ),
}
COUNT_UNITS = {
    "economy": ["个", "家"],
    "society": ["个", "所", "家", "人", "名", "条", "处"],
    "security": ["起", "件", "个", "名", "人"],
    "discipline": ["个", "件", "人", "名", "条"],
    "environment": ["天", "个", "项"],
    "saohei": ["个", "起", "件", "名", "人", "条"],
}
PERIOD_WORDS = {"Q": ["一季度", "二季度", "三季度", "四季度"], "H": ["上半年", "下半年"]}
SOURCES = [
    (f"{place}{office}（虚构）", "official" if i % 5 else "media")
    for i, (place, office) in enumerate(
        (p, o)
        for p in [TAIYUAN, *CITIES, PROVINCE]
        for o in ["统计局", "公安局", "纪委监委", "生态环境局", "人民政府办公室", "日报"]
    )
]


class Synth:
    """Synthetic documents and fact rows, reproducible from a seed."""

    def __init__(self, claims: list[Claim], seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        matched = [
            c
            for c in claims
            if c.checkworthy and c.kind in MATCHED_KINDS and isinstance(c.value, Decimal)
        ]
        self.article_values: dict[str, list[Decimal]] = {}
        for c in matched:
            self.article_values.setdefault(c.kind, []).append(Decimal(str(c.value)))
        self.article_values.setdefault("percent", [Decimal("19.3"), Decimal("50"), Decimal("10")])
        self.article_values.setdefault("money", [Decimal("1280000"), Decimal("50000000")])
        cores = [measure_core(c.measure, c.place) for c in matched if c.measure]
        self.measures: dict[str, list[str]] = {}
        self.guarded: set[str] = set()
        for family, (_, prefixes, nouns, _) in FAMILIES.items():
            names = sorted({p + n for p in prefixes for n in nouns})
            self.measures[family] = names
            for name in names:
                if any(measures_compatible(core, measure_core(name)) for core in cores):
                    self.guarded.add(name)
        # (before, after) when facts keep a context window and point at their sentence
        self.window: tuple[int, int] | None = None
        self.families = list(FAMILIES)
        self.weights = [FAMILIES[f][0] for f in self.families]

    @property
    def vocabulary(self) -> int:
        return sum(len(v) for v in self.measures.values())

    # --- values -----------------------------------------------------------------------------

    def _log_uniform(self, low: float, high: float) -> float:
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))

    def figure(self, kind: str, unit_choices: list[str]) -> dict[str, Any]:
        """text, value, low, high, unit, approx, direction of one figure."""
        rng = self.rng
        from_article = rng.random() < 0.10 and kind in self.article_values
        approx = None
        direction = None
        if kind == "count":
            unit = rng.choice(unit_choices)
            if from_article:
                value = Decimal(rng.choice(self.article_values["count"]))
                value = value.quantize(Decimal(1))
            else:
                value = Decimal(int(self._log_uniform(1, 2_000_000)))
            low, high = value, value
            roll = rng.random()
            if roll < 0.04 and value >= 10:  # 逾500家 / 超过6万人: a round figure, open above
                step = Decimal(10) ** (len(str(int(value))) - 1)
                value = low = (value // step) * step
                approx, high = "at_least", None
                text = f"{rng.choice(['逾', '超过'])}{value}{unit}"
            elif roll < 0.07 and value >= 20:  # 90多名: [90, 100]
                step = Decimal(10) ** (len(str(int(value))) - 1)
                value = (value // step) * step
                low, high = value, value + step
                approx, text = "at_least", f"{value}多{unit}"
            elif roll < 0.10 and value >= 100:  # 约1800家
                approx, text = "about", f"约{value}{unit}"
                low, high = value * Decimal("0.95"), value * Decimal("1.05")
            else:
                text = f"{value}{unit}"
            return self._fig(text, value, low, high, unit, approx, direction)
        if kind in ("percent", "percent_change"):
            unit = "%"
            if from_article:
                value = rng.choice(self.article_values.get(kind) or self.article_values["percent"])
            else:
                top = 100 if kind == "percent" else 60
                value = Decimal(str(round(self._log_uniform(0.1, top), 1)))
                if rng.random() < 0.3:
                    value = value.quantize(Decimal(1))
            half = Decimal("0.5") if value == value.to_integral_value() else Decimal("0.05")
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
            text = f"{value}%"
            if kind == "percent_change":
                direction = rng.choice(["up", "down"])
                if rng.random() < 0.06:
                    unit, text = "pp", f"{value}个百分点"
            return self._fig(text, value, value - half, value + half, unit, approx, direction)
        # money, in 元; written in 万元 or 亿元
        if from_article:
            value = rng.choice(self.article_values["money"])
        else:
            value = Decimal(str(round(self._log_uniform(1e4, 5e11), -2)))
        if value >= 100_000_000:
            shown = (value / Decimal(100_000_000)).quantize(Decimal("0.01"))
            text, half = f"{shown}亿元", Decimal(500_000)
            value = shown * 100_000_000
        else:
            shown = (value / Decimal(10_000)).quantize(Decimal("0.1"))
            text, half = f"{shown}万元", Decimal(500)
            value = shown * 10_000
        value = value.quantize(Decimal(1))
        return self._fig(text, value, value - half, value + half, "元", approx, direction)

    @staticmethod
    def _fig(
        text: str,
        value: Decimal,
        low: Decimal,
        high: Decimal | None,
        unit: str,
        approx: str | None,
        direction: str | None,
    ) -> dict[str, Any]:
        def num(x: Decimal | None) -> int | float | None:
            if x is None:
                return None
            return int(x) if x == x.to_integral_value() else float(x)

        return {
            "text": text,
            "value": num(value),
            "low": num(low),
            "high": num(high),
            "unit": unit,
            "approx": approx,
            "direction": direction,
        }

    # --- documents --------------------------------------------------------------------------

    def place(self, guarded: bool) -> str | None:
        roll = self.rng.random()
        if guarded:
            return self.rng.choice(CITIES) if roll < 0.8 else self.rng.choice(COUNTIES)
        if roll < 0.30:
            return TAIYUAN
        if roll < 0.75:
            return self.rng.choice(CITIES)
        if roll < 0.90:
            return self.rng.choice(COUNTIES)
        if roll < 0.95:
            return PROVINCE
        return None

    def period(self, published: dt.date) -> tuple[str | None, str]:
        """(period value, how the text says it) for a period that ended before publication."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.30:
            year = published.year - 1
            return str(year), f"{year}年"
        if roll < 0.60:
            q = (published.month - 1) // 3  # the last full quarter
            year = published.year if q else published.year - 1
            q = q or 4
            return f"{year}-Q{q}", f"{year}年{PERIOD_WORDS['Q'][q - 1]}"
        if roll < 0.72:
            h, year = (1, published.year) if published.month > 6 else (2, published.year - 1)
            return f"{year}-H{h}", f"{year}年{PERIOD_WORDS['H'][h - 1]}"
        if roll < 0.87:
            first = published.replace(day=1) - dt.timedelta(days=1)
            return f"{first:%Y-%m}", f"{first.year}年{first.month}月"
        return None, rng.choice(["截至目前", "一年多来", "近年来", "今年以来"])

    def document(self, doc_id: int, published: dt.date, n_facts: int) -> tuple[tuple, list[tuple]]:
        """A documents row and its facts rows (offsets into the document's text)."""
        rng = self.rng
        source, tier = rng.choice(SOURCES)
        family = rng.choices(self.families, self.weights)[0]
        topic_place = self.place(False) or TAIYUAN
        title = f"{topic_place}{published.year}年{rng.choice(self.measures[family])}等情况通报"
        text_parts = [title, "\n"]
        offset = len(title) + 1
        facts: list[tuple] = []
        while len(facts) < n_facts:
            sentence, figures = self._sentence(published, family, min(4, n_facts - len(facts)))
            for start, end, fig in figures:
                facts.append(
                    (
                        doc_id,
                        offset + start,
                        offset + end,
                        fig["text"],
                        fig["kind"],
                        fig["value"],
                        fig.get("value_text"),
                        fig["low"],
                        fig["high"],
                        fig["unit"],
                        fig["approx"],
                        fig["direction"],
                        fig["measure"],
                        fig["place"],
                        fig["period"],
                        fig["comparison"],
                        *self._context(sentence, start, end, offset),
                    )
                )
            text_parts.append(sentence)
            offset += len(sentence)
            if rng.random() < 0.3:  # a family change inside a long document
                family = rng.choices(self.families, self.weights)[0]
        del facts[n_facts:]  # a sentence may add a date figure beyond the count asked for
        text = "".join(text_parts)
        sha = hashlib.sha256(text.encode()).hexdigest()
        stamp = f"{published.isoformat()}T08:00:00+00:00"
        site = SOURCES.index((source, tier))
        url = f"https://example.invalid/s{site}/{published:%Y%m}/t{published:%Y%m%d}_{doc_id}.html"
        row = (doc_id, source, url, title, published.isoformat(), text, "utf-8", sha, None, None)
        return (*row, stamp, stamp), facts

    def _context(self, sentence: str, start: int, end: int, offset: int) -> tuple[Any, ...]:
        """context (and sentence offsets when the schema has them), as fact_row stores them."""
        if self.window is None:
            return (sentence,)
        before, after = self.window
        window = sentence[max(0, start - before) : min(len(sentence), end + after)].strip()
        return (window, offset, offset + len(sentence))

    def _sentence(
        self, published: dt.date, family: str, most: int
    ) -> tuple[str, list[tuple[int, int, dict[str, Any]]]]:
        rng = self.rng
        period, said = self.period(published)
        kinds = FAMILIES[family][3]
        n = rng.randint(1, most)
        # one place per sentence; guarded measures only with other places
        names = [rng.choice(self.measures[family]) for _ in range(n)]
        guarded = any(m in self.guarded for m in names)
        place = self.place(guarded)
        head = f"{said}，" + (place or "")
        parts, figures = [head], []
        at = len(head)
        if rng.random() < 0.12:  # a date figure: 2019年 / 一季度 stated on its own
            figures.append(
                (
                    0,
                    len(said),
                    {
                        "text": said,
                        "kind": "date",
                        "value": None,
                        "value_text": period,
                        "low": None,
                        "high": None,
                        "unit": "date",
                        "approx": None,
                        "direction": None,
                        "measure": None,
                        "place": place,
                        "period": None,
                        "comparison": None,
                    },
                )
            )
        for i, name in enumerate(names):
            kind = rng.choice(kinds)
            fig = self.figure(kind, COUNT_UNITS[family])
            comparison = None
            if kind == "percent_change":
                comparison = rng.choice(["同比", "同比", "环比", "较去年同期"])
                verb = "下降" if fig["direction"] == "down" else "增长"
                lead = f"{name}{comparison}{verb}"
            elif kind == "count":
                lead = rng.choice(["共", "累计", "", "共查处", "新增"]) + name
                if rng.random() < 0.4:  # 128个城乡社区: the figure before its noun
                    lead = ""
            else:
                lead = name + rng.choice(["为", "达到", "实现", "完成"])
            measure = name
            if place and rng.random() < 0.05 and name not in self.guarded:
                measure = place + name  # the extractor keeps a leading place now and then
            sep = "，" if i else ""
            piece = sep + lead
            start = at + len(piece)
            piece += fig["text"]
            end = at + len(piece)
            if kind == "count" and not lead:
                piece += name
            parts.append(piece)
            at += len(piece)
            fig.update(kind=kind, measure=measure, place=place, period=period)
            fig["comparison"] = comparison
            figures.append((start, end, fig))
        if rng.random() < 0.02 and family in ("saohei", "security"):
            figures.append(
                (
                    0,
                    3,
                    {
                        "text": "一年多",
                        "kind": "duration",
                        "value": 1,
                        "low": 1,
                        "high": 2,
                        "unit": "年",
                        "approx": "at_least",
                        "direction": None,
                        "measure": None,
                        "place": place,
                        "period": None,
                        "comparison": None,
                    },
                )
            )
        parts.append("。")
        return "".join(parts), figures


# --- building -----------------------------------------------------------------------------------

DOC_COLUMNS = (
    "id, source, url, title, published, text, encoding, content_sha256, etag, last_modified, "
    "fetched_at, checked_at"
)
FACT_COLUMNS = (
    "document_id, start, [end], text, kind, value, value_text, low, high, unit, approx, direction, "
    "measure, place, period, comparison, context"
)


def ingest_fixtures(db: Database) -> int:
    """The made-up bulletins through the real ingest path; returns their fact count."""
    library = DocumentLibrary(db)
    for tier in ("official", "media"):
        name = f"{tier}-fixture"
        paths = sorted((BULLETINS / tier).glob("*/t*.html"))
        report = library.ingest(paths, Source(name, name, tier, []))
        assert report.failed == 0, report
    return int(db.db.execute("SELECT count(*) FROM facts").fetchone()[0])


def build(path: Path, target: int, synth: Synth, batch_docs: int = 500) -> dict[str, Any]:
    """A database of `target` facts: synthetic documents around the fixture bulletins."""
    started = time.perf_counter()
    db = Database(path)
    conn = db.db.conn
    with db.transaction():
        conn.executemany(
            "INSERT OR IGNORE INTO sources (name, publisher, tier) VALUES (?, ?, ?)",
            [(name, name, tier) for name, tier in SOURCES],
        )
    columns = FACT_COLUMNS
    if "sentence_start" in {r[1] for r in conn.execute("PRAGMA table_info(facts)")}:
        # facts point at their sentence and keep a short context (documents.context_window)
        from factcheck import documents

        synth.window = (documents.CONTEXT_BEFORE, documents.CONTEXT_AFTER)
        columns += ", sentence_start, sentence_end"
    marks = ", ".join("?" for _ in columns.split(","))
    with tempfile.TemporaryDirectory() as tmp:  # how many facts the fixtures give, to aim exactly
        fixture_facts = ingest_fixtures(Database(Path(tmp) / "count.db"))
    synthetic = max(0, target - fixture_facts)
    # facts per document: 5-95, mean ~50 (bulletins are short, statistical communiqués long)
    sizes: list[int] = []
    left = synthetic
    while left > 0:
        sizes.append(min(left, synth.rng.randint(5, 95)))
        left -= sizes[-1]
    span = (dt.date(2023, 12, 31) - dt.date(2015, 1, 1)).days
    dates = sorted(dt.date(2015, 1, 1) + dt.timedelta(synth.rng.randrange(span)) for _ in sizes)
    cut = dt.date.fromisoformat(FIXTURE_FROM)
    before = [(d, n) for d, n in zip(dates, sizes, strict=True) if d < cut]
    after = [(d, n) for d, n in zip(dates, sizes, strict=True) if d >= cut]

    def insert(items: list[tuple[dt.date, int]]) -> None:
        next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]) + 1
        for i in range(0, len(items), batch_docs):
            docs, facts = [], []
            for published, n in items[i : i + batch_docs]:
                row, rows = synth.document(next_id, published, n)
                next_id += 1
                docs.append(row)
                facts.extend(rows)
            with db.transaction():
                conn.executemany(
                    f"INSERT INTO documents ({DOC_COLUMNS}) VALUES ({'?, ' * 11}?)", docs
                )
                conn.executemany(f"INSERT INTO facts ({columns}) VALUES ({marks})", facts)

    insert(before)
    fixture_started = time.perf_counter()
    count_before = int(conn.execute("SELECT count(*) FROM facts").fetchone()[0])
    got = ingest_fixtures(db) - count_before
    assert got == fixture_facts, f"the fixtures gave {got} facts, expected {fixture_facts}"
    fixture_s = time.perf_counter() - fixture_started
    insert(after)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    facts = int(conn.execute("SELECT count(*) FROM facts").fetchone()[0])
    documents = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    rtree = int(conn.execute("SELECT count(*) FROM facts_rtree").fetchone()[0])
    db.close()
    return {
        "facts": facts,
        "documents": documents,
        "rtree": rtree,
        "seconds": time.perf_counter() - started,
        "fixture_seconds": fixture_s,
    }


def db_megabytes(path: Path) -> float:
    extra = [Path(str(path) + s) for s in ("-wal", "-shm")]
    return sum(p.stat().st_size for p in [path, *extra] if p.exists()) / 1e6


# --- running ------------------------------------------------------------------------------------


# A small process between this one and the measured run. Linux carries the high-water RSS of the
# memory image a process had before exec() into its ru_maxrss, and a child forked (or vforked) from
# this process starts from this process's image, spaCy pipeline included (~130 MB here): measured
# directly, every run would read the same ~134 MB. The launcher is a bare Python (~10 MB), so
# its child's ru_maxrss, from wait4, is the run's own peak.
LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({"seconds": time.perf_counter() - start, "maxrss_kib": usage.ru_maxrss,
                  "code": proc.returncode, "stderr": err.decode(errors="replace")[-2000:]}))
"""


def timed_run(db: Path, log: Path, cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit code of one `factcheck run`, through LAUNCHER."""
    cmd = [sys.executable, "-m", "factcheck", "run", str(ARTICLE), "--published", PUBLISHED]
    cmd += ["--db", str(db), "--log", str(log)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], cwd=cwd, env=env, capture_output=True, check=True
    )
    result = json.loads(done.stdout)
    if result["code"] not in (0, 1):
        raise RuntimeError(f"factcheck run failed ({result['code']}): {result['stderr']}")
    return float(result["seconds"]), int(result["maxrss_kib"]), int(result["code"])


def match_records(log: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] == "match":
            out[record["claim"]] = record
    return out


def comparable(record: dict[str, Any]) -> tuple[Any, ...]:
    origin = record["origin"]
    return (
        record["verdict"],
        [e["url"] for e in record["evidence"]],
        origin["url"] if origin else None,
        [e["url"] for e in record["drift"]],
    )


# --- looking inside -----------------------------------------------------------------------------


def probe(db_path: Path, claims: list[Claim], cap: float) -> dict[str, Any]:
    """Query plans, and per claim the candidates each index query returns, against one database.

    Each candidate query of the Matcher is timed as it runs, interrupted after `cap` seconds; the
    rows it would return without its LIMIT are counted with the same query driven from the index
    (CROSS JOIN), which gives the same rows whatever the plan.
    """
    db = Database(db_path)
    matcher = Matcher(db)
    conn = db.db.conn
    fixture_ids = {
        r[0]
        for r in conn.execute(
            "SELECT f.id FROM facts f JOIN documents d ON d.id = f.document_id "
            "WHERE d.url LIKE 'file://%'"
        )
    }
    captured: list[tuple[str, tuple[Any, ...]]] = []
    original = matcher._candidates

    def spy(sql: str, params: tuple[Any, ...]):  # type: ignore[no-untyped-def]
        captured.append((sql, params))
        deadline = time.perf_counter() + cap
        conn.set_progress_handler(lambda: time.perf_counter() > deadline, 10_000)
        try:
            return original(sql, params)
        finally:
            conn.set_progress_handler(None, 0)

    matcher._candidates = spy  # type: ignore[method-assign]
    rows = []
    for claim in claims:
        if not claim.checkworthy or claim.kind not in MATCHED_KINDS:
            continue
        if not isinstance(claim.value, Decimal):
            continue
        entry: dict[str, Any] = {"claim": claim.id, "text": claim.text, "measure": claim.measure}
        for name, fn in (
            ("value", matcher._support_candidates),
            ("measure", matcher._drift_candidates),
        ):
            captured.clear()
            start = time.perf_counter()
            try:
                got = fn(claim)
            except sqlite3.OperationalError as exc:  # interrupted at the cap
                if "interrupt" not in str(exc):
                    raise
                got = None
            entry[f"{name}_s"] = time.perf_counter() - start
            entry[f"{name}_rows"] = None if got is None else len(got)
            entry[f"{name}_fixture"] = (
                None if got is None else sum(1 for c in got if c.evidence.fact in fixture_ids)
            )
            entry[f"{name}_all"] = entry[f"{name}_fixture_all"] = 0
            if captured:
                sql, params = captured[0]
                entry[f"{name}_sql"] = (sql, params)
                unlimited = sql.rsplit(" LIMIT ", 1)[0]
                if "CROSS JOIN facts f" not in unlimited:
                    unlimited = unlimited.replace(" JOIN facts f ON", " CROSS JOIN facts f ON", 1)
                # the first column of the candidate queries is f.id AS fact
                every = [r[0] for r in conn.execute(unlimited, params[:-1])]
                entry[f"{name}_all"] = len(every)
                entry[f"{name}_fixture_all"] = sum(1 for i in every if i in fixture_ids)
        rows.append(entry)
    plans = {}
    for name in ("value", "measure"):
        sample = next((r for r in rows if f"{name}_sql" in r), None)
        if sample:
            sql, params = sample[f"{name}_sql"]
            plans[name] = [
                r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            ]
    db.close()
    return {"rows": rows, "plans": plans}


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {revision()}"
    )


def revision() -> str:
    """The commit under test, and whether factcheck/ had uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return "not a git checkout"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "factcheck"], capture_output=True, text=True
    ).stdout.strip()
    return f"commit {head.stdout.strip()}" + (
        " with uncommitted changes in factcheck/" if dirty else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per database (≥ 5)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    parser.add_argument("--workdir", type=Path, help="build here (kept); reuse databases found")
    parser.add_argument("--no-append", action="store_true", help="print, do not touch RESULTS.md")
    parser.add_argument(
        "--slow", type=float, default=60.0, help="a warm-up run longer than this is measured once"
    )
    parser.add_argument(
        "--cap", type=float, default=5.0, help="seconds before a probed query is interrupted"
    )
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="factcheck-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    keep = args.keep or args.workdir is not None
    try:
        report = measure(args, work)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: {work}", file=sys.stderr)
    print(report)
    if not args.no_append:
        append_results(report)


def measure(args: argparse.Namespace, work: Path) -> str:
    article = analyse_text(ARTICLE.read_text(encoding="utf-8"), PUBLISHED)
    built: dict[str, dict[str, Any]] = {}
    paths = {}
    for label, target in (("small", args.small), ("large", args.large)):
        path = work / f"{label}-{target}.db"
        paths[label] = path
        if path.exists():
            db = Database(path)
            facts = int(db.db.execute("SELECT count(*) FROM facts").fetchone()[0])
            documents = int(db.db.execute("SELECT count(*) FROM documents").fetchone()[0])
            db.close()
            built[label] = {"facts": facts, "documents": documents, "seconds": None}
            print(f"{label}: reusing {path} ({facts} facts)", file=sys.stderr)
            continue
        print(f"{label}: building {target} facts in {path} …", file=sys.stderr)
        synth = Synth(article.claims)
        built[label] = build(path, target, synth)
        built[label]["vocabulary"] = synth.vocabulary
        built[label]["guarded"] = len(synth.guarded)
        print(f"{label}: {built[label]}", file=sys.stderr)

    times: dict[str, list[float]] = {"small": [], "large": []}
    peaks: dict[str, list[int]] = {"small": [], "large": []}
    codes: dict[str, set[int]] = {"small": set(), "large": set()}
    logs = {label: work / f"{label}.jsonl" for label in paths}
    once: set[str] = set()
    for label in paths:  # warm-up: imports compiled, database pages in the OS cache
        seconds, peak, code = timed_run(paths[label], logs[label], work)
        print(f"  {label} warm-up: {seconds:.3f} s, {peak / 1024:.1f} MiB", file=sys.stderr)
        if seconds > args.slow:  # far over any bar: this one run is the measurement
            once.add(label)
            times[label].append(seconds)
            peaks[label].append(peak)
            codes[label].add(code)
    for i in range(args.repeat):
        order = ("small", "large") if i % 2 == 0 else ("large", "small")
        for label in order:
            if label in once:
                continue
            seconds, peak, code = timed_run(paths[label], logs[label], work)
            times[label].append(seconds)
            peaks[label].append(peak)
            codes[label].add(code)
            print(
                f"  {label}: {seconds:.3f} s, {peak / 1024:.1f} MiB, exit {code}", file=sys.stderr
            )

    small, large = match_records(logs["small"]), match_records(logs["large"])
    differ = [c for c in small if comparable(small[c]) != comparable(large.get(c, small[c]))]
    differ += [c for c in large if c not in small]
    why_differ = sum(1 for c in small if c in large and small[c]["why"] != large[c]["why"])
    verdicts = {
        label: ", ".join(
            f"{sum(1 for r in recs.values() if r['verdict'] == v)} {v}"
            for v in ("supported", "contradicted", "unverified")
        )
        for label, recs in (("small", small), ("large", large))
    }
    inside = probe(paths["large"], article.claims, args.cap)

    med = {k: statistics.median(v) for k, v in times.items()}
    peak = {k: max(v) / 1024 for k, v in peaks.items()}
    time_ratio = med["large"] / med["small"]
    mem_ratio = peak["large"] / peak["small"]
    lines = [
        "## Scale — `python bench/scale.py`",
        "",
        f"{dt.date.today().isoformat()}, {machine()}. `factcheck run claims/taiyuan-2019.txt "
        f"--published {PUBLISHED} --db DB` as a subprocess: a warm-up run per database, then "
        f"{args.repeat} runs each alternating small/large (a warm-up over {args.slow:.0f} s is "
        "the only run); peak RSS: each run's own ru_maxrss (os.wait4 in a bare-Python launcher).",
        "",
        "| database | facts | documents | db MB | built s | runs | run s median (min–max) "
        "| peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label in ("small", "large"):
        b = built[label]
        built_s = f"{b['seconds']:.1f}" if b.get("seconds") is not None else "reused"
        lines.append(
            f"| {label} | {b['facts']:,} | {b['documents']:,} | {db_megabytes(paths[label]):,.1f} "
            f"| {built_s} | {len(times[label])} | {med[label]:.3f} ({min(times[label]):.3f}–"
            f"{max(times[label]):.3f}) | {peak[label]:.1f} |"
        )
    verdict = {True: "met", False: "**not met**"}
    lines += [
        f"| ratio large/small | | | | | | **{time_ratio:.2f}** (bar ≤ {BAR}: "
        f"{verdict[time_ratio <= BAR]}) | **{mem_ratio:.2f}** (bar ≤ {BAR}: "
        f"{verdict[mem_ratio <= BAR]}) |",
        "",
        f"- Verdicts: small {verdicts['small']}; large {verdicts['large']}; "
        + (
            "verdict, evidence, origin and drift identical for every claim"
            if not differ
            else f"**verdict, evidence, origin or drift differ for {len(differ)} claims**"
        )
        + f" (the why differs for {why_differ}). Exit codes: small {sorted(codes['small'])}, "
        f"large {sorted(codes['large'])}.",
    ]
    for name, plan in inside["plans"].items():
        lines.append(
            f"- Plan of the candidates-by-{name} query (large db): "
            + " → ".join(f"`{p}`" for p in plan)
            + "."
        )
    lines += [
        "- Per claim, on the large db: rows returned / rows matching without the LIMIT (fixture "
        f"facts among them), and ms (in process; a query is interrupted at {args.cap:g} s):",
        "",
        "| claim | figure | measure | by value | ms | by measure | ms |",
        "|---|---|---|---|---|---|---|",
    ]

    def cell(r: dict[str, Any], name: str) -> tuple[str, str]:
        got = r[f"{name}_rows"]
        shown = "—" if got is None else str(got)
        fixtures = "—" if got is None else str(r[f"{name}_fixture"])
        ms = 1000 * r[f"{name}_s"]
        return (
            f"{shown} / {r[f'{name}_all']:,} ({fixtures}/{r[f'{name}_fixture_all']})",
            f"> {1000 * args.cap:.0f}" if got is None else f"{ms:.0f}",
        )

    for r in inside["rows"]:
        value, value_ms = cell(r, "value")
        measure, measure_ms = cell(r, "measure")
        lines.append(
            f"| {r['claim']} | {r['text']} | {r['measure'] or ''} | {value} | {value_ms} "
            f"| {measure} | {measure_ms} |"
        )
    lines.append("")
    return "\n".join(wrap(line) for line in lines)


def wrap(line: str, width: int = 100) -> str:
    """Prose lines wrapped as the rest of RESULTS.md (tables left alone)."""
    if line.startswith("|") or len(line) <= width:
        return line
    indent = "  " if line.startswith("- ") else ""
    return textwrap.fill(
        line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def append_results(report: str) -> None:
    """Append with one write, after re-reading the file (another bench may append too)."""
    current = RESULTS.read_text(encoding="utf-8")
    sep = "" if current.endswith("\n\n") else ("\n" if current.endswith("\n") else "\n\n")
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(sep + report.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
