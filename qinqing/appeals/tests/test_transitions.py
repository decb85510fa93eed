from typing import Any

import pytest

from qinqing.appeals import services
from qinqing.appeals.models import Appeal, Status
from qinqing.appeals.transitions import TRANSITIONS, TransitionError, allowed_actions, check

ALL_STATUSES = [s.value for s in Status]
CASES = [(a, s) for a in TRANSITIONS if a != "register" for s in ALL_STATUSES]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_transition_table_allows_exactly_its_sources(action: str, status: str) -> None:
    step = TRANSITIONS[action]
    if status in step.sources:
        assert check(action, status) is step
    else:
        with pytest.raises(TransitionError) as err:
            check(action, status)
        assert f"不能执行“{step.label}”" in err.value.messages[0]


def test_final_statuses_allow_nothing() -> None:
    for status in (Status.CLOSED, Status.WITHDRAWN, Status.DUPLICATE):
        assert allowed_actions(status) == []
        with pytest.raises(TransitionError) as err:
            check("urge", status)
        assert "已结束" in err.value.messages[0]


@pytest.mark.django_db
def test_cannot_reply_before_contact(acknowledged: Appeal, handler: Any) -> None:
    with pytest.raises(TransitionError):
        services.reply_appeal(acknowledged, actor=handler, result="solved", text="x")


@pytest.mark.django_db
def test_cannot_acknowledge_twice(acknowledged: Appeal, handler: Any) -> None:
    with pytest.raises(TransitionError) as err:
        services.acknowledge_appeal(acknowledged, actor=handler)
    assert "已签收" in err.value.messages[0]


@pytest.mark.django_db
def test_cannot_close_without_call_back(replied: Appeal, supervisor: Any) -> None:
    with pytest.raises(TransitionError):
        services.close_appeal(replied, actor=supervisor)


@pytest.mark.django_db
def test_cannot_dispatch_twice(dispatched: Appeal, intake: Any, district: Any) -> None:
    with pytest.raises(TransitionError):
        services.dispatch_appeal(dispatched, actor=intake, to=district.other_dept)


@pytest.mark.django_db
def test_cannot_call_back_before_reply(handling: Appeal, supervisor: Any) -> None:
    with pytest.raises(TransitionError):
        services.call_back_appeal(handling, actor=supervisor, solved=True, rating="satisfied")


@pytest.mark.django_db
def test_cannot_resume_what_is_not_suspended(handling: Appeal, handler: Any) -> None:
    with pytest.raises(TransitionError):
        services.resume_appeal(handling, actor=handler)


@pytest.mark.django_db
def test_cannot_reopen_a_closed_appeal(called_back: Appeal, supervisor: Any) -> None:
    services.close_appeal(called_back, actor=supervisor)
    with pytest.raises(TransitionError):
        services.reopen_appeal(called_back, actor=supervisor, reason="x")


@pytest.mark.django_db
def test_illegal_step_writes_no_event(acknowledged: Appeal, handler: Any) -> None:
    before = acknowledged.events.count()
    with pytest.raises(TransitionError):
        services.return_appeal(acknowledged, actor=handler, reason="晚了")
    assert acknowledged.events.count() == before
