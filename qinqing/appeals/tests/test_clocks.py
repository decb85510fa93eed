"""Clocks across holidays and make-up working days (2025 National Day: 1-8 October off,
Sunday 28 September and Saturday 11 October worked)."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from qinqing.appeals import clocks, services
from qinqing.appeals.models import Appeal, Clock, TimeLimit
from qinqing.appeals.tests.conftest import register
from qinqing.workdays.calendar import CHINA
from qinqing.workdays.models import FallbackUse

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHINA)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(y, m, d), dt.time(23, 59, 59, 999999), tzinfo=CHINA)


def test_acknowledge_clock_skips_national_day(intake: Any, district: Any) -> None:
    with time_machine.travel(at(2025, 9, 30, 10), tick=False):
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    clock = Clock.objects.get(appeal=appeal, kind="acknowledge")
    assert clock.due_at == end_of(2025, 10, 9)


def test_contact_clock_counts_make_up_sunday(intake: Any, handler: Any, district: Any) -> None:
    with time_machine.travel(at(2025, 9, 26, 9), tick=False):  # Friday
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
        services.acknowledge_appeal(appeal, actor=handler)
    contact = Clock.objects.get(appeal=appeal, kind="contact")
    reply = Clock.objects.get(appeal=appeal, kind="reply")
    assert contact.due_at == end_of(2025, 9, 29)  # 28th (make-up Sunday) and 29th
    assert reply.due_at == end_of(2025, 10, 10)  # 28, 29, 30 Sep, 9, 10 Oct


def test_after_office_close_counts_from_next_working_day(intake: Any, district: Any) -> None:
    with time_machine.travel(at(2025, 10, 10, 18), tick=False):  # Friday after 17:30
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    # received Saturday 11 October (a make-up working day); one working day: Monday 13
    assert Clock.objects.get(appeal=appeal, kind="acknowledge").due_at == end_of(2025, 10, 13)


def test_call_back_clock_starts_at_reply(intake: Any, handler: Any, district: Any) -> None:
    with time_machine.travel(at(2025, 9, 22, 9), tick=False):
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
        services.acknowledge_appeal(appeal, actor=handler)
        services.record_contact(appeal, actor=handler, method="visit", person="刘")
    with time_machine.travel(at(2025, 9, 30, 9), tick=False):
        services.reply_appeal(appeal, actor=handler, result="solved", text="已解决")
    callback = Clock.objects.get(appeal=appeal, kind="callback")
    assert callback.due_at == end_of(2025, 10, 14)  # 9, 10, 11 (make-up), 13, 14


def test_late_acknowledge_is_recorded_as_not_on_time(
    intake: Any, handler: Any, district: Any
) -> None:
    with time_machine.travel(at(2025, 9, 22, 9), tick=False):
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    with time_machine.travel(at(2025, 9, 24, 9), tick=False):
        services.acknowledge_appeal(appeal, actor=handler)
    appeal.refresh_from_db()
    assert appeal.ack_on_time is False


def test_suspension_gives_back_the_remaining_working_days(
    intake: Any, handler: Any, district: Any
) -> None:
    with time_machine.travel(at(2025, 9, 22, 9), tick=False):  # Monday
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
        services.acknowledge_appeal(appeal, actor=handler)
        services.record_contact(appeal, actor=handler, method="phone", person="刘")
    reply = Clock.objects.get(appeal=appeal, kind="reply")
    assert reply.due_at == end_of(2025, 9, 28)  # 23, 24, 25, 26, 28 (make-up Sunday)
    with time_machine.travel(at(2025, 9, 24, 9), tick=False):  # Wednesday
        services.suspend_appeal(appeal, actor=handler, reason="等企业补材料")
    with time_machine.travel(at(2025, 10, 13, 9), tick=False):
        services.resume_appeal(appeal, actor=handler)
    reply.refresh_from_db()
    # left at pause: 25, 26, 28 = 3 working days; from 13 Oct: 14, 15, 16
    assert reply.due_at == end_of(2025, 10, 16)
    assert reply.paused_total is not None and reply.paused_total.days == 19


def test_time_limit_rows_override_defaults_per_type_and_channel(intake: Any, district: Any) -> None:
    TimeLimit.objects.create(appeal_type="complaint", channel="phone", acknowledge_days=3)
    with time_machine.travel(at(2025, 9, 22, 9), tick=False):
        complaint = register(intake, appeal_type="complaint")
        inquiry = register(intake, appeal_type="inquiry")
        services.dispatch_appeal(complaint, actor=intake, to=district.dept)
        services.dispatch_appeal(inquiry, actor=intake, to=district.dept)
    assert Clock.objects.get(appeal=complaint).due_at == end_of(2025, 9, 25)
    assert Clock.objects.get(appeal=inquiry).due_at == end_of(2025, 9, 23)


def test_unknown_year_falls_back_to_weekdays_and_is_recorded(intake: Any, district: Any) -> None:
    with time_machine.travel(at(2027, 3, 5, 9), tick=False):  # Friday, 2027 not published
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    assert Clock.objects.get(appeal=appeal).due_at == end_of(2027, 3, 8)
    assert FallbackUse.objects.filter(year=2027).exists()


def test_clock_state_in_plain_words(dispatched: Appeal) -> None:
    clock = Clock.objects.get(appeal=dispatched)
    assert clocks.clock_state(clock, clock.due_at + dt.timedelta(days=1)).startswith("已超时")
    assert clocks.clock_state(clock, clock.due_at - dt.timedelta(hours=1)) == "今日到期"


def test_trigger_before_due_skips_rest_days() -> None:
    calendar = clocks.get_calendar()
    due = end_of(2025, 10, 9)
    assert clocks.trigger_at(calendar, due, -1) == at(2025, 9, 30, 0)
    assert clocks.trigger_at(calendar, due, 2) == end_of(2025, 10, 11)
