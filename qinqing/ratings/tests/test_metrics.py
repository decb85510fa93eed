import datetime as dt

import time_machine

from qinqing.ratings import services
from qinqing.ratings.metrics import rating_figures
from qinqing.ratings.models import CallbackOutcome
from qinqing.ratings.tests.factories import make_rating


def _seed(district, supervisor, handler, dept_head):
    """经信局: 5,4,4,3,2,1 (two 差评: one rectified and called back, one contested away
    later in a second 差评 — see below); 市场监管局: 5,3."""
    for level in (5, 4, 4, 3):
        make_rating(district.dept, level, matter="用电报装", window=district.window)
    bad1 = make_rating(district.dept, 2, matter="用电报装", handled_by=handler)
    bad2 = make_rating(district.dept, 1, matter="税务登记")
    bad3 = make_rating(district.dept, 1, matter="税务登记")
    make_rating(district.other_dept, 5, matter="开办企业")
    make_rating(district.other_dept, 3, matter="开办企业")
    r1 = bad1.rectification
    services.verify_rectification(r1, actor=supervisor, note="属实")
    services.record_rectification(r1, actor=handler, note="已整改")
    services.record_callback(r1, actor=supervisor, outcome=CallbackOutcome.SATISFIED)
    r2 = bad2.rectification
    services.verify_rectification(r2, actor=supervisor, note="属实")
    services.record_rectification(r2, actor=handler, note="已整改")
    contest = services.file_contest(bad3, actor=dept_head, reason="评价人误操作，已电话确认")
    services.decide_contest(contest, actor=supervisor, accept=True, note="误评，剔除")


def test_figures_per_department_match_hand_computation(district, supervisor, handler, dept_head):
    _seed(district, supervisor, handler, dept_head)
    figures = {f.label: f for f in rating_figures(by="department")}
    jx = figures["经信局"]
    # bad3 was contested away: 6 ratings count: 5,4,4,3,2,1
    assert (jx.count, jx.good, jx.basic, jx.bad) == (6, 3, 1, 2)
    assert jx.good_rate == 3 / 6
    assert jx.rectify_rate == 2 / 2  # bad1 closed, bad2 rectified
    assert jx.callback_rate == 1 / 2
    sc = figures["市场监管局"]
    assert (sc.count, sc.good_rate, sc.rectify_rate) == (2, 1 / 2, None)


def test_basic_satisfied_treatment_is_configurable(district, supervisor, handler, dept_head):
    _seed(district, supervisor, handler, dept_head)
    jx = {f.label: f for f in rating_figures(by="department", basic_is_good=True)}["经信局"]
    assert jx.good_rate == 4 / 6


def test_figures_by_window_person_matter_and_all(district, supervisor, handler, dept_head):
    _seed(district, supervisor, handler, dept_head)
    by_window = {f.key: f for f in rating_figures(by="window")}
    assert by_window[district.window.pk].count == 4
    assert by_window[district.window.pk].good_rate == 3 / 4
    by_person = {f.key: f for f in rating_figures(by="person")}
    assert by_person[handler.pk].count == 1 and by_person[handler.pk].callback_rate == 1.0
    by_matter = {f.key: f for f in rating_figures(by="matter")}
    assert by_matter["税务登记"].count == 1  # one of two was excluded
    (total,) = rating_figures(by="all")
    assert (total.count, total.good, total.bad) == (8, 4, 2)


def test_figures_respect_the_period(district):
    with time_machine.travel(dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC), tick=False):
        make_rating(district.dept, 5)
    with time_machine.travel(dt.datetime(2026, 2, 15, 3, 0, tzinfo=dt.UTC), tick=False):
        make_rating(district.dept, 2)
    jan = rating_figures(
        by="all",
        start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )[0]
    assert (jan.count, jan.good_rate) == (1, 1.0)
    feb = rating_figures(by="all", start=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))[0]
    assert (feb.count, feb.good_rate, feb.bad) == (1, 0.0, 1)
