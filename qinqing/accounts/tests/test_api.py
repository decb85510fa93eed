"""The API base: OpenAPI at a stable URL, token authentication for other systems."""

import pytest
from django.test import Client

from qinqing.accounts.models import ApiToken
from qinqing.accounts.services import create_api_token, revoke_api_token
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_openapi_document_is_published() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "qinqing API"
    assert "/api/v1/me" in spec["paths"]


def test_a_token_identifies_the_calling_system(intake) -> None:  # type: ignore[no-untyped-def]
    _, raw = create_api_token(intake, name="12345 平台", actor=None)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "intake"
    assert response.json()["roles"] == ["intake"]
    assert ApiToken.objects.get().last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(intake) -> None:  # type: ignore[no-untyped-def]
    token, raw = create_api_token(intake, name="x", actor=None)
    assert raw not in token.key_hash
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_CREATED).exists()


def test_revoked_and_unknown_tokens_are_refused(intake) -> None:  # type: ignore[no-untyped-def]
    token, raw = create_api_token(intake, name="x", actor=None)
    revoke_api_token(token, actor=None)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer qq_not-a-token").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_tokens_of_deactivated_people_stop_working(intake) -> None:  # type: ignore[no-untyped-def]
    _, raw = create_api_token(intake, name="x", actor=None)
    intake.is_active = False
    intake.save()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_browser_session_also_authenticates(client_for, enterprise_user_a) -> None:  # type: ignore[no-untyped-def]
    response = client_for(enterprise_user_a).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["uscc"] == enterprise_user_a.uscc
