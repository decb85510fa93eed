import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from qinqing.core.models import Notification
from qinqing.policies import metrics, services
from qinqing.policies.factories import (
    make_enterprise,
    make_item,
    publish_rule,
    qualification,
)
from qinqing.policies.models import (
    ApplicationStatus,
    Disbursement,
    GrantBatch,
    GrantLine,
    PolicyEvent,
)

pytestmark = pytest.mark.django_db

RULE = {
    "all": [
        {"type": "qualification", "kind": "high_tech", "on": "2026-06-30"},
        {"type": "flag", "field": "serious_dishonesty", "value": False},
    ]
}


def eligible_enterprise(**extra):
    e = make_enterprise(serious_dishonesty=False, **extra)
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    return e


@pytest.fixture
def auto_item(policy_officer, district):
    item = make_item(
        actor=policy_officer,
        department=district.dept,
        mode="auto",
        amount=Decimal("20"),
        budget=Decimal("50"),
        per_enterprise_cap=Decimal("15"),
    )
    return item


def test_grant_list_respects_caps_and_budget_and_pays_each_enterprise_once(
    auto_item, policy_officer, second_officer
) -> None:
    firms = [eligible_enterprise() for _ in range(4)]
    make_enterprise(serious_dishonesty=None)  # cannot decide: never on a grant list
    publish_rule(auto_item, RULE, actor=policy_officer)
    batch = services.create_grant_batch(
        auto_item, actor=policy_officer, period="2025", idempotency_key="k1"
    )
    lines = list(batch.lines.order_by("enterprise_id"))
    assert [line.enterprise_id for line in lines] == [f.pk for f in firms]
    assert {line.amount for line in lines} == {Decimal("15.00")}  # capped per enterprise
    assert [line.status for line in lines] == ["included"] * 3 + ["over_budget"]  # 3 × 15 ≤ 50
    assert lines[0].decision["rule_version"] == auto_item.rule_versions.get().pk
    assert (
        services.create_grant_batch(
            auto_item, actor=policy_officer, period="2025", idempotency_key="k1"
        )
        == batch
    )

    services.approve_grant_batch(batch, actor=second_officer)
    services.approve_grant_batch(batch, actor=second_officer)  # a retry
    assert Disbursement.objects.filter(item=auto_item).count() == 3
    assert GrantBatch.objects.get(pk=batch.pk).total == Decimal("45.00")

    second = services.create_grant_batch(
        auto_item, actor=policy_officer, period="2025", idempotency_key="k2"
    )
    statuses = dict(second.lines.values_list("enterprise_id", "status"))
    assert statuses[firms[0].pk] == GrantLine.Status.ALREADY_PAID
    assert statuses[firms[3].pk] == GrantLine.Status.OVER_BUDGET  # 5 left, 15 needed


def test_the_database_refuses_a_second_payment_for_the_same_item_and_period(auto_item) -> None:
    e = eligible_enterprise()
    Disbursement.objects.create(item=auto_item, enterprise=e, period="2025", amount=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            item=auto_item, enterprise=e, period="2025", amount=Decimal("1")
        )


def test_removed_lines_are_not_paid_and_enterprises_are_told(
    auto_item, policy_officer, second_officer, enterprise_a, enterprise_user_a
) -> None:
    other = eligible_enterprise()
    enterprise_a.serious_dishonesty = False
    enterprise_a.save()
    qualification(enterprise_a, "high_tech", dt.date(2024, 1, 1))
    publish_rule(auto_item, RULE, actor=policy_officer)
    batch = services.create_grant_batch(
        auto_item, actor=policy_officer, period="2025", idempotency_key="k"
    )
    services.remove_grant_line(
        batch.lines.get(enterprise=other), actor=policy_officer, note="已注销"
    )
    services.approve_grant_batch(batch, actor=second_officer)
    assert list(Disbursement.objects.values_list("enterprise_id", flat=True)) == [enterprise_a.pk]
    assert (
        Notification.objects.filter(recipient=enterprise_user_a, kind="policy_grant").count() == 1
    )
    disbursement = Disbursement.objects.get()
    services.mark_disbursement_paid(disbursement, actor=policy_officer, paid_on=dt.date(2026, 7, 1))
    services.mark_disbursement_paid(disbursement, actor=policy_officer, paid_on=dt.date(2026, 7, 2))
    disbursement.refresh_from_db()
    assert (disbursement.status, disbursement.paid_on) == ("paid", dt.date(2026, 7, 1))
    assert (
        PolicyEvent.objects.filter(disbursement=disbursement, kind="disbursement_pay").count() == 1
    )


def test_push_notifies_eligible_enterprises_once(
    policy_officer, district, enterprise_a, enterprise_user_a, enterprise_user_b
) -> None:
    item = make_item(actor=policy_officer, department=district.dept)
    enterprise_a.serious_dishonesty = False
    enterprise_a.save()
    qualification(enterprise_a, "high_tech", dt.date(2024, 1, 1))
    publish_rule(item, RULE, actor=policy_officer)
    assert services.push_item(item, actor=policy_officer) == 1
    assert services.push_item(item, actor=policy_officer) == 0
    assert Notification.objects.filter(recipient=enterprise_user_b).count() == 0


@pytest.fixture
def apply_item(policy_officer, district):
    return make_item(
        actor=policy_officer,
        department=district.dept,
        mode="apply",
        amount=Decimal("10"),
        budget=Decimal("100"),
        per_enterprise_cap=Decimal("12"),
        payout_days=60,
        required_materials=["licence", "financials"],
    )


