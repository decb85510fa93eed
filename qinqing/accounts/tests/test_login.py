"""Log-in, lock-out, password policy, session expiry and their audit records."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from qinqing.conftest import PASSWORD
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_in_chinese() -> None:
    page = Client().get("/login/").content.decode()
    assert "登录" in page
    assert "用户名" in page


def test_successful_login_is_audited_and_leads_home(handler) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = login(client, "handler", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=handler).exists()


def test_failed_login_is_audited_with_the_username(handler) -> None:  # type: ignore[no-untyped-def]
    response = login(Client(), "handler", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, username="handler").exists()


def test_account_is_locked_after_repeated_failures(handler) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "handler", "wrong-password")
    # even the right password is refused while locked
    response = login(client, "handler", PASSWORD)
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKED_OUT, username="handler").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=handler).exists()


def test_lock_out_is_per_account_not_per_office(handler, supervisor) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "handler", "wrong-password")
    assert login(client, "supervisor", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "weak", ["short1A!", "alllowercaseletters", "1234567890123", "Password123"]
)
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_mixed_password_is_accepted() -> None:
    validate_password("Qinqing-2026-wind")


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_pages_need_a_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_logout_is_audited(client_for, handler) -> None:  # type: ignore[no-untyped-def]
    client = client_for(handler)
    client.post("/logout/")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, user=handler).exists()
    assert client.get("/").status_code == 302


def test_pages_stay_in_chinese_for_an_english_browser() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/").content.decode()
    assert "登录" in page
