"""Two people acting on the same appeal at once: one wins, the other gets a clear error."""

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qinqing.accounts.models import Membership, Role
from qinqing.appeals import services
from qinqing.appeals.models import Appeal, Assignment, Clock
from qinqing.appeals.tests.conftest import register
from qinqing.appeals.tests.test_intake_writes import last_serial
from qinqing.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*fns: Any) -> list[Any]:
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def run(i: int, fn: Any) -> None:
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite allows one writer per file and has no row locks; run on PostgreSQL")


def test_two_handlers_acknowledging_at_once_one_wins(
    intake: Any, handler: Any, district: Any
) -> None:
    colleague = make_user("handler2", role=Role.HANDLER, org=district.dept)
    appeal = register(intake)
    services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    results = run_together(
        lambda: services.acknowledge_appeal(Appeal.objects.get(pk=appeal.pk), actor=handler),
        lambda: services.acknowledge_appeal(Appeal.objects.get(pk=appeal.pk), actor=colleague),
    )
    wins = [r for r in results if isinstance(r, Assignment)]
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(errors) == 1
    assert "已签收" in errors[0].messages[0]
    assert Clock.objects.filter(appeal=appeal, kind="reply").count() == 1
    assert appeal.events.filter(kind="acknowledged").count() == 1


def test_acknowledge_and_return_at_once_one_wins(intake: Any, handler: Any, district: Any) -> None:
    appeal = register(intake)
    services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    results = run_together(
        lambda: services.acknowledge_appeal(Appeal.objects.get(pk=appeal.pk), actor=handler),
        lambda: services.return_appeal(
            Appeal.objects.get(pk=appeal.pk), actor=handler, reason="非本部门"
        ),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    appeal.refresh_from_db()
    assert appeal.events.filter(kind__in=["acknowledged", "returned"]).count() == 1


def test_concurrent_intake_gets_distinct_numbers_and_idempotent_keys(
    intake: Any, district: Any
) -> None:
    colleague = make_user("intake2", role=Role.INTAKE_OPERATOR, org=district.district)
    assert Membership.objects.filter(user=colleague).exists()
    kwargs = {
        "channel": "phone",
        "title": "t",
        "description": "d",
        "requester_name": "n",
        "requester_phone": "13900000000",
    }
    results = run_together(
        *[
            lambda i=i: (
                services.register_appeal(services.IntakeInput(**kwargs), actor=colleague)[0].number
            )
            for i in range(4)
        ],
        *[
            lambda: (
                services.register_appeal(
                    services.IntakeInput(idempotency_key="same", **kwargs), actor=intake
                )[0].pk
            )
            for _ in range(2)
        ],
    )
    numbers = results[:4]
    assert all(isinstance(n, str) for n in numbers) and len(set(numbers)) == 4
    assert results[4] == results[5]
    assert Appeal.objects.count() == 5
    assert min(last_serial(n) for n in numbers) >= 5
