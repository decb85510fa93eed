"""The Luohe-shaped template: 5 evaluation dimensions × 23 indicators (漯河: "5 个评价维度、
23 项指标"), each read from a platform figure or scored by hand, applied by unit type
(永川: enterprise satisfaction is every unit's base score, the other items by the unit's
duties). Used by the data migration (with historical models) and by tests after a flush.
"""

from decimal import Decimal
from typing import Any

NAME = "漯河模式（五维度二十三项）"

DIMENSIONS = [
    ("D1", "政务服务"),
    ("D2", "诉求办理"),
    ("D3", "惠企政策"),
    ("D4", "项目建设"),
    ("D5", "监管执法"),
]

ALL: tuple[str, ...] = ()
DEPTS = ("key", "general")
KEY = ("key",)

INDICATORS: list[tuple[str, str, str, str, str, str, str | None, str, str, str, tuple[str, ...]]] = [
    # dimension, code, name, kind, figure, weight, target, points per pp, min, max, unit types
    ("D1", "L01", "好差评好评率", "adjust", "rating_good_rate", "0", "0.95", "0.2", "-3", "3", DEPTS),
    ("D1", "L02", "好差评参评率", "adjust", "rating_participation_rate", "0", "0.60", "0.05", "-2", "2", DEPTS),
    ("D1", "L03", "办件按时办结率", "adjust", "catalog_matter_on_time_rate", "0", "0.98", "0.3", "-3", "2", DEPTS),
    ("D1", "L04", "审批时限压缩比", "adjust", "catalog_time_compression", "0", "0.50", "0.05", "-2", "2", DEPTS),
    ("D1", "L05", "差评整改率", "adjust", "rating_rectify_rate", "0", "1", "0.1", "-3", "0", DEPTS),
    ("D2", "L06", "企业满意度（基础分）", "base", "appeal_satisfied_rate", "60", None, "0", "0", "60", ALL),
    ("D2", "L07", "诉求按时响应率", "adjust", "appeal_response_on_time_rate", "0", "0.98", "0.2", "-3", "2", ALL),
    ("D2", "L08", "诉求按时办结率", "adjust", "appeal_close_on_time_rate", "0", "0.95", "0.3", "-4", "3", ALL),
    ("D2", "L09", "诉求问题解决率", "adjust", "appeal_solved_rate", "0", "0.90", "0.3", "-4", "3", ALL),
    ("D2", "L10", "诉求重办率", "adjust", "appeal_reopen_rate", "0", "0.05", "-0.2", "-3", "1", ALL),
    ("D2", "L11", "派单退回率", "adjust", "appeal_return_rate", "0", "0.10", "-0.1", "-2", "1", DEPTS),
    ("D3", "L12", "政策兑现按时率", "adjust", "policy_payout_on_time_rate", "0", "0.95", "0.2", "-3", "2", DEPTS),
    ("D3", "L13", "包联企业走访覆盖率", "adjust", "liaison_visit_rate", "0", "0.80", "0.1", "-3", "2", ALL),
    ("D3", "L14", "驻企干部企业评分", "adjust", "liaison_stay_score", "0", "0.90", "0.2", "-2", "2", ALL),
    ("D3", "L15", "惠企政策宣传解读", "manual", "", "0", None, "0", "0", "2", ALL),
    ("D4", "L16", "项目审批节点按时率", "adjust", "project_step_on_time_rate", "0", "0.95", "0.3", "-4", "2", KEY),
    ("D4", "L17", "办件无负面行为率", "adjust", "catalog_matter_clean_rate", "0", "0.98", "0.3", "-3", "1", DEPTS),
    ("D4", "L18", "重点项目服务保障", "manual", "", "0", None, "0", "0", "3", ("key", "town")),
    ("D4", "L19", "营商环境任务按时完成率", "adjust", "task_on_time_rate", "0", "0.95", "0.2", "-4", "2", ALL),
    ("D5", "L20", "督查发现按期整改率", "adjust", "finding_rectified_on_time_rate", "0", "1", "0.2", "-4", "0", ALL),
    ("D5", "L21", "差评回访率", "adjust", "rating_callback_rate", "0", "1", "0.1", "-2", "0", DEPTS),
    ("D5", "L22", "包容审慎监管（首违不罚等）", "manual", "", "0", None, "0", "0", "2", DEPTS),
    ("D5", "L23", "涉企检查扰企问题", "manual", "", "0", None, "0", "-5", "0", ALL),
]  # fmt: skip


def seed_luohe(Scheme: Any, Dimension: Any, Indicator: Any) -> Any:  # noqa: N803
    scheme, _ = Scheme.objects.get_or_create(
        name=NAME,
        defaults={
            "is_default": False,
            "description": (
                "五个评价维度、二十三项指标：企业满意度为各单位基础分，其余指标按重点单位、"
                "一般单位、镇街分类适用，数据取自平台办件、诉求、评价、包联、政策兑现、任务和项目。"
            ),
        },
    )
    dimensions = {}
    for order, (code, name) in enumerate(DIMENSIONS):
        dimensions[code], _ = Dimension.objects.get_or_create(
            scheme=scheme, code=code, defaults={"name": name, "order": order}
        )
    for order, row in enumerate(INDICATORS):
        dim, code, name, kind, figure, weight, target, ppp, lo, hi, types = row
        Indicator.objects.get_or_create(
            scheme=scheme,
            code=code,
            defaults={
                "dimension": dimensions[dim],
                "name": name,
                "kind": kind,
                "figure": figure,
                "unit_types": list(types),
                "weight": Decimal(weight),
                "target": Decimal(target) if target else None,
                "points_per_percent": Decimal(ppp),
                "min_points": Decimal(lo),
                "max_points": Decimal(hi),
                "order": order,
            },
        )
    return scheme
