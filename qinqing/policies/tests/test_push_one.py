"""Pushing one policy item to one enterprise (a cadre on a visit, an officer at the firm's
side): the same message as the push to all, once per item and rule version."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.core.models import AuditEvent, Notification
from qinqing.policies import services
from qinqing.policies.factories import make_item, publish_rule, qualification
from qinqing.policies.models import MatchResult, Outcome, PolicyEvent

pytestmark = pytest.mark.django_db

RULE = {"all": [{"type": "qualification", "kind": "high_tech", "on": "2026-06-30"}]}


@pytest.fixture
def item(policy_officer, district, enterprise_a):  # type: ignore[no-untyped-def]
    qualification(enterprise_a, "high_tech", dt.date(2024, 1, 1))
    item = make_item(actor=policy_officer, department=district.dept)
    publish_rule(item, RULE, actor=policy_officer)
    return item


def test_one_eligible_enterprise_is_told_once_and_the_push_to_all_does_not_repeat_it(
    item, policy_officer, enterprise_a, enterprise_user_a, enterprise_user_b
) -> None:
    assert services.push_item_to_enterprise(item, enterprise_a, actor=policy_officer) == 1
    assert services.push_item_to_enterprise(item, enterprise_a, actor=policy_officer) == 0
    assert services.push_item(item, actor=policy_officer) == 0
    message = Notification.objects.get(recipient=enterprise_user_a)
    assert message.kind == "policy_match" and item.title in message.title
    assert not Notification.objects.filter(recipient=enterprise_user_b).exists()
    event = PolicyEvent.objects.filter(item=item, kind="item_pushed").first()
    assert event is not None and event.data["enterprise"] == enterprise_a.pk


def test_an_enterprise_that_does_not_qualify_is_refused_in_chinese(
    item, policy_officer, enterprise_b
) -> None:
    assert not MatchResult.objects.filter(
        item=item, enterprise=enterprise_b, outcome__in=[Outcome.ELIGIBLE, Outcome.ALMOST]
    ).exists()
    with pytest.raises(ValidationError, match="不符合这项政策的条件"):
        services.push_item_to_enterprise(item, enterprise_b, actor=policy_officer)


def test_a_draft_item_cannot_be_pushed(policy_officer, district, enterprise_a) -> None:
    draft = make_item(actor=policy_officer, department=district.dept)
    with pytest.raises(ValidationError):
        services.push_item_to_enterprise(draft, enterprise_a, actor=policy_officer)


def test_an_enterprise_user_may_not_push_and_the_denial_is_audited(
    item, enterprise_a, enterprise_user_a
) -> None:
    with pytest.raises(PermissionDenied):
        services.push_item_to_enterprise(item, enterprise_a, actor=enterprise_user_a)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED, user=enterprise_user_a).exists()
    assert not Notification.objects.exists()
