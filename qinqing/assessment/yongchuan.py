"""The Yongchuan scheme as the default template: enterprise satisfaction is every unit's
base score, plus and minus points for speed and outcomes (永川: "把企业满意度作为所有单位的基础
分数 … 将办理速度和企业满意度作为考核加减分依据"). Used by the data migration (with historical
models) and by tests that need it after a flush."""

from decimal import Decimal
from typing import Any

NAME = "永川模式（默认模板）"

INDICATORS = [
    # code, name, kind, figure, weight, target, points per pp, min, max
    ("Y01", "企业满意度（基础分）", "base", "appeal_satisfied_rate", "100", None, "0", "0", "100"),
    (
        "Y02",
        "按时办结（办理速度）",
        "adjust",
        "appeal_close_on_time_rate",
        "0",
        "0.95",
        "0.5",
        "-5",
        "5",
    ),
    (
        "Y03",
        "按时响应（办理速度）",
        "adjust",
        "appeal_response_on_time_rate",
        "0",
        "0.98",
        "0.2",
        "-3",
        "3",
    ),
    (
        "Y04",
        "问题解决率（办理结果）",
        "adjust",
        "appeal_solved_rate",
        "0",
        "0.90",
        "0.3",
        "-5",
        "5",
    ),
    ("Y05", "好差评好评率", "adjust", "rating_good_rate", "0", "0.95", "0.2", "-3", "3"),
    ("Y06", "差评整改", "adjust", "rating_rectify_rate", "0", "1", "0.1", "-5", "0"),
    ("Y07", "创新举措与典型经验", "manual", "", "0", None, "0", "0", "5"),
]


def seed_yongchuan(Scheme: Any, Indicator: Any) -> Any:  # noqa: N803
    scheme, _ = Scheme.objects.get_or_create(
        name=NAME,
        defaults={
            "is_default": not Scheme.objects.filter(is_default=True).exists(),
            "description": "企业满意度作为各单位基础分，办理速度与办理结果加减分，创新举措人工评分（附佐证）。",
        },
    )
    for order, (code, name, kind, figure, weight, target, ppp, lo, hi) in enumerate(INDICATORS):
        Indicator.objects.get_or_create(
            scheme=scheme,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "figure": figure,
                "weight": Decimal(weight),
                "target": Decimal(target) if target else None,
                "points_per_percent": Decimal(ppp),
                "min_points": Decimal(lo),
                "max_points": Decimal(hi),
                "order": order,
            },
        )
    return scheme


# dimension code, name, the indicators under it ("根据单位职责分类设置考核项目")
DIMENSIONS = [
    ("YD1", "企业满意度", ("Y01",)),
    ("YD2", "办理速度", ("Y02", "Y03")),
    ("YD3", "办理结果", ("Y04", "Y05", "Y06")),
    ("YD4", "创新举措", ("Y07",)),
]


def seed_yongchuan_dimensions(Scheme: Any, Dimension: Any, Indicator: Any) -> None:  # noqa: N803
    """Put the Yongchuan indicators under their dimensions (indicators left alone if an
    administrator moved them already)."""
    scheme = Scheme.objects.filter(name=NAME).first()
    if scheme is None:
        return
    for order, (code, name, indicators) in enumerate(DIMENSIONS):
        dimension, _ = Dimension.objects.get_or_create(
            scheme=scheme, code=code, defaults={"name": name, "order": order}
        )
        Indicator.objects.filter(scheme=scheme, code__in=indicators, dimension=None).update(
            dimension=dimension
        )
