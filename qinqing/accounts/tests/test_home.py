"""Every role has a home page in Chinese with its own navigation."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "role_label"),
    [
        ("enterprise_user_a", "企业用户"),
        ("intake", "受理员"),
        ("handler", "承办人"),
        ("dept_head", "部门负责人"),
        ("supervisor", "督办员"),
        ("leader", "领导"),
        ("policy_officer", "政策专员"),
        ("admin_user", "管理员"),
    ],
)
def test_each_role_sees_its_home_page_in_chinese(
    request, client_for, persona: str, role_label: str
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    page = client_for(user).get("/").content.decode()
    assert "欢迎" in page
    assert role_label in page
    assert "退出" in page


def test_enterprise_home_shows_its_credit_code(client_for, enterprise_user_a, enterprise_a) -> None:  # type: ignore[no-untyped-def]
    page = client_for(enterprise_user_a).get("/").content.decode()
    assert enterprise_a.uscc in page
    assert enterprise_a.name in page


def test_only_administrators_see_the_back_office_link(client_for, admin_user, handler) -> None:  # type: ignore[no-untyped-def]
    assert "/admin/" in client_for(admin_user).get("/").content.decode()
    assert "/admin/" not in client_for(handler).get("/").content.decode()


def test_administrators_are_warned_about_an_unknown_next_year(client_for, admin_user) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    with time_machine.travel("2026-11-25 10:00 +0800"):
        page = client_for(admin_user).get("/").content.decode()
    assert "2027 年的节假日安排尚未录入" in page


def test_every_navigation_link_opens_for_each_role(request, client_for) -> None:  # type: ignore[no-untyped-def]
    """No role is offered a link that then refuses it or fails."""
    from django.urls import reverse

    from qinqing.accounts.permissions import is_admin, roles_of
    from qinqing.core.nav import nav_for

    for persona in [
        "enterprise_user_a",
        "intake",
        "handler",
        "dept_head",
        "supervisor",
        "leader",
        "policy_officer",
        "admin_user",
    ]:
        user = request.getfixturevalue(persona)
        client = client_for(user)
        for item in nav_for(roles_of(user), is_admin(user)):
            response = client.get(reverse(item.url_name))
            assert response.status_code in (200, 302), (
                persona,
                item.url_name,
                response.status_code,
            )
