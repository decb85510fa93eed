import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from qinqing.appeals import hooks, services
from qinqing.appeals.models import Appeal, Status
from qinqing.appeals.tests.conftest import register

pytestmark = pytest.mark.django_db


def detail_url(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


# --- who may see an appeal ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise_user_a", 200),
        ("enterprise_user_b", 404),
        ("handler", 200),
        ("dept_head", 200),
        ("other_handler", 404),
        ("intake", 200),
        ("supervisor", 200),
        ("leader", 200),
        ("admin_user", 200),
        ("policy_officer", 404),
    ],
)
def test_detail_permission_matrix(
    request: Any, persona: str, status: int, dispatched: Appeal, client_for: Any
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(detail_url(dispatched)).status_code == status


def test_assisting_department_sees_the_appeal(
    appeal: Appeal, intake: Any, district: Any, other_handler: Any, client_for: Any
) -> None:
    services.dispatch_appeal(appeal, actor=intake, to=district.dept, assist=[district.other_dept])
    assert client_for(other_handler).get(detail_url(appeal)).status_code == 200


def test_department_cannot_see_unassigned_appeal(
    appeal: Appeal, handler: Any, client_for: Any
) -> None:
    assert client_for(handler).get(detail_url(appeal)).status_code == 404


def test_supervisor_of_other_street_cannot_see(
    appeal: Appeal, district: Any, client_for: Any
) -> None:
    from qinqing.accounts.models import Role
    from qinqing.conftest import make_user

    street_supervisor = make_user("street_sup", role=Role.SUPERVISOR, org=district.other_street)
    assert appeal.division == district.street
    assert client_for(street_supervisor).get(detail_url(appeal)).status_code == 404


def test_anonymous_is_sent_to_login(appeal: Appeal, client: Any) -> None:
    response = client.get(detail_url(appeal))
    assert response.status_code == 302 and "login" in response["Location"]


# --- pages per role -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url_name", "allowed", "denied"),
    [
        ("appeals:mine", "enterprise_user_a", "handler"),
        ("appeals:new", "enterprise_user_a", "intake"),
        ("appeals:intake", "intake", "enterprise_user_a"),
        ("appeals:worklist", "handler", "supervisor"),
        ("appeals:board", "supervisor", "handler"),
        ("appeals:ledger", "leader", "enterprise_user_a"),
        ("appeals:ledger_export", "intake", "policy_officer"),
        ("appeals:suggest", "intake", "handler"),
        ("appeals:enterprise_lookup", "intake", "enterprise_user_a"),
    ],
)
def test_pages_open_for_their_roles_only(
    request: Any, url_name: str, allowed: str, denied: str, dispatched: Appeal, client_for: Any
) -> None:
    url = reverse(url_name)
    assert client_for(request.getfixturevalue(allowed)).get(url).status_code == 200
    assert client_for(request.getfixturevalue(denied)).get(url).status_code == 403


def test_enterprise_lists_only_its_own(
    intake: Any, enterprise_a: Any, enterprise_b: Any, enterprise_user_a: Any, client_for: Any
) -> None:
    mine = register(intake, enterprise_a, title="甲的诉求")
    register(intake, enterprise_b, title="乙的诉求")
    page = client_for(enterprise_user_a).get(reverse("appeals:mine")).content.decode()
    assert mine.number in page and "乙的诉求" not in page


def test_portal_submission_is_idempotent_and_keeps_attachment(
    enterprise_user_a: Any, client_for: Any
) -> None:
    client = client_for(enterprise_user_a)
    data = {
        "type": "appeal",
        "title": "用电报装慢",
        "description": "报装两个月未通电",
        "requester_name": "刘",
        "requester_phone": "13812345678",
        "idempotency_key": "k-1",
    }
    upload = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nxxxx", content_type="image/png")
    first = client.post(reverse("appeals:new"), {**data, "attachments": upload})
    assert first.status_code == 302
    second = client.post(reverse("appeals:new"), data)
    assert second["Location"] == first["Location"]
    appeal = Appeal.objects.get()
    assert appeal.attachments.count() == 1
    assert (
        client.get(reverse("appeals:attachment", args=[appeal.attachments.get().token])).status_code
        == 200
    )


def test_portal_form_error_names_the_field(enterprise_user_a: Any, client_for: Any) -> None:
    response = client_for(enterprise_user_a).post(reverse("appeals:new"), {"type": "appeal"})
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_attachment_served_only_to_those_who_see_the_appeal(
    dispatched: Appeal, handler: Any, enterprise_user_b: Any, client_for: Any
) -> None:
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    [att] = services.add_attachments(dispatched, actor=handler, files=[pdf], staff_only=True)
    url = reverse("appeals:attachment", args=[att.token])
    assert client_for(handler).get(url).status_code == 200
    assert client_for(enterprise_user_b).get(url).status_code == 404


