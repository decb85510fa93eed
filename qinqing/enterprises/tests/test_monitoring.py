import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.enterprises import services
from qinqing.enterprises.models import (
    EarlyWarning,
    EnterpriseEvent,
    IndicatorValue,
    Metric,
    Source,
    WarningRule,
    WarningStatus,
)
from qinqing.enterprises.monitoring import indicator_series, run_warning_pass
from qinqing.enterprises.transitions import TransitionError

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def reading(enterprise, period: dt.date, value: float, frequency: str = "M") -> None:  # type: ignore[no-untyped-def]
    IndicatorValue.objects.create(
        enterprise=enterprise, metric=Metric.ELECTRICITY, frequency=frequency, period=period,
        value=Decimal(str(value)), source=Source.OFFICER, recorded_at=timezone.now(),
    )  # fmt: skip


def rule(kind: str, **extra: object) -> WarningRule:
    return WarningRule.objects.create(name=kind, metric=Metric.ELECTRICITY, kind=kind, **extra)


def test_drop_against_same_month_last_year_fires_once(enterprise_a, enterprise_b) -> None:
    yoy = rule(WarningRule.Kind.YOY_DROP, drop_percent=Decimal("30"))
    reading(enterprise_a, dt.date(2024, 3, 1), 1000)
    reading(enterprise_a, MARCH, 690)  # -31%
    reading(enterprise_b, dt.date(2024, 3, 1), 1000)
    reading(enterprise_b, MARCH, 700)  # exactly -30%: not more than 30
    result = run_warning_pass(MARCH)
    assert result.created == 1
    warning = EarlyWarning.objects.get()
    assert (warning.enterprise, warning.rule, warning.change_percent) == (
        enterprise_a,
        yoy,
        Decimal("-31.00"),
    )
    assert run_warning_pass(MARCH).created == 0
    assert EarlyWarning.objects.count() == 1


def test_drop_against_three_month_average_uses_daily_sums(enterprise_a, enterprise_b) -> None:
    rule(WarningRule.Kind.AVG3_DROP, drop_percent=Decimal("20"))
    for month in (dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1)):
        reading(enterprise_a, month, 100)
        reading(enterprise_b, month, 100)
    # daily readings in March add up to 70 for A; B only has two of the three months
    for day in range(1, 8):
        reading(enterprise_a, dt.date(2025, 3, day), 10, frequency="D")
    reading(enterprise_b, MARCH, 10)
    IndicatorValue.objects.filter(enterprise=enterprise_b, period=dt.date(2024, 12, 1)).delete()
    run_warning_pass(MARCH)
    assert list(EarlyWarning.objects.values_list("enterprise_id", "value")) == [
        (enterprise_a.pk, Decimal("70.00"))
    ]
    assert dict(indicator_series(enterprise_a.pk)[Metric.ELECTRICITY])["2025-03"] == 70.0


def test_missing_for_n_months_fires_when_the_silence_reaches_n(enterprise_a, enterprise_b) -> None:
    rule(WarningRule.Kind.MISSING, missing_periods=2)
    reading(enterprise_a, dt.date(2025, 1, 1), 100)  # silent in Feb and Mar
    reading(enterprise_b, dt.date(2025, 1, 1), 100)
    reading(enterprise_b, MARCH, 100)
    run_warning_pass(MARCH)
    assert list(EarlyWarning.objects.values_list("enterprise_id", flat=True)) == [enterprise_a.pk]
    run_warning_pass(dt.date(2025, 4, 1))  # still silent: no second warning for the same episode
    assert EarlyWarning.objects.count() == 1


def test_inactive_rules_do_not_fire(enterprise_a) -> None:
    rule(WarningRule.Kind.YOY_DROP, drop_percent=Decimal("10"), is_active=False)
    reading(enterprise_a, dt.date(2024, 3, 1), 1000)
    reading(enterprise_a, MARCH, 1)
    assert run_warning_pass(MARCH).created == 0


def test_officer_acknowledges_then_arranges_a_visit(enterprise_a, handler) -> None:
    rule(WarningRule.Kind.YOY_DROP, drop_percent=Decimal("10"))
    reading(enterprise_a, dt.date(2024, 3, 1), 1000)
    reading(enterprise_a, MARCH, 1)
    run_warning_pass(MARCH)
    warning = EarlyWarning.objects.get()
    services.handle_warning(
        warning, actor=handler, to=WarningStatus.ACKNOWLEDGED, note="已电话了解"
    )
    services.handle_warning(warning, actor=handler, to=WarningStatus.ACKNOWLEDGED)  # retried click
    services.handle_warning(warning, actor=handler, to=WarningStatus.VISIT)
    with pytest.raises(TransitionError):
        services.handle_warning(warning, actor=handler, to=WarningStatus.ACKNOWLEDGED)
    warning.refresh_from_db()
    assert (warning.status, warning.handled_by) == (WarningStatus.VISIT, handler)
    assert EnterpriseEvent.objects.filter(kind="warning_handled").count() == 2


def test_rules_needing_different_months_run_together(enterprise_a) -> None:
    rule(WarningRule.Kind.YOY_DROP, drop_percent=Decimal("30"))
    rule(WarningRule.Kind.AVG3_DROP, drop_percent=Decimal("30"))
    rule(WarningRule.Kind.MISSING, missing_periods=2)
    reading(enterprise_a, dt.date(2024, 3, 1), 100)
    for month in (dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1)):
        reading(enterprise_a, month, 100)
    reading(enterprise_a, MARCH, 50)
    assert run_warning_pass(MARCH).created == 2
