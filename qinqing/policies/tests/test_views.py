"""Pages and API: who may see and do what (each rule with one who may and one who may not)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from qinqing.policies import services
from qinqing.policies.factories import make_item, publish_rule, qualification, year_fact
from qinqing.policies.models import Application, GrantBatch, PolicyItem, RuleStatus

pytestmark = pytest.mark.django_db

RULE = {
    "all": [
        {"type": "qualification", "kind": "high_tech", "on": "2026-06-30"},
        {"type": "threshold", "field": "revenue", "year": 2025, "op": ">=", "value": 1000},
    ]
}


@pytest.fixture
def item(policy_officer, district, enterprise_a):
    item = make_item(
        actor=policy_officer,
        department=district.dept,
        title="研发费用补助",
        mode="apply",
        required_materials=["licence"],
    )
    qualification(enterprise_a, "high_tech", dt.date(2024, 1, 1))
    year_fact(enterprise_a, 2025, revenue=Decimal("1500"))
    publish_rule(item, RULE, actor=policy_officer)
    return item


def test_the_public_can_search_the_library_in_chinese(item, policy_officer, district) -> None:
    make_item(actor=policy_officer, department=district.dept, title="稳岗返还", publish=False)
    response = Client().get(reverse("policies:library"), {"q": "研发补助"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "研发费用补助" in body and "稳岗返还" not in body
    assert "0826-2345678" in body  # every item names its contact phone
    assert Client().get(reverse("policies:item", args=[item.pk])).status_code == 200


def test_a_draft_item_is_hidden_from_enterprises_but_not_from_officers(
    policy_officer, district, client_for, enterprise_user_a
) -> None:
    draft = make_item(actor=policy_officer, department=district.dept, publish=False)
    assert (
        client_for(enterprise_user_a).get(reverse("policies:item", args=[draft.pk])).status_code
        == 403
    )
    assert (
        client_for(policy_officer).get(reverse("policies:item", args=[draft.pk])).status_code == 200
    )


def test_enterprise_sees_its_own_answers_with_reasons(
    item, client_for, enterprise_user_a, enterprise_user_b
) -> None:
    body = client_for(enterprise_user_a).get(reverse("policies:mine")).content.decode()
    assert "研发费用补助" in body and "✔" in body
    other = client_for(enterprise_user_b).get(reverse("policies:mine")).content.decode()
    assert "研发费用补助" not in other.split("<h2>")[1]  # B qualifies for nothing


def test_only_officers_see_match_lists_and_officers_of_other_departments_only_read(
    item, client_for, policy_officer, handler, other_handler, enterprise_user_a
) -> None:
    url = reverse("policies:matches", args=[item.pk])
    assert client_for(policy_officer).get(url).status_code == 200
    assert client_for(handler).get(url).status_code == 200  # the item's department, read-only
    assert client_for(other_handler).get(url).status_code == 403
    assert client_for(enterprise_user_a).get(url).status_code == 403
    assert client_for(handler).post(reverse("policies:push", args=[item.pk])).status_code == 403


def test_officer_writes_previews_and_publishes_a_rule_in_the_browser(
    item, client_for, policy_officer, handler
) -> None:
    url = reverse("policies:rule", args=[item.pk])
    assert client_for(handler).get(url).status_code == 403
    client = client_for(policy_officer)
    data = {
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
        "c-0-group": "1",
        "c-0-type": "qualification",
        "c-0-qualification": "high_tech",
        "c-0-on": "2026-06-30",
        "c-0-op": ">=",
        "c-1-group": "2",
        "c-1-type": "threshold",
        "c-1-field": "revenue",
        "c-1-years": "2025",
        "c-1-op": ">=",
        "c-1-value": "2000",
    }
    assert client.post(url, data).status_code == 302
    draft = item.rule_versions.get(status=RuleStatus.DRAFT)
    assert draft.tree["all"][1] == {
        "type": "threshold",
        "field": "revenue",
        "op": ">=",
        "value": 2000,
        "year": 2025,
    }
    preview = client.get(url, {"preview": "1"}).content.decode()
    assert "减少 1 家" in preview  # enterprise A (revenue 1,500) would lose eligibility
    client.post(reverse("policies:rule_publish", args=[draft.pk]))
    item.refresh_from_db()
    assert item.current_rule_id == draft.pk


def test_a_bad_rule_row_gets_a_chinese_error_and_nothing_is_saved(
    item, client_for, policy_officer
) -> None:
    data = {
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "1000",
        "c-0-group": "1",
        "c-0-type": "threshold",
        "c-0-field": "revenue",
        "c-0-years": "2025",
        "c-0-op": ">=",
    }
    response = client_for(policy_officer).post(
        reverse("policies:rule", args=[item.pk]), data, follow=True
    )
    assert "条件 1" in response.content.decode()
    assert not item.rule_versions.filter(status=RuleStatus.DRAFT).exists()


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_enterprise_applies_and_only_it_and_officers_see_the_application(
    item, client_for, enterprise_a, enterprise_user_a, enterprise_user_b, policy_officer
) -> None:
    client = client_for(enterprise_user_a)
    upload = ContentFile(b"%PDF-1.4", name="licence.pdf")
    client.post(reverse("policies:upload_material"), {"material_type": "licence", "file": upload})
    response = client.post(reverse("policies:apply", args=[item.pk]), {"key": "k-1"})
    application = Application.objects.get()
    assert response.status_code == 302 and application.enterprise == enterprise_a
    url = reverse("policies:application", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client_for(enterprise_user_b).get(url).status_code == 403
    assert (
        client.post(
            reverse("policies:application_action", args=[application.pk, "approve"])
        ).status_code
        == 403
    )
    client_for(policy_officer).post(
        reverse("policies:application_action", args=[application.pk, "approve"]), {"amount": "5"}
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.amount_approved == Decimal("5")


def test_grant_lists_are_for_officers(
    item, client_for, policy_officer, second_officer, handler
) -> None:
    PolicyItem.objects.filter(pk=item.pk).update(mode="auto")
    url = reverse("policies:batch_create", args=[item.pk])
    assert client_for(handler).post(url, {"period": "2025", "key": "b1"}).status_code == 403
    response = client_for(policy_officer).post(url, {"period": "2025", "key": "b1"})
    batch = GrantBatch.objects.get()
    assert response.status_code == 302
    assert client_for(handler).get(reverse("policies:batch", args=[batch.pk])).status_code == 200
    assert (
        client_for(handler)
        .post(reverse("policies:batch_action", args=[batch.pk, "approve"]))
        .status_code
        == 403
    )
    own = client_for(policy_officer).post(
        reverse("policies:batch_action", args=[batch.pk, "approve"]), follow=True
    )
    assert "须由另一名政策专员审批" in own.content.decode()
    assert GrantBatch.objects.get().status == "draft"
    approved = client_for(second_officer).post(
        reverse("policies:batch_action", args=[batch.pk, "approve"]), follow=True
    )
    assert GrantBatch.objects.get().status == "approved"
    assert "兑现名单已审批：待拨付" in approved.content.decode()


def test_match_run_progress_is_polled(
    client_for, policy_officer, enterprise_user_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(policy_officer).post(reverse("policies:run_start"))
    assert response.status_code == 302
    poll = client_for(policy_officer).get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="run-progress"' in poll.content.decode() and "<html" not in poll.content.decode()
    assert client_for(enterprise_user_a).get(response["Location"]).status_code == 403


def test_api_answers_for_the_own_enterprise_only(
    item, client_for, enterprise_user_a, enterprise_user_b, enterprise_b
) -> None:
    mine = client_for(enterprise_user_a).get("/api/v1/policies/my").json()
    assert [a["outcome"] for a in mine] == ["E"] and mine[0]["conditions"][0]["status"] is True
    response = client_for(enterprise_user_a).get(
        f"/api/v1/policies/enterprises/{enterprise_b.uscc}/answers"
    )
    assert response.status_code == 403


def test_api_rule_file_import_is_for_officers(item, client_for, policy_officer, handler) -> None:
    exported = client_for(handler).get(f"/api/v1/policies/items/{item.pk}/rule").json()
    assert exported["rule"] == RULE
    url = f"/api/v1/policies/items/{item.pk}/rule"
    assert (
        client_for(handler)
        .post(url, json.dumps(exported), content_type="application/json")
        .status_code
        == 403
    )
    response = client_for(policy_officer).post(
        url, json.dumps(exported), content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["number"] == 2
    figures = client_for(policy_officer).get("/api/v1/policies/figures").json()
    assert figures["applications"] == 0


def test_services_write_event_rows_for_every_state_change(item, policy_officer) -> None:
    services.set_item_status(item, actor=policy_officer, action="withdraw")
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds[-1] == "item_withdrawn" and "rule_published" in kinds and "item_published" in kinds


def test_home_page_cards_show_policies_to_the_right_people(
    item, client_for, enterprise_user_a, policy_officer, handler
) -> None:
    assert "为您推荐的政策" in client_for(enterprise_user_a).get("/").content.decode()
    assert "待审核的申报" in client_for(policy_officer).get("/").content.decode()
    assert "待审核的申报" not in client_for(handler).get("/").content.decode()