def test_staff_only_attachment_hidden_from_the_enterprise(
    dispatched: Appeal, handler: Any, enterprise_user_a: Any, client_for: Any
) -> None:
    pdf = SimpleUploadedFile("内部.pdf", b"%PDF-1.4", content_type="application/pdf")
    [att] = services.add_attachments(dispatched, actor=handler, files=[pdf], staff_only=True)
    url = reverse("appeals:attachment", args=[att.token])
    assert client_for(enterprise_user_a).get(url).status_code == 404
    assert (
        "内部.pdf" not in client_for(enterprise_user_a).get(detail_url(dispatched)).content.decode()
    )


# --- the lifecycle in the browser ---------------------------------------------------------------
def test_lifecycle_through_the_pages(
    appeal: Appeal,
    intake: Any,
    handler: Any,
    supervisor: Any,
    enterprise_user_a: Any,
    district: Any,
    client_for: Any,
) -> None:
    def act(user: Any, action: str, data: dict[str, Any]) -> None:
        url = reverse("appeals:act", args=[appeal.pk, action])
        response = client_for(user).post(url, {f"{action}-{k}": v for k, v in data.items()})
        assert response.status_code == 302

    act(intake, "dispatch", {"department": district.dept.pk, "note": "请办理"})
    act(handler, "acknowledge", {"note": ""})
    act(handler, "contact", {"method": "phone", "person": "刘经理"})
    act(handler, "reply", {"result": "solved", "text": "已修复"})
    act(enterprise_user_a, "call_back", {"solved": "1", "rating": "very_satisfied"})
    act(supervisor, "close", {"note": ""})
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.rating == "very_satisfied"


def test_illegal_action_shows_chinese_message_and_changes_nothing(
    acknowledged: Appeal, enterprise_user_a: Any, client_for: Any
) -> None:
    client = client_for(enterprise_user_a)
    response = client.post(
        reverse("appeals:act", args=[acknowledged.pk, "withdraw"]),
        {"withdraw-note": ""},
        follow=True,
    )
    assert "不能执行“撤回”" in response.content.decode()
    acknowledged.refresh_from_db()
    assert acknowledged.status == Status.ACKNOWLEDGED


def test_other_department_cannot_act(
    dispatched: Appeal, other_handler: Any, client_for: Any
) -> None:
    response = client_for(other_handler).post(
        reverse("appeals:act", args=[dispatched.pk, "acknowledge"]), {"acknowledge-note": ""}
    )
    assert response.status_code == 404


def test_worklist_shows_clock_state(handler: Any, dispatched: Appeal, client_for: Any) -> None:
    page = client_for(handler).get(reverse("appeals:worklist")).content.decode()
    assert dispatched.number in page and ("剩余" in page or "今日到期" in page)


