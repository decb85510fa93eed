import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qinqing.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_setting_the_same_password_again_is_refused_in_chinese(client_for, handler) -> None:
    page = client_for(handler).post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert page.status_code == 200  # the form again, with the reason
    assert "新密码不能与当前密码相同" in page.content.decode()
    handler.refresh_from_db()
    assert handler.check_password(PASSWORD)


def test_a_different_password_passes_the_same_password_check(handler) -> None:
    validate_password("Another-Passw0rd!", handler)
    with pytest.raises(ValidationError):
        validate_password(PASSWORD, handler)
