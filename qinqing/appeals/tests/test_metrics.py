import datetime as dt
from typing import Any

import pytest
import time_machine

from qinqing.appeals import metrics, services
from qinqing.appeals.models import Rating
from qinqing.appeals.tests.conftest import register
from qinqing.workdays.calendar import CHINA

pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHINA)


def run_to_callback(
    appeal: Any, intake: Any, handler: Any, supervisor: Any, dept: Any, *, solved: bool, rating: str
) -> None:
    services.dispatch_appeal(appeal, actor=intake, to=dept)
    services.acknowledge_appeal(appeal, actor=handler)
    services.record_contact(appeal, actor=handler, method="phone", person="刘")
    services.reply_appeal(appeal, actor=handler, result="solved", text="已处理")
    services.call_back_appeal(appeal, actor=supervisor, solved=solved, rating=rating)


@pytest.fixture
def history(intake: Any, handler: Any, other_handler: Any, supervisor: Any, district: Any) -> None:
    """September 2025: two closed on time, one reopened, one returned, one left overdue."""
    with time_machine.travel(at(2025, 9, 1, 9), tick=False):
        good = register(intake)
        run_to_callback(
            good,
            intake,
            handler,
            supervisor,
            district.dept,
            solved=True,
            rating=Rating.VERY_SATISFIED,
        )
        services.close_appeal(good, actor=supervisor)
        so_so = register(intake)
        run_to_callback(
            so_so,
            intake,
            handler,
            supervisor,
            district.dept,
            solved=False,
            rating=Rating.UNSATISFIED,
        )
        services.reopen_appeal(so_so, actor=supervisor, reason="未解决")
        returned = register(intake)
        services.dispatch_appeal(returned, actor=intake, to=district.other_dept)
        services.return_appeal(returned, actor=other_handler, reason="非本部门")
        services.dispatch_appeal(returned, actor=intake, to=district.dept)
        late = register(intake)
        services.dispatch_appeal(late, actor=intake, to=district.dept)
    with time_machine.travel(at(2025, 9, 3, 9), tick=False):
        services.acknowledge_appeal(returned, actor=handler)  # late: due end of 2 Sep
        services.record_contact(returned, actor=handler, method="visit", person="刘")
        services.reply_appeal(returned, actor=handler, result="partly", text="部分解决")
        services.call_back_appeal(returned, actor=supervisor, solved=True, rating=Rating.BASIC)
        services.close_appeal(returned, actor=supervisor)


def test_rates_from_clocks_and_call_backs(history: None) -> None:
    row = metrics.summary(dt.date(2025, 9, 1), dt.date(2025, 10, 1), now=at(2025, 9, 10, 9))
    assert row.registered == 4
    # acknowledged on time: good, so_so; late: returned's second ack was late but the first
    # (a return) was on time; late: never acknowledged and overdue
    assert row.counts["open_ack_overdue"] == 1
    assert row.on_time_acknowledge == round(3 / 4, 4)
    assert row.on_time_response == 1.0
    assert row.solved == 1.0  # good and returned solved; so_so's call-back reset by 重办
    assert row.satisfaction == 1.0
    assert row.reopen == round(1 / 3, 4)
    assert row.returned == round(1 / 5, 4)  # five lead assignments, one returned
    assert row.counts["closed"] == 2
    # on time: good (reply within 5 days); returned replied within its clock too;
    # open overdue: late (acknowledge) and so_so (reply clock of the reopening is not due)
    assert row.on_time_close == round(2 / 3, 4)
    assert row.avg_close_workdays is not None and row.p90_close_workdays is not None


def test_per_department_and_weights(history: None, district: Any) -> None:
    rows = metrics.compute(
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 1),
        group_by="department",
        weights={Rating.BASIC: 0.5},
        now=at(2025, 9, 10, 9),
    )
    by_label = {r.label: r for r in rows}
    assert by_label["市场监管局"].returned == 1.0
    assert by_label["经信局"].returned == 0.0
    assert by_label["经信局"].satisfaction == 0.75


def test_per_month_and_category_groupings(history: None) -> None:
    months = metrics.compute(dt.date(2025, 1, 1), dt.date(2026, 1, 1), group_by="month")
    assert [m.label for m in months] == ["2025-09"]
    categories = metrics.compute(dt.date(2025, 1, 1), dt.date(2026, 1, 1), group_by="category")
    assert categories[0].label == "未指定"


def test_empty_period_has_no_rates() -> None:
    row = metrics.summary(dt.date(2020, 1, 1), dt.date(2020, 2, 1))
    assert row.registered == 0 and row.on_time_close is None
