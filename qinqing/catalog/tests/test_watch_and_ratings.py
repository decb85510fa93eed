"""The approval watch's flags, and the 好差评 service event every closed matter creates."""

import datetime as dt

import pytest
from django.utils import timezone

from qinqing.catalog import services, watch
from qinqing.catalog.models import MatterChannel, WatchFlag, WatchRule
from qinqing.catalog.tests.factories import make_item
from qinqing.core.models import Notification
from qinqing.ratings.models import ServiceEvent, ServiceKind

pytestmark = pytest.mark.django_db


def rules_of(matter) -> set[str]:
    return set(WatchFlag.objects.filter(matter=matter).values_list("rule", flat=True))


def test_a_second_correction_is_flagged_and_supervisors_are_told(
    district, handler, supervisor, enterprise_user_a
):
    matter = services.apply_for_item(make_item(district.dept), actor=enterprise_user_a)
    services.accept_matter(matter, actor=handler)
    services.request_correction(matter, actor=handler, note="一")
    assert rules_of(matter) == set()
    services.resubmit_matter(matter, actor=enterprise_user_a)
    services.request_correction(matter, actor=handler, note="二")
    assert rules_of(matter) == {WatchRule.REPEATED_CORRECTION}
    assert Notification.objects.filter(recipient=supervisor, kind="catalog_flag").exists()


def test_not_accepting_without_a_legal_ground_is_flagged_and_with_one_is_not(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept)
    first = services.apply_for_item(item, actor=enterprise_user_a)
    services.not_accept_matter(
        first, actor=handler, reason="不属于本部门职责", legal_ground="《行政许可法》第三十二条"
    )
    assert rules_of(first) == set()
    second = services.apply_for_item(item, actor=enterprise_user_a)
    services.not_accept_matter(second, actor=handler, reason="材料不全")
    assert rules_of(second) == {WatchRule.NO_LEGAL_GROUND, WatchRule.REPEATED_REFUSAL}


def test_closing_minutes_after_acceptance_and_a_decision_dated_before_registration_are_flagged(
    district, handler, enterprise_user_a
):
    matter = services.apply_for_item(
        make_item(district.dept, promised_days=10), actor=enterprise_user_a
    )
    now = timezone.now()
    services.accept_matter(matter, actor=handler, now=now)
    services.decide_matter(
        matter,
        actor=handler,
        approve=True,
        document_dated=timezone.localdate() - dt.timedelta(days=3),
        now=now + dt.timedelta(minutes=5),
    )
    assert rules_of(matter) == {WatchRule.TOO_FAST, WatchRule.REGISTERED_LATE}


def test_a_review_that_takes_its_time_is_not_flagged(district, handler, enterprise_user_a):
    matter = services.apply_for_item(
        make_item(district.dept, promised_days=10), actor=enterprise_user_a
    )
    now = timezone.now() - dt.timedelta(days=2)
    services.accept_matter(matter, actor=handler, now=now)
    services.decide_matter(matter, actor=handler, approve=True, now=now + dt.timedelta(days=1))
    assert rules_of(matter) == set()


def test_the_sweep_flags_overdue_matters_once_but_not_paused_ones(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, promised_days=2)
    late = services.apply_for_item(item, actor=enterprise_user_a)
    paused = services.apply_for_item(item, actor=enterprise_user_a)
    long_ago = timezone.now() - dt.timedelta(days=30)
    services.accept_matter(late, actor=handler, now=long_ago)
    services.accept_matter(paused, actor=handler, now=long_ago)
    services.request_correction(paused, actor=handler, note="补正", now=long_ago)
    assert watch.sweep_overdue() == 1
    assert watch.sweep_overdue() == 0
    assert rules_of(late) == {WatchRule.OVERDUE} and rules_of(paused) == set()


def test_the_department_explains_a_flag_which_stays(
    district, handler, other_handler, enterprise_user_a
):
    matter = services.apply_for_item(make_item(district.dept), actor=enterprise_user_a)
    services.not_accept_matter(matter, actor=handler, reason="材料不全")
    flag = WatchFlag.objects.get(matter=matter)
    with pytest.raises(services.PermissionDenied):
        services.explain_flag(flag, actor=other_handler, explanation="与我无关")
    services.explain_flag(flag, actor=handler, explanation="已补录法律依据")
    flag.refresh_from_db()
    assert flag.explanation == "已补录法律依据" and flag.explained_by == handler


def test_every_closed_matter_becomes_a_rateable_service_event_for_the_applicant(
    district, handler, enterprise_user_a, django_capture_on_commit_callbacks
):
    item = make_item(district.dept, window=district.window)
    with django_capture_on_commit_callbacks(execute=True):
        matter = services.apply_for_item(item, actor=enterprise_user_a)
        services.accept_matter(matter, actor=handler)
        services.decide_matter(matter, actor=handler, approve=True)
    event = ServiceEvent.objects.get(reference=f"matter:{matter.pk}")
    assert (event.kind, event.department, event.window, event.handled_by, event.served_user) == (
        ServiceKind.ONLINE,
        district.dept,
        district.window,
        handler,
        enterprise_user_a,
    )
    assert event.matter == item.name


def test_a_window_matter_is_rated_as_a_window_visit_and_a_withdrawal_is_not_rated(
    district, handler, enterprise_a, enterprise_user_a, django_capture_on_commit_callbacks
):
    item = make_item(district.dept)
    with django_capture_on_commit_callbacks(execute=True):
        at_window = services.apply_for_item(
            item,
            actor=handler,
            channel=MatterChannel.WINDOW,
            enterprise=enterprise_a,
            applicant=enterprise_user_a,
            applicant_name="甲公司",
            applicant_phone="13812345678",
        )
        services.accept_matter(at_window, actor=handler)
        services.decide_matter(at_window, actor=handler, approve=False, reason="不符合条件")
        withdrawn = services.apply_for_item(item, actor=enterprise_user_a)
        services.withdraw_matter(withdrawn, actor=enterprise_user_a)
    event = ServiceEvent.objects.get(reference=f"matter:{at_window.pk}")
    assert event.kind == ServiceKind.WINDOW and event.served_phone_masked == "138****5678"
    assert not ServiceEvent.objects.filter(reference=f"matter:{withdrawn.pk}").exists()
