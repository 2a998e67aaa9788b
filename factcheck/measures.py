"""What a figure counts (its measure), and when two measures name the same thing."""

from __future__ import annotations

import re

_QUOTE_CHARS = "“”「」『』\"'‘’《》()（）"
# Words after which the measure starts (打掉 涉黑团伙128个 → 涉黑团伙); the last one wins.
LEAD_WORDS = [
    "其中",
    "包括",
    "共计",
    "共有",
    "总计",
    "合计",
    "累计",
    "共",
    "打掉",
    "查处",
    "查获",
    "破获",
    "抓获",
    "处理",
    "审查出",
    "移送",
    "召开",
    "牵出",
    "打击",
    "侦破",
    "发生",
    "完成",
    "实现",
    "达到",
    "达",
    "有",
    "为",
    "是",
    "占",
    "涉及",
    "办理",
    "受理",
    "审结",
    "起诉",
    "判处",
    "排查",
    "化解",
    "整治",
    "清理",
    "新增",
    "新建",
    "投入",
    "投资",
    "接待",
    "制定了",
    "制定",
    "出台",
    "确定",
    "收集",
    "摸排",
    "帮助",
    "救助",
    "解决",
    "挽回",
    "追缴",
    "缴获",
    "查扣",
    "冻结",
    "分别",
    "其余",
    "另有",
    "中",
    "全市",
    "全省",
    "全县",
    "全区",
    "今年",
    "去年",
    "同期",
]
# Words that end a measure read after the figure (4名省管干部违纪违法 → 省管干部).
END_WORDS = [
    "被",
    "的",
    "是",
    "在",
    "已",
    "均",
    "都",
    "和",
    "及",
    "与",
    "等",
    "共",
    "其中",
    "同比",
    "环比",
    "比",
    "较",
    "违纪",
    "违法",
    "充当",
    "进行",
    "开展",
    "召开",
    "成功",
    "正在",
    "已经",
    "将",
    "把",
    "为",
    "于",
    "向",
    "对",
    "从",
    "由",
    "给",
    "让",
    "使",
    "中",
    "也",
    "又",
    "还",
    "并",
    "下降",
    "上升",
    "增长",
    "减少",
    "提高",
    "降低",
    "占",
    "达",
]
COMPARISON_WORDS = ("同比", "环比")
_COMPARISON = re.compile(
    r"同比|环比|较(?:去年|上年|前年)[^,，。;；]{0,6}|比(?:去年|上年)[^,，。;；]{0,6}"
)
_MAX_MEASURE = 12
_TRAILING_VERBS = re.compile(
    r"(?:共计|共有|总计|合计|累计|共|计|达到|达|为|是|约|超过|逾|近|突破|保持在|至|了|的)+$"
)
# Heads shared by a list: 农业、工业、服务业增加值 means 农业增加值, 工业增加值, 服务业增加值.
SHARED_HEADS = [
    "增加值",
    "警情",
    "案件",
    "收入",
    "产值",
    "总额",
    "销售额",
    "投资",
    "人数",
    "事故",
    "产量",
    "支出",
    "利润",
    "价格",
    "指数",
    "面积",
    "人次",
]
# Attributes that need their owner: 增速 of 地区生产总值.
ATTRIBUTES = ("增速", "增幅", "比重", "占比", "总量", "规模", "降幅")


def clean(measure: str) -> str:
    """A measure without quotes and brackets, so that “两抢一盗”警情 compares as 两抢一盗警情."""
    return "".join(ch for ch in measure if ch not in _QUOTE_CHARS).strip()


def measure_after(text: str) -> str:
    """The noun phrase that follows a classifier: 128个[涉黑恶团伙]被打掉."""
    run = re.match(r"[\u4e00-\u9fff“”「」]*", text)
    phrase = run.group(0)[:_MAX_MEASURE] if run else ""
    cut = len(phrase)
    for word in END_WORDS:
        at = phrase.find(word, 1)
        if 0 < at < cut:
            cut = at
    return clean(phrase[:cut])


def measure_before(clause: str, lead_words: tuple[str, ...] | list[str] = LEAD_WORDS) -> str:
    """The noun phrase before a figure, after the last verb: 共打掉[涉黑涉恶犯罪团伙]128个."""
    phrase = _TRAILING_VERBS.sub("", _COMPARISON.sub("", clause))
    start = 0
    for word in lead_words:
        at = phrase.rfind(word)
        if at >= 0 and at + len(word) > start and at + len(word) < len(phrase):
            start = at + len(word)
    measure = clean(phrase[start:])[-_MAX_MEASURE:]
    return measure or clean(clause)[-_MAX_MEASURE:]


def comparison_in(clause: str) -> str | None:
    """同比 / 较去年一季度 / 比上年: the baseline a change is measured against, if the text gives it."""
    found = _COMPARISON.findall(clause)
    specific = [f for f in found if f not in COMPARISON_WORDS]
    return (specific or found or [None])[-1]


def measures_compatible(a: str | None, b: str | None) -> bool:
    """Two measures name the same thing: same head noun (last two characters), most characters shared."""
    if not a or not b:
        return False
    a, b = clean(a), clean(b)
    if a == b:
        return True
    if len(a) < 2 or len(b) < 2 or a[-2:] != b[-2:]:
        return False
    shorter, longer = sorted((a, b), key=len)
    shared = sum(1 for ch in set(shorter) if ch in longer)
    return shared / len(set(shorter)) >= 0.8


def distribute_head(names: list[str]) -> list[str]:
    """Give every item of a list the head noun only the last one carries (农业、工业增加值)."""
    last = names[-1]
    head = next((h for h in SHARED_HEADS if last.endswith(h)), None)
    if head is None:
        return names
    return [n if n.endswith(head) else n + head for n in names]


def with_owner(measure: str | None, owner: str | None) -> str | None:
    """增速 alone becomes 地区生产总值增速 when the sentence named the owner just before."""
    if measure and owner and measure.endswith(ATTRIBUTES) and len(measure) <= 4:
        return owner + measure
    return measure or owner