def upload(enterprise, user, kind, valid_to=None):
    return services.save_material(
        enterprise,
        actor=user,
        material_type=kind,
        file=ContentFile(b"%PDF-1.4", name=f"{kind}.pdf"),
        valid_to=valid_to,
    )


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_application_reuses_materials_on_file_and_runs_to_payment(
    apply_item, enterprise_a, enterprise_user_a, policy_officer, second_officer
) -> None:
    upload(enterprise_a, enterprise_user_a, "licence")
    upload(enterprise_a, enterprise_user_a, "financials", valid_to=dt.date(2026, 1, 1))  # expired
    with pytest.raises(ValidationError) as exc:
        services.submit_application(
            apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="a1"
        )
    assert "materials" in exc.value.message_dict
    upload(enterprise_a, enterprise_user_a, "financials", valid_to=dt.date(2027, 1, 1))
    application = services.submit_application(
        apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="a1"
    )
    assert (
        services.submit_application(
            apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="a1"
        )
        == application
    )
    assert application.materials.count() == 2
    # 60 working days from Monday 2 March 2026 (Qingming, Labour Day and Dragon Boat off)
    assert application.due_at.date() > dt.date(2026, 5, 25)

    services.return_application(application, actor=policy_officer, note="财务报表缺少盖章")
    services.resubmit_application(application, actor=enterprise_user_a)
    application = services.approve_application(application, actor=policy_officer)
    assert application.amount_approved == Decimal("10")
    disbursement = application.disbursement
    services.mark_disbursement_paid(
        disbursement, actor=second_officer, paid_on=dt.date(2026, 3, 20)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PAID
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds == [
        "application_submit",
        "application_return",
        "application_resubmit",
        "application_approve",
        "application_pay",
    ]
    figures = metrics.application_figures()
    assert figures["applications"] == 1 and figures["approval_rate"] == 100.0
    assert figures["by_item"][0]["amount"] == 10.0


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_second_application_for_the_same_period_is_refused(
    apply_item, enterprise_a, enterprise_user_a, policy_officer
) -> None:
    upload(enterprise_a, enterprise_user_a, "licence")
    upload(enterprise_a, enterprise_user_a, "financials")
    services.submit_application(
        apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="x1"
    )
    with pytest.raises(ValidationError):
        services.submit_application(
            apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="x2"
        )


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_approval_above_the_cap_is_refused(
    apply_item, enterprise_a, enterprise_user_a, policy_officer
) -> None:
    upload(enterprise_a, enterprise_user_a, "licence")
    upload(enterprise_a, enterprise_user_a, "financials")
    application = services.submit_application(
        apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="c1"
    )
    with pytest.raises(ValidationError) as exc:
        services.approve_application(application, actor=policy_officer, amount=Decimal("12.01"))
    assert "amount" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and not Disbursement.objects.exists()


def test_the_officer_who_prepared_a_grant_list_cannot_approve_it(
    auto_item, policy_officer, second_officer
) -> None:
    from qinqing.core.models import AuditEvent

    eligible_enterprise()
    publish_rule(auto_item, RULE, actor=policy_officer)
    batch = services.create_grant_batch(
        auto_item, actor=policy_officer, period="2025", idempotency_key="own"
    )
    with pytest.raises(ValidationError, match="四眼原则"):
        services.approve_grant_batch(batch, actor=policy_officer)
    assert GrantBatch.objects.get(pk=batch.pk).status == GrantBatch.Status.DRAFT
    assert not Disbursement.objects.exists()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.DENIED, user=policy_officer, detail__batch=batch.pk
    ).exists()
    services.approve_grant_batch(batch, actor=second_officer)
    batch.refresh_from_db()
    assert batch.status == GrantBatch.Status.APPROVED and batch.approved_by == second_officer
    assert Disbursement.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_the_officer_who_approved_an_application_cannot_confirm_its_payment(
    apply_item, enterprise_a, enterprise_user_a, policy_officer, second_officer
) -> None:
    from qinqing.core.models import AuditEvent

    upload(enterprise_a, enterprise_user_a, "licence")
    upload(enterprise_a, enterprise_user_a, "financials", valid_to=dt.date(2027, 1, 1))
    application = services.submit_application(
        apply_item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="4e"
    )
    application = services.approve_application(application, actor=policy_officer)
    disbursement = application.disbursement
    with pytest.raises(ValidationError, match="另一名政策专员确认拨付"):
        services.mark_disbursement_paid(
            disbursement, actor=policy_officer, paid_on=dt.date(2026, 3, 20)
        )
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PENDING
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.DENIED,
        user=policy_officer,
        detail__action="policies:confirm_own_payout",
        detail__disbursement=disbursement.pk,
    ).exists()
    services.mark_disbursement_paid(
        disbursement, actor=second_officer, paid_on=dt.date(2026, 3, 20)
    )
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID


def test_the_officer_who_approved_a_grant_list_is_told_in_chinese_to_leave_the_payment(
    client, auto_item, policy_officer, second_officer
) -> None:
    eligible_enterprise()
    publish_rule(auto_item, RULE, actor=policy_officer)
    batch = services.create_grant_batch(
        auto_item, actor=policy_officer, period="2025", idempotency_key="btn"
    )
    services.approve_grant_batch(batch, actor=second_officer)
    disbursement = Disbursement.objects.get()
    client.force_login(second_officer)
    response = client.post(
        f"/policies/disbursements/{disbursement.pk}/pay/", {"paid_on": "2026-07-01"}, follow=True
    )
    assert response.status_code == 200
    assert "须由另一名政策专员确认拨付（四眼原则）" in response.content.decode()
    assert Disbursement.objects.get().status == Disbursement.Status.PENDING
    services.mark_disbursement_paid(disbursement, actor=policy_officer, paid_on=dt.date(2026, 7, 1))
    assert Disbursement.objects.get().status == Disbursement.Status.PAID
