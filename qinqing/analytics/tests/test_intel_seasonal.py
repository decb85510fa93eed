import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from qinqing.analytics.intel import seasonal_service
from qinqing.analytics.intel.models import SeasonalWarning
from qinqing.analytics.tests.test_intel_fixtures import make_appeal
from qinqing.core.models import Notification


@pytest.fixture
def heating_history(district, handler):
    """Three past winters of heating complaints in November, plus other business all year."""
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            with time_machine.travel(dt.datetime(year, month, 10, 2, tzinfo=dt.UTC), tick=False):
                make_appeal(district.street, title="贷款难", text="银行贷款难，抵押物不足")
                make_appeal(district.street, title="招工难", text="企业招工困难，技工缺口大")
                if month == 11:
                    for i in range(4):
                        make_appeal(
                            district.street,
                            title="供暖不热",
                            text=f"厂房暖气不热，温度不达标{i}",
                            department=district.dept,
                        )


def test_warnings_are_raised_weeks_before_the_season_and_only_once(
    heating_history, district, handler
):
    created = seasonal_service.raise_seasonal_warnings(dt.date(2026, 10, 12))
    topics = {w.topic for w in created}
    assert "供暖" in topics
    warning = SeasonalWarning.objects.get(topic="供暖")
    assert warning.season_start == dt.date(2026, 11, 1) and warning.months == [11]
    assert list(warning.departments.all()) == [district.dept]
    assert Notification.objects.filter(recipient=handler, kind="seasonal_warning").count() == len(
        [w for w in created if district.dept in w.departments.all()]
    )
    again = seasonal_service.raise_seasonal_warnings(dt.date(2026, 10, 13))
    assert again == [] and SeasonalWarning.objects.filter(topic="供暖").count() == 1


def test_nothing_is_raised_far_from_the_season(heating_history):
    assert seasonal_service.raise_seasonal_warnings(dt.date(2026, 6, 1)) == []


def test_department_sees_its_warnings_and_another_department_does_not(
    heating_history, client_for, handler, other_handler, leader
):
    seasonal_service.raise_seasonal_warnings(dt.date(2026, 10, 12))
    url = reverse("analytics:seasonal_warnings")
    with time_machine.travel(dt.datetime(2026, 10, 12, 2, tzinfo=dt.UTC)):
        assert "供暖" in client_for(handler).get(url).content.decode()
        assert "供暖" not in client_for(other_handler).get(url).content.decode()
        assert "供暖" in client_for(leader).get(url).content.decode()
