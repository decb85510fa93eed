"""Small fixtures of our own for the intelligence tests (never the shared data)."""

import csv
import itertools
from pathlib import Path
from typing import Any

from qinqing.appeals.models import Appeal, Assignment, Category

UTILITIES = [
    ("厂区停电", "园区变压器故障，厂区停电三天，生产线停工"),
    ("供电不稳定", "工厂供电电压不稳，设备频繁跳闸停机"),
    ("停水问题", "厂区自来水停水两天，无法正常生产"),
    ("燃气供应中断", "园区燃气管道检修，食堂燃气供应中断"),
    ("电力增容申请", "企业扩产需要电力增容，变压器容量不足"),
    ("供暖不热", "冬季厂房供暖温度不达标，暖气片不热"),
    ("水压太低", "厂区供水水压太低，高层车间没有自来水"),
    ("频繁停电", "本月园区频繁停电，供电公司未提前通知"),
    ("天然气价格", "园区天然气收费价格过高，燃气费负担重"),
    ("电费异常", "本月电费异常偏高，电表计量可能有误"),
]
ROADS = [
    ("道路破损", "园区门口道路破损严重，货车无法通行"),
    ("路灯不亮", "工业园区道路路灯不亮，夜间通行不安全"),
    ("公交线路", "园区没有公交线路，员工上下班通勤困难"),
    ("道路积水", "下雨后园区道路积水严重，车辆无法通行"),
    ("交通拥堵", "园区路口交通拥堵，红绿灯设置不合理"),
    ("道路施工", "园区道路施工长期不完工，影响货车进出"),
    ("停车难", "园区停车位不足，货车停车困难"),
    ("路面塌陷", "厂区外道路路面塌陷，存在交通安全隐患"),
    ("断头路", "园区断头路一直未打通，货车绕行很远"),
    ("红绿灯故障", "园区路口红绿灯故障，交通秩序混乱"),
]
FINANCE = [
    ("贷款难", "小微企业申请银行贷款难，抵押物不足"),
    ("融资担保", "企业需要融资担保，担保费率过高"),
    ("贷款利率高", "银行贷款利率偏高，企业融资成本重"),
    ("续贷困难", "银行贷款到期续贷困难，资金周转紧张"),
    ("信用贷款", "希望银行提供信用贷款，无需抵押"),
    ("贴息政策", "咨询贷款贴息政策申请条件和流程"),
    ("应急转贷", "企业需要应急转贷资金过桥"),
    ("授信额度", "银行授信额度被压缩，流动资金不足"),
    ("融资渠道", "科技企业融资渠道少，希望对接投资机构"),
    ("抵押登记", "厂房抵押登记办理慢，影响银行放款"),
]
LABELS = {"水电气暖": UTILITIES, "道路交通": ROADS, "融资信贷": FINANCE}

_numbers = itertools.count(1)


def training_rows() -> list[tuple[str, str, str]]:
    return [(t, x, label) for label, rows in LABELS.items() for t, x in rows]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_training_csv(path: Path) -> Path:
    return write_csv(path, ["title", "text", "category"], [list(r) for r in training_rows()])


def make_appeal(
    division: Any, *, title: str, text: str, department: Any = None, **extra: Any
) -> Appeal:
    appeal = Appeal.objects.create(
        number=f"IT{next(_numbers):06d}",
        channel="phone",
        title=title,
        description=text,
        requester_name="刘经理",
        requester_phone=extra.pop("phone", "13812345678"),
        division=division,
        lead_department=department,
        **extra,
    )
    if department is not None:
        Assignment.objects.create(appeal=appeal, department=department, role=Assignment.Role.LEAD)
    return appeal


CODES = {"水电气暖": "0102", "道路交通": "0501", "融资信贷": "0104"}


def category(name: str) -> Category:
    """The seeded category (recreated when a transactional test flushed the seed)."""
    found = Category.objects.filter(name=name, is_active=True).order_by("code").first()
    return found or Category.objects.create(code=f"T{CODES[name]}", name=name)
