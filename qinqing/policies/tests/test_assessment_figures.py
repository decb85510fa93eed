"""政策兑现按时率: payouts paid (or refused) within their promised time ÷ due in the period."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from qinqing.core import figures as registry
from qinqing.policies import services
from qinqing.policies.assessment_figures import NAME
from qinqing.policies.factories import make_enterprise, make_item

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def quick_item(policy_officer, district):
    return make_item(
        actor=policy_officer,
        department=district.dept,
        mode="apply",
        amount=Decimal("10"),
        budget=Decimal("100"),
        per_enterprise_cap=Decimal("12"),
        payout_days=2,
    )


def _submit(item, n: int, day: int):
    enterprise = make_enterprise(f"兑现企业{n}")
    from qinqing.conftest import make_user

    user = make_user(f"ent{n}", uscc=enterprise.uscc)
    with time_machine.travel(_at(day), tick=False):
        return services.submit_application(
            item, actor=user, enterprise=enterprise, idempotency_key=f"k{n}"
        )


def _pay(application, officer, payer, day: int) -> None:
    """Approved by one officer, paid by another (四眼原则)."""
    with time_machine.travel(_at(day), tick=False):
        application = services.approve_application(application, actor=officer)
        services.mark_disbursement_paid(
            application.disbursement, actor=payer, paid_on=_at(day).date()
        )


def test_payout_on_time_rate_matches_hand_count(
    quick_item, policy_officer, second_officer, district
):
    on_time, late, refused, untouched, not_due = (
        _submit(quick_item, n, day) for n, day in enumerate([2, 2, 2, 2, 20])
    )
    _pay(on_time, policy_officer, second_officer, 3)  # due 4 March, paid 3 March
    _pay(late, policy_officer, second_officer, 10)  # paid a week late
    with time_machine.travel(_at(3), tick=False):
        services.reject_application(refused, actor=policy_officer, note="不符合条件")
    computed = registry.computed_figure(NAME)
    assert computed is not None
    start, end = _at(1, 0), dt.datetime(2026, 4, 1, tzinfo=TZ)
    with time_machine.travel(_at(21), tick=False):
        # on time: paid early and refused early (2); due: those plus the late and the
        # untouched one (4); the one due 24 March is not yet due and still open
        assert computed.compute([district.dept.pk], start, end) == {district.dept.pk: 0.5}
        assert computed.compute([district.other_dept.pk], start, end) == {}
        assert computed.drill is not None
        link = computed.drill(district.dept.pk, start, end)
    assert link.startswith(reverse("policies:payouts_due")) and "2026-03-31" in link
    assert untouched.pk and not_due.pk


def test_payouts_due_page_lists_the_counted_applications(
    quick_item, policy_officer, district, client_for, leader, enterprise_user_a
):
    for n in range(2):
        _submit(quick_item, n, 2)
    url = f"{reverse('policies:payouts_due')}?department={district.dept.pk}&start=2026-03-01&end=2026-03-31"
    with time_machine.travel(_at(21), tick=False):
        body = client_for(leader).get(url).content.decode()
        assert "data-count>2<" in body
        assert client_for(enterprise_user_a).get(url).status_code == 403
