"""The promised clock on the official calendar: National Day 2026 (Oct 1–7 off, Sat Oct 10
a make-up working day), 补正 pauses, 容缺 due dates, 即办件 the same day."""

import datetime as dt

import pytest

from qinqing.catalog import services
from qinqing.catalog.models import MatterStatus
from qinqing.catalog.tests.factories import make_item
from qinqing.workdays.calendar import CHINA, END_OF_DAY

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=CHINA)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime.combine(dt.date(y, m, d), END_OF_DAY, tzinfo=CHINA)


def test_promised_clock_skips_national_day_and_counts_the_make_up_saturday(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, promised_days=5)
    matter = services.apply_for_item(item, actor=enterprise_user_a, now=at(2026, 9, 29))
    matter = services.accept_matter(matter, actor=handler, now=at(2026, 9, 29))
    # receipt Tue 29 Sep; working days 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (调休), 12 Oct
    assert matter.due_at == end_of(2026, 10, 12)
    assert matter.limit_days == 5


def test_correction_pauses_the_clock_and_gives_back_the_days_left(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, promised_days=5)
    matter = services.apply_for_item(item, actor=enterprise_user_a, now=at(2026, 9, 29))
    services.accept_matter(matter, actor=handler, now=at(2026, 9, 29))
    matter = services.request_correction(
        matter, actor=handler, note="营业执照副本不清晰", now=at(2026, 9, 30)
    )
    assert matter.status == MatterStatus.CORRECTING and matter.paused_at == at(2026, 9, 30)
    # 4 working days were left (8, 9, 10, 12 Oct); resubmitted Tue 13 Oct -> 14, 15, 16, 19 Oct
    matter = services.resubmit_matter(matter, actor=enterprise_user_a, now=at(2026, 10, 13, 9))
    assert matter.due_at == end_of(2026, 10, 19)
    assert matter.paused_days == 5  # 8, 9, 10, 12, 13 Oct spent waiting
    assert matter.correction_count == 1 and matter.status == MatterStatus.REVIEWING


def test_accepting_with_a_missing_material_sets_its_due_date_in_working_days(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, tolerate_missing=True, materials=[("执业药师注册证", "")])
    matter = services.apply_for_item(item, actor=enterprise_user_a, now=at(2026, 9, 30))
    matter = services.accept_matter(
        matter,
        actor=handler,
        missing_material="执业药师注册证",
        missing_days=3,
        now=at(2026, 9, 30),
    )
    assert matter.missing_due_at == end_of(2026, 10, 10)  # 8, 9 and the make-up Saturday
    with pytest.raises(services.ValidationError, match="尚未补交"):
        services.decide_matter(matter, actor=handler, approve=True)
    services.supply_missing(matter, actor=enterprise_user_a, now=at(2026, 10, 9))
    matter = services.decide_matter(matter, actor=handler, approve=True, now=at(2026, 10, 9, 15))
    assert matter.status == MatterStatus.APPROVED


def test_a_missing_material_cannot_be_tolerated_when_the_item_does_not_allow_it(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, tolerate_missing=False)
    matter = services.apply_for_item(item, actor=enterprise_user_a)
    with pytest.raises(services.ValidationError, match="不适用容缺"):
        services.accept_matter(matter, actor=handler, missing_material="章程")


def test_online_application_without_a_required_material_is_refused_with_its_name(
    district, enterprise_user_a
):
    item = make_item(district.dept, materials=[("公司章程", "")])
    with pytest.raises(services.ValidationError, match="公司章程"):
        services.apply_for_item(item, actor=enterprise_user_a)


def test_instant_item_closes_on_acceptance_the_same_day(district, handler, enterprise_user_a):
    item = make_item(district.dept, is_instant=True, promised_days=0)
    matter = services.apply_for_item(item, actor=enterprise_user_a, now=at(2026, 9, 30, 16))
    matter = services.accept_matter(matter, actor=handler, now=at(2026, 9, 30, 16))
    assert matter.status == MatterStatus.APPROVED
    assert matter.due_at == end_of(2026, 9, 30)
    assert matter.decided_at <= matter.due_at


def test_acceptance_after_office_close_counts_from_the_next_working_day(
    district, handler, enterprise_user_a
):
    item = make_item(district.dept, promised_days=1)
    matter = services.apply_for_item(item, actor=enterprise_user_a, now=at(2026, 9, 30, 18))
    matter = services.accept_matter(matter, actor=handler, now=at(2026, 9, 30, 18))
    # received after 17:30 on the last day before the holiday: receipt day 8 Oct, due 9 Oct
    assert matter.due_at == end_of(2026, 10, 9)
