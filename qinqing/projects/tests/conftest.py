"""Projects, matters and schedule items for tests, made through the services at the
moments a test names (time-machine moves the clock, as the demo's clock does)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from qinqing.accounts.models import User
from qinqing.catalog import services as catalog
from qinqing.catalog.models import Matter, ServiceItem
from qinqing.catalog.tests.factories import make_item
from qinqing.conftest import District
from qinqing.enterprises.models import Enterprise
from qinqing.projects import services
from qinqing.projects.models import Project

TZ = timezone.get_current_timezone()


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


@dataclass
class Items:
    establish: ServiceItem
    land: ServiceItem
    planning: ServiceItem
    permit: ServiceItem
    completion: ServiceItem


@pytest.fixture
def items(district: District) -> Items:
    return Items(
        establish=make_item(district.dept, "企业投资项目备案", promised_days=3),
        land=make_item(district.dept, "建设用地规划许可证核发", promised_days=10),
        planning=make_item(district.other_dept, "建设工程规划许可证核发", promised_days=10),
        permit=make_item(district.dept, "建筑工程施工许可证核发", promised_days=5),
        completion=make_item(district.dept, "建设工程竣工验收备案", promised_days=5),
    )


MatterRunner = Callable[..., Matter]


@pytest.fixture
def run_matter(enterprise_user_a: User, handler: User, other_handler: User) -> MatterRunner:
    """run_matter(item, submitted, accepted, decided, pauses=[(start, end)], user=...)"""

    def run(
        item: ServiceItem,
        submitted: dt.datetime,
        accepted: dt.datetime | None = None,
        decided: dt.datetime | None = None,
        pauses: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
        user: User | None = None,
        approve: bool = True,
    ) -> Matter:
        applicant = user or enterprise_user_a
        officer = (
            handler
            if item.department_id == handler.memberships.get().organisation_id
            else other_handler
        )
        with time_machine.travel(submitted, tick=False):
            matter = catalog.apply_for_item(item, actor=applicant, form_data={})
        if accepted is None:
            return matter
        with time_machine.travel(accepted, tick=False):
            matter = catalog.accept_matter(matter, actor=officer)
        for start, end in pauses:
            with time_machine.travel(start, tick=False):
                matter = catalog.request_correction(matter, actor=officer, note="请补充材料")
            with time_machine.travel(end, tick=False):
                matter = catalog.resubmit_matter(matter, actor=applicant, note="已补充")
        if decided is None:
            return matter
        with time_machine.travel(decided, tick=False):
            matter = catalog.decide_matter(
                matter, actor=officer, approve=approve, reason="" if approve else "不符合条件"
            )
        return matter

    return run


@pytest.fixture
def make_project(
    district: District, handler: User, enterprise_a: Enterprise
) -> Callable[..., Project]:
    counter = [0]

    def make(**fields: Any) -> Project:
        counter[0] += 1
        args: dict[str, Any] = {
            "actor": handler,
            "code": f"2026-511602-00-01-{counter[0]:06d}",
            "name": f"测试项目{counter[0]}",
            "enterprise": enterprise_a,
            "project_type": "enterprise",
            "lead_department": district.dept,
            "investment": "12000.50",
        }
        return services.create_project(**(args | fields))

    return make