def test_worklist_query_count_does_not_grow_with_rows(
    handler: Any, intake: Any, district: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        services.dispatch_appeal(register(intake), actor=intake, to=district.dept)
    client = client_for(handler)
    with django_assert_max_num_queries(12):
        client.get(reverse("appeals:worklist"))


def test_board_lists_returned_and_extension_requests(
    supervisor: Any, handler: Any, acknowledged: Appeal, client_for: Any
) -> None:
    services.request_extension(
        acknowledged, actor=handler, clock_kind="reply", days=2, reason="需勘查"
    )
    page = client_for(supervisor).get(reverse("appeals:board")).content.decode()
    assert acknowledged.number in page and "需勘查" in page


def test_ledger_filters_and_search(
    intake: Any, enterprise_a: Any, leader: Any, client_for: Any
) -> None:
    water = register(intake, enterprise_a, title="供水管道破裂")
    power = register(intake, enterprise_a, title="厂区停电")
    client = client_for(leader)
    page = client.get(reverse("appeals:ledger"), {"q": "供水"}).content.decode()
    assert water.number in page and power.number not in page
    page = client.get(
        reverse("appeals:ledger"), {"status": "registered", "channel": "phone"}
    ).content.decode()
    assert water.number in page and power.number in page
    assert "13812345678" not in page and "138****5678" in page


def test_excel_export_masks_personal_data(intake: Any, enterprise_a: Any, client_for: Any) -> None:
    register(intake, enterprise_a, requester_name="刘德华", requester_phone="13812345678")
    response = client_for(intake).get(reverse("appeals:ledger_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert "刘**" in rows[1] and "138****5678" in rows[1]
    assert "13812345678" not in str(rows) and "刘德华" not in str(rows)


def test_export_contains_only_visible_appeals(
    intake: Any, enterprise_a: Any, handler: Any, district: Any, client_for: Any
) -> None:
    seen = register(intake, enterprise_a)
    services.dispatch_appeal(seen, actor=intake, to=district.dept)
    register(intake, enterprise_a)
    response = client_for(handler).get(reverse("appeals:ledger_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [seen.number]


def test_detail_shows_full_phone_to_lead_department_but_not_to_leader(
    dispatched: Appeal, handler: Any, leader: Any, client_for: Any
) -> None:
    assert "13812345678" in client_for(handler).get(detail_url(dispatched)).content.decode()
    assert "13812345678" not in client_for(leader).get(detail_url(dispatched)).content.decode()


def test_intake_shows_advisor_suggestions(intake: Any, district: Any, client_for: Any) -> None:
    def advisor(title: str, text: str, enterprise: Any, division: Any) -> dict[str, Any]:
        return {
            "suggestions": [{"category": "水电气暖", "department": "经信局", "confidence": 0.8}]
        }

    hooks.register_intake_advisor(advisor)
    try:
        page = (
            client_for(intake).get(reverse("appeals:suggest"), {"title": "停电"}).content.decode()
        )
    finally:
        hooks.unregister_intake_advisor(advisor)
    assert "水电气暖" in page and "80%" in page
    empty = client_for(intake).get(reverse("appeals:suggest"), {"title": "停电"}).content.decode()
    assert "水电气暖" not in empty


def test_intake_on_behalf_of_enterprise_found_by_credit_code(
    intake: Any, enterprise_a: Any, client_for: Any
) -> None:
    response = client_for(intake).post(
        reverse("appeals:intake"),
        {
            "channel": "phone",
            "enterprise_query": enterprise_a.uscc,
            "type": "complaint",
            "title": "执法检查过频",
            "description": "一个月检查五次",
            "requester_name": "刘",
            "requester_phone": "13812345678",
            "idempotency_key": "x1",
        },
    )
    assert response.status_code == 302
    assert Appeal.objects.get().enterprise == enterprise_a


def test_home_cards_show_counts(handler: Any, dispatched: Appeal, client_for: Any) -> None:
    page = client_for(handler).get(reverse("accounts:home")).content.decode()
    assert reverse("appeals:worklist") in page


def test_pages_are_in_chinese(handler: Any, dispatched: Appeal, client_for: Any) -> None:
    page = client_for(handler).get(reverse("appeals:worklist")).content.decode()
    assert "待办工单" in page and "办理时限" in page


def test_views_and_api_read_appeals_only_through_selectors() -> None:
    """Invariant: every appeal query in the HTTP layer starts from the selectors."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [root / name for name in ("api.py", "open311.py", "exports.py")]
    files += sorted((root / "views").glob("*.py"))
    assert len(files) > 4
    for path in files:
        assert "Appeal.objects" not in path.read_text(), path.name


def test_extension_decision_in_the_browser_and_no_open_redirect(
    supervisor: Any, handler: Any, acknowledged: Appeal, client_for: Any
) -> None:
    ext = services.request_extension(
        acknowledged, actor=handler, clock_kind="reply", days=2, reason="需勘查"
    )
    url = reverse("appeals:decide_extension", args=[ext.pk])
    response = client_for(supervisor).post(
        url, {"approve": "1", "note": "", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    ext.refresh_from_db()
    assert ext.state == "approved"
    other = client_for(handler).post(url, {"approve": "0", "note": "x"})
    assert other.status_code == 403
    ext.refresh_from_db()
    assert ext.state == "approved"


def test_intake_is_prefilled_from_an_enterprise_warning_link(
    intake: Any, enterprise_a: Any, client_for: Any
) -> None:
    url = reverse("appeals:intake") + f"?enterprise={enterprise_a.uscc.lower()}&title=用电量骤降"
    page = client_for(intake).get(url).content.decode()
    assert f'value="{enterprise_a.uscc}"' in page
    assert 'value="用电量骤降"' in page


def test_intake_ignores_an_unknown_enterprise_in_the_link(intake: Any, client_for: Any) -> None:
    page = (
        client_for(intake).get(reverse("appeals:intake") + "?enterprise=NOTACODE").content.decode()
    )
    assert "NOTACODE" not in page


def test_actions_say_what_happened_with_the_deadline(
    handler: Any, dispatched: Appeal, client_for: Any
) -> None:
    from django.utils import timezone
    from django.utils.formats import date_format

    response = client_for(handler).post(
        reverse("appeals:act", args=[dispatched.pk, "acknowledge"]),
        {"acknowledge-note": ""},
        follow=True,
    )
    dispatched.refresh_from_db()
    due = date_format(timezone.localtime(dispatched.next_due_at), "SHORT_DATETIME_FORMAT")
    page = response.content.decode()
    assert f"已签收，答复时限 {due}。" in page
    assert "操作成功" not in page and "Done" not in page


def test_ledger_export_writes_formulas_as_text_and_survives_a_control_character(
    intake: Any, enterprise_a: Any, client_for: Any
) -> None:
    live = register(intake, enterprise_a, title='=HYPERLINK("http://evil.example","点我")')
    broken = register(intake, enterprise_a)
    # a row stored before input was cleaned: the export must still answer for everyone
    Appeal.objects.filter(pk=broken.pk).update(title="停电\x07三天")
    response = client_for(intake).get(reverse("appeals:ledger_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles[live.number] == '\'=HYPERLINK("http://evil.example","点我")'
    assert titles[broken.number] == "停电三天"
