"""Enterprise size per 统计上大中小微型企业划分办法（2017）(国统字〔2017〕213号). Pure: no ORM.

The thresholds are a data table (THRESHOLDS) rather than code, because they come from a
national statistical standard and change only with a new edition: a new edition is a new
table, and the tests generate every boundary (b-1, b, b+1) from the same table.

The rule (附表 note 1): "大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业
只须满足所列指标中的一项即可。" So each indicator alone gives a tier, and the class is the
worst (smallest) of those tiers. Industries the rule does not cover (金融业 J, 教育 P,
卫生 84, 公共管理 S, 国际组织 T, 铁路运输 53) are "not applicable", never micro.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
NOT_APPLICABLE = "na"
UNKNOWN = ""
TIERS = (LARGE, MEDIUM, SMALL, MICRO)  # index 0 is the biggest

# Indicators (附表 note 3): X 从业人员 (people), Y 营业收入 (万元), Z 资产总额 (万元).
EMPLOYEES, REVENUE, TOTAL_ASSETS = "employees", "revenue", "total_assets"

# Industry groups of the 附表, with the lower bounds of large, medium and small for each
# indicator. Anything below the small bound is micro.
THRESHOLDS: dict[str, dict[str, tuple[int, int, int]]] = {
    "agriculture": {REVENUE: (20000, 500, 50)},  # 农、林、牧、渔业
    "industry": {EMPLOYEES: (1000, 300, 20), REVENUE: (40000, 2000, 300)},  # 工业 *
    "construction": {REVENUE: (80000, 6000, 300), TOTAL_ASSETS: (80000, 5000, 300)},  # 建筑业
    "wholesale": {EMPLOYEES: (200, 20, 5), REVENUE: (40000, 5000, 1000)},  # 批发业
    "retail": {EMPLOYEES: (300, 50, 10), REVENUE: (20000, 500, 100)},  # 零售业
    "transport": {EMPLOYEES: (1000, 300, 20), REVENUE: (30000, 3000, 200)},  # 交通运输业 *
    "warehousing": {EMPLOYEES: (200, 100, 20), REVENUE: (30000, 1000, 100)},  # 仓储业 *
    "postal": {EMPLOYEES: (1000, 300, 20), REVENUE: (30000, 2000, 100)},  # 邮政业
    "accommodation": {EMPLOYEES: (300, 100, 10), REVENUE: (10000, 2000, 100)},  # 住宿业
    "catering": {EMPLOYEES: (300, 100, 10), REVENUE: (10000, 2000, 100)},  # 餐饮业
    "telecom": {EMPLOYEES: (2000, 100, 10), REVENUE: (100000, 1000, 100)},  # 信息传输业 *
    "software": {EMPLOYEES: (300, 100, 10), REVENUE: (10000, 1000, 50)},  # 软件和信息技术服务业
    "real_estate_dev": {
        REVENUE: (200000, 1000, 100),
        TOTAL_ASSETS: (10000, 5000, 2000),
    },  # 房地产开发经营
    "property_mgmt": {EMPLOYEES: (1000, 300, 100), REVENUE: (5000, 1000, 500)},  # 物业管理
    "leasing_business": {
        EMPLOYEES: (300, 100, 10),
        TOTAL_ASSETS: (120000, 8000, 100),
    },  # 租赁和商务服务业
    "other": {EMPLOYEES: (300, 100, 10)},  # 其他未列明行业 *
}

GROUP_LABELS = {
    "agriculture": "农、林、牧、渔业",
    "industry": "工业",
    "construction": "建筑业",
    "wholesale": "批发业",
    "retail": "零售业",
    "transport": "交通运输业",
    "warehousing": "仓储业",
    "postal": "邮政业",
    "accommodation": "住宿业",
    "catering": "餐饮业",
    "telecom": "信息传输业",
    "software": "软件和信息技术服务业",
    "real_estate_dev": "房地产开发经营",
    "property_mgmt": "物业管理",
    "leasing_business": "租赁和商务服务业",
    "other": "其他未列明行业",
}

# GB/T 4754-2017 codes to groups, per the 2017 附表 note 2. Keys are digit prefixes of the
# 大类/中类/小类 code (the 门类 letter is dropped); the longest matching prefix wins.
# None marks what the rule excludes (art. 2-3).
_BY_DIGITS: dict[str, str | None] = {
    **{f"{d:02d}": "agriculture" for d in range(1, 6)},  # A 01-05
    **{f"{d:02d}": "industry" for d in range(6, 47)},  # B 06-12, C 13-43, D 44-46
    **{f"{d:02d}": "construction" for d in range(47, 51)},  # E 47-50
    "51": "wholesale",
    "52": "retail",
    "53": None,  # 铁路运输业: excluded
    **{
        f"{d:02d}": "transport" for d in range(54, 59)
    },  # 道路, 水上, 航空, 管道, 多式联运和运输代理
    "591": "transport",  # 装卸搬运
    **{f"59{d}": "warehousing" for d in range(2, 10)},  # 592-599 仓储
    "60": "postal",
    "61": "accommodation",
    "62": "catering",
    "63": "telecom",  # 电信、广播电视和卫星传输服务
    "64": "telecom",  # 互联网和相关服务
    "65": "software",
    **{f"{d:02d}": None for d in range(66, 70)},  # J 金融业: excluded
    "701": "real_estate_dev",
    "702": "property_mgmt",
    "703": "other",  # 房地产中介服务
    "704": None,  # 房地产租赁经营 (自有房地产经营活动): excluded by note 2
    "709": "other",  # 其他房地产业
    "71": "leasing_business",
    "72": "leasing_business",
    **{f"{d:02d}": "other" for d in range(73, 83)},  # M 73-75, N 76-79, O 80-82
    "83": None,  # P 教育
    "84": None,  # Q 卫生
    "85": "other",  # 社会工作
    **{f"{d:02d}": "other" for d in range(86, 91)},  # R 86-90
    **{f"{d:02d}": None for d in range(91, 98)},  # S 91-96, T 97
}
# A bare 门类 letter decides the group only where the whole 门类 maps to one group.
_BY_SECTION: dict[str, str | None] = {
    "A": "agriculture", "B": "industry", "C": "industry", "D": "industry",
    "E": "construction", "J": None, "L": "leasing_business", "M": "other", "N": "other",
    "O": "other", "P": None, "R": "other", "S": None, "T": None,
}  # fmt: skip

EXCLUDED = "excluded"


def industry_group(industry_code: str | None) -> str | None:
    """The 附表 group for a GB/T 4754-2017 code ("C3911", "G5920", "K70", "C"),
    EXCLUDED for industries the rule does not cover, or None when the code is too coarse
    or unknown to decide (e.g. "G59": 装卸搬运 or 仓储?)."""
    code = (industry_code or "").strip().upper()
    if not code:
        return None
    letter, digits = (code[0], code[1:]) if code[0].isalpha() else ("", code)
    if not digits:
        group = _BY_SECTION.get(letter, "")
        if group == "":
            return None
        return EXCLUDED if group is None else group
    for length in (3, 2):
        prefix = digits[:length]
        if len(prefix) == length and prefix in _BY_DIGITS:
            group = _BY_DIGITS[prefix]
            return EXCLUDED if group is None else group
    return None


def tier_of(value: float | int | Decimal, bounds: tuple[int, int, int]) -> str:
    """The tier one indicator alone gives: at or above a lower bound reaches that tier."""
    large, medium, small = bounds
    if value >= large:
        return LARGE
    if value >= medium:
        return MEDIUM
    if value >= small:
        return SMALL
    return MICRO


@dataclass(frozen=True)
class SizeResult:
    size_class: str  # LARGE..MICRO, NOT_APPLICABLE, or UNKNOWN
    group: str | None
    reason: str  # Chinese, for the profile page


def classify(
    industry_code: str | None, figures: Mapping[str, float | int | Decimal | None]
) -> SizeResult:
    """Classify from the indicators the group needs (`figures`: employees, revenue,
    total_assets; 万元 for money). One indicator below the small bound makes the firm
    micro whatever the others are ("微型企业只须满足所列指标中的一项即可"); otherwise a
    missing indicator gives UNKNOWN, not a guess."""
    group = industry_group(industry_code)
    if group is None:
        return SizeResult(UNKNOWN, None, "行业代码缺失或不够细，无法确定划型行业")
    if group == EXCLUDED:
        return SizeResult(NOT_APPLICABLE, None, "该行业不在统计上大中小微型企业划分范围内")
    tiers: list[int] = []
    missing: list[str] = []
    for indicator, bounds in THRESHOLDS[group].items():
        value = figures.get(indicator)
        if value is None:
            missing.append(indicator)
        else:
            tiers.append(TIERS.index(tier_of(value, bounds)))
    worst = TIERS[max(tiers)] if tiers else UNKNOWN
    if missing and worst == MICRO:
        return SizeResult(
            MICRO, group, f"按{GROUP_LABELS[group]}标准，已有一项指标低于小型下限，即为微型"
        )
    if missing:
        return SizeResult(UNKNOWN, group, f"缺少划型所需指标：{_LABELS[missing[0]]}")
    return SizeResult(worst, group, f"按{GROUP_LABELS[group]}标准，取各指标所在档次中最低者")


_LABELS = {EMPLOYEES: "从业人员", REVENUE: "营业收入", TOTAL_ASSETS: "资产总额"}


# GB/T 4754-2017 门类 and the 大类 numbers each holds, to check that a code is coherent.
SECTIONS: dict[str, range] = {
    "A": range(1, 6), "B": range(6, 13), "C": range(13, 44), "D": range(44, 47),
    "E": range(47, 51), "F": range(51, 53), "G": range(53, 61), "H": range(61, 63),
    "I": range(63, 66), "J": range(66, 70), "K": range(70, 71), "L": range(71, 73),
    "M": range(73, 76), "N": range(76, 80), "O": range(80, 83), "P": range(83, 84),
    "Q": range(84, 86), "R": range(86, 91), "S": range(91, 97), "T": range(97, 98),
}  # fmt: skip


def industry_code_error(code: str) -> str | None:
    """Why `code` is not a GB/T 4754-2017 code (门类 letter + 0, 2, 3 or 4 digits whose
    大类 lies in that 门类), in Chinese; None when it is fine."""
    code = code.strip().upper()
    if not code or code[0] not in SECTIONS:
        return "行业代码应以国民经济行业分类门类字母（A–T）开头"
    digits = code[1:]
    if digits and (not digits.isdigit() or len(digits) not in (2, 3, 4)):
        return "行业代码应为门类字母加 2、3 或 4 位数字，如 C3911"
    if digits and int(digits[:2]) not in SECTIONS[code[0]]:
        return f"行业大类 {digits[:2]} 不属于门类 {code[0]}"
    return None


def size_class_expr(
    industry_code: pl.Expr, figures: Mapping[str, pl.Expr], codes: Iterable[str | None]
) -> pl.Expr:
    """`classify(...).size_class` over whole columns: `figures` maps employees, revenue
    and total_assets to numeric columns (null where missing); `codes` are the distinct
    industry codes the column holds (their groups are looked up once each)."""
    groups = {code: industry_group(code) for code in set(codes) if code is not None}
    group = industry_code.replace_strict(groups, default=None, return_dtype=pl.String)
    tiers: list[pl.Expr] = []
    missing: list[pl.Expr] = []
    for indicator in (EMPLOYEES, REVENUE, TOTAL_ASSETS):
        bounds = {g: b[indicator] for g, b in THRESHOLDS.items() if indicator in b}
        if not bounds:
            continue
        large, medium, small = (
            group.replace_strict({g: b[i] for g, b in bounds.items()}, default=None)
            for i in range(3)
        )
        value = figures[indicator]
        needed = large.is_not_null()
        missing.append(needed & value.is_null())
        tiers.append(
            pl.when(~needed | value.is_null())
            .then(None)
            .when(value >= large)
            .then(0)
            .when(value >= medium)
            .then(1)
            .when(value >= small)
            .then(2)
            .otherwise(3)
        )
    worst = pl.max_horizontal(tiers)
    any_missing = pl.any_horizontal(missing)
    return (
        pl.when(group.is_null())
        .then(pl.lit(UNKNOWN))
        .when(group == EXCLUDED)
        .then(pl.lit(NOT_APPLICABLE))
        .when(any_missing & (worst == 3))
        .then(pl.lit(MICRO))
        .when(any_missing | worst.is_null())
        .then(pl.lit(UNKNOWN))
        .otherwise(worst.replace_strict(dict(enumerate(TIERS)), return_dtype=pl.String))
    )
