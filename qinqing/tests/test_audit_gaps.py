"""Answers that hide whether something exists ("not found or no permission") and API
refusals leave an audit row, as every other denial does (issue 15)."""

from typing import Any

import pytest
from django.test import Client

from qinqing.accounts.services import create_api_token
from qinqing.appeals.tests.conftest import register
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_api_404_for_someone_elses_appeal_is_audited(
    intake: Any, enterprise_a: Any, enterprise_user_b: Any
) -> None:
    appeal = register(intake, enterprise_a)
    token = create_api_token(enterprise_user_b, name="乙", actor=None)[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/v1/appeals/{appeal.pk}")
    assert response.status_code == 404 and response.json()["detail"] == "不存在或无权查看"
    row = AuditEvent.objects.get(kind=AuditEvent.Kind.NOT_FOUND)
    assert row.user == enterprise_user_b and row.path == f"/api/v1/appeals/{appeal.pk}"


def test_a_web_404_for_someone_elses_appeal_is_audited(
    intake: Any, enterprise_a: Any, enterprise_user_b: Any, client_for: Any
) -> None:
    appeal = register(intake, enterprise_a)
    assert client_for(enterprise_user_b).get(f"/appeals/{appeal.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.NOT_FOUND, user=enterprise_user_b
    ).exists()


def test_an_api_403_for_a_session_call_without_csrf_is_audited(
    intake: Any, enterprise_a: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(intake)
    response = client.post("/api/v1/appeals/", {}, content_type="application/json")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED, user=intake).exists()


def test_an_open311_call_with_a_bad_key_is_audited() -> None:
    response = Client().get("/open311/v2/requests.json", {"api_key": "guessed"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED, path__contains="open311").exists()


def test_a_denial_inside_a_service_transaction_survives_its_rollback(
    intake: Any, enterprise_a: Any, enterprise_user_a: Any, district: Any
) -> None:
    # the enterprise sees its own appeal, so the API lets the call through to the service,
    # which refuses inside its transaction: the audit row must outlive the rollback
    appeal = register(intake, enterprise_a)
    token = create_api_token(enterprise_user_a, name="甲", actor=None)[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        f"/api/v1/appeals/{appeal.pk}/dispatch",
        {"department_id": district.dept.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED, user=enterprise_user_a).exists()
