"""Task-list personas: the 营商办 (the district's supervisor), a leader, the responsible
department (dept: handler and head), another department, and outsiders; a year's
indicator led by dept and a task that dept leads, made through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from qinqing.accounts.models import User
from qinqing.conftest import District
from qinqing.tasklist import services
from qinqing.tasklist.models import Indicator, Task


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def indicator(district: District, supervisor: User, today: dt.date) -> Indicator:
    return services.create_indicator(
        actor=supervisor, year=today.year, name="开办企业", lead_department=district.dept
    )


def make_task(
    indicator: Indicator, office: User, district: District, due_on: dt.date, **extra: object
) -> Task:
    values: dict[str, object] = {
        "title": "企业开办压缩至 0.5 个工作日",
        "lead_unit": district.dept,
        "due_on": due_on,
        "target_value": "0.5",
        "target_unit": "个工作日",
        "plan": [services.PlanLine(due_on.month, "全面推行", None)],
    }
    values.update(extra)
    return services.create_task(indicator, actor=office, **values)  # type: ignore[arg-type]


@pytest.fixture
def task(indicator: Indicator, supervisor: User, district: District, today: dt.date) -> Task:
    due = min(today + dt.timedelta(days=20), today.replace(month=12, day=31))
    return make_task(indicator, supervisor, district, due)


@pytest.fixture
def other_indicator(district: District, supervisor: User, today: dt.date) -> Indicator:
    return services.create_indicator(
        actor=supervisor, year=today.year, name="市场监管", lead_department=district.other_dept
    )


@pytest.fixture
def other_task(
    other_indicator: Indicator, supervisor: User, district: District, today: dt.date
) -> Task:
    """Under the other department's indicator, led by it; dept has no part in it."""
    due = min(today + dt.timedelta(days=20), today.replace(month=12, day=31))
    return make_task(
        other_indicator,
        supervisor,
        district,
        due,
        title="其他单位的任务",
        lead_unit=district.other_dept,
    )
