"""Catalog figures per department against hand computations."""

import pytest

from qinqing.catalog import figures, services
from qinqing.catalog.tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_department_figures_match_a_hand_count(district, handler, enterprise_user_a):
    make_item(
        district.dept, legal_days=20, promised_days=5, visits="0", online_depth=4, scope="province"
    )
    make_item(district.dept, legal_days=10, promised_days=5, visits="1", online_depth=3)
    make_item(
        district.dept, legal_days=5, promised_days=0, is_instant=True, visits="0", online_depth=2
    )
    make_item(
        district.dept, legal_days=None, promised_days=3, visits="n", online_depth=1, scope="chuanyu"
    )  # no legal limit: not in the ratio
    make_item(district.other_dept, legal_days=30, promised_days=30, visits="n")
    rows = {r.department.pk: r for r in figures.department_figures()}
    mine = rows[district.dept.pk]
    assert mine.items == 4
    assert mine.compression == pytest.approx(1 - (5 + 5 + 0) / (20 + 10 + 5))  # 0.714
    assert mine.instant_rate == pytest.approx(1 / 4)
    assert mine.zero_visit_share == pytest.approx(2 / 4)
    assert mine.one_visit_share == pytest.approx(3 / 4)
    assert (mine.online, mine.across) == (2, 2)
    assert rows[district.other_dept.pk].compression == 0
    total = figures.district_total(rows.values())
    assert total is not None and total.compression == pytest.approx(1 - 40 / 65)


def test_on_time_rate_and_flags_count_decided_matters(district, handler, enterprise_user_a):
    import datetime as dt

    from django.utils import timezone

    item = make_item(district.dept, promised_days=2)
    past = timezone.now() - dt.timedelta(days=30)
    late = services.apply_for_item(item, actor=enterprise_user_a, now=past)
    services.accept_matter(late, actor=handler, now=past)
    services.decide_matter(late, actor=handler, approve=True)
    on_time = services.apply_for_item(item, actor=enterprise_user_a)
    services.accept_matter(on_time, actor=handler)
    services.decide_matter(
        on_time, actor=handler, approve=True, now=timezone.now() + dt.timedelta(hours=1)
    )
    row = figures.department_figures([district.dept.pk])[0]
    assert (row.decided, row.on_time, row.on_time_rate) == (2, 1, 0.5)
    assert row.flags == 1  # the late one: overdue
    rates = figures.matter_on_time_rate(
        [district.dept.pk], past - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)
    )
    assert rates == {district.dept.pk: 0.5}
    clean = figures.matter_clean_rate(
        [district.dept.pk], past - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)
    )
    assert clean == {district.dept.pk: 0.5}
