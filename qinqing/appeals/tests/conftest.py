"""Appeal fixtures on top of the shared personas (qinqing/conftest.py)."""

import importlib
from typing import Any

import pytest

from qinqing.appeals import services
from qinqing.appeals.models import Appeal, Channel, EscalationStep, Rating, ReplyResult


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # the personas' passwords are hashed once per test: a fast hasher keeps the suite quick
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ensure_default_ladder() -> None:
    """transaction=True tests flush the database, and with it the seeded ladder."""
    if EscalationStep.objects.exists():
        return
    seed = importlib.import_module("qinqing.appeals.migrations.0002_seed_categories_ladder_limits")
    for level, offset, action, handler, head, supervisor, leader, sms in seed.LADDER:
        EscalationStep.objects.create(
            level=level,
            offset_days=offset,
            action=action,
            notify_handler=handler,
            notify_dept_head=head,
            notify_supervisor=supervisor,
            notify_leader=leader,
            sms=sms,
        )


def register(actor: Any, enterprise: Any = None, **extra: Any) -> Appeal:
    fields: dict[str, Any] = {
        "channel": Channel.PHONE,
        "title": "厂区停电三天无人处理",
        "description": "园区变压器故障，厂区停电已三天，生产线停工。",
        "requester_name": "刘经理",
        "requester_phone": "13812345678",
        "enterprise": enterprise,
    }
    fields.update(extra)
    appeal, _ = services.register_appeal(services.IntakeInput(**fields), actor=actor)
    return appeal


@pytest.fixture
def appeal(intake: Any, enterprise_a: Any) -> Appeal:
    return register(intake, enterprise_a)


@pytest.fixture
def dispatched(appeal: Appeal, intake: Any, district: Any) -> Appeal:
    services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def acknowledged(dispatched: Appeal, handler: Any) -> Appeal:
    services.acknowledge_appeal(dispatched, actor=handler)
    dispatched.refresh_from_db()
    return dispatched


@pytest.fixture
def handling(acknowledged: Appeal, handler: Any) -> Appeal:
    services.record_contact(acknowledged, actor=handler, method="phone", person="刘经理")
    acknowledged.refresh_from_db()
    return acknowledged


@pytest.fixture
def replied(handling: Appeal, handler: Any) -> Appeal:
    services.reply_appeal(
        handling, actor=handler, result=ReplyResult.SOLVED, text="已协调供电公司抢修。"
    )
    handling.refresh_from_db()
    return handling


@pytest.fixture
def called_back(replied: Appeal, supervisor: Any) -> Appeal:
    services.call_back_appeal(replied, actor=supervisor, solved=True, rating=Rating.SATISFIED)
    replied.refresh_from_db()
    return replied
