"""The pages each role uses, driven like a browser would (forms, messages, exports)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from qinqing.liaison.exports import presentable
from qinqing.liaison.models import CheckIn, Liaison
from qinqing.liaison.tests.conftest import A_LAT, A_LNG
from qinqing.lib.excel import safe_cell

pytestmark = pytest.mark.django_db


def xlsx(rows):  # type: ignore[no-untyped-def]
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "import.xlsx"
    return buffer


HEADER = ["统一社会信用代码", "包联角色", "干部账号", "包联单位编码", "开始日期", "结束日期"]


def test_bulk_import_writes_all_rows(client_for, supervisor, cadre, enterprise_a, enterprise_b):
    file = xlsx(
        [
            HEADER,
            [enterprise_a.uscc, "联络员", "cadre", "", "2026-01-01", ""],
            [enterprise_b.uscc, "包联领导", "", "D-JXJ", "2026-01-01", "2026-12-31"],
        ]
    )
    response = client_for(supervisor).post(
        "/liaison/assignments/import/", {"file": file}, follow=True
    )
    assert "已导入 2 条包联关系" in response.content.decode()
    assert Liaison.objects.count() == 2


def test_bulk_import_with_a_bad_row_writes_nothing_and_names_row_and_column(
    client_for, supervisor, enterprise_a
):
    file = xlsx(
        [
            HEADER,
            [enterprise_a.uscc, "联络员", "cadre_x", "", "2026-01-01", ""],
            ["91XXXX", "组长", "", "", "明天", ""],
        ]
    )
    response = client_for(supervisor).post(
        "/liaison/assignments/import/", {"file": file}, follow=True
    )
    page = response.content.decode()
    assert "第 2 行" in page and "「干部账号」cadre_x" in page
    assert (
        "第 3 行" in page
        and "「包联角色」“组长”无效" in page
        and "「开始日期」不是有效日期" in page
    )
    assert not Liaison.objects.exists()


def test_import_of_a_non_excel_file_is_a_clear_error(client_for, supervisor):
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    page = (
        client_for(supervisor)
        .post("/liaison/assignments/import/", {"file": bad}, follow=True)
        .content.decode()
    )
    assert "不是有效的 Excel" in page


def test_exported_cells_cannot_start_a_formula():
    """Liaison exports use the one lib.excel.safe_cell: "-1" is a plain number, not a
    formula, so it stays as typed; anything after it that makes it a formula is escaped."""
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-1") == "-1" and safe_cell(-1) == -1
    assert safe_cell("-1+cmd|' /C calc'!A0") == "'-1+cmd|' /C calc'!A0"
    assert safe_cell("@x") == "'@x"
    assert safe_cell("a\x00b\x1f") == "ab"
    assert safe_cell(float("nan")) == ""
    assert presentable(None) == "" and presentable(True) == "是"


def test_visit_export_is_scoped_and_safe(client_for, supervisor, cadre, enterprise_a, today):
    from qinqing.liaison import services

    services.assign_liaison(
        enterprise_a, actor=supervisor, role="contact", cadre=cadre, starts_on=today
    )
    services.record_visit(
        enterprise_a, actor=cadre, visited_on=today, people_met="=cmd|x", discussion="-2+3"
    )
    response = client_for(cadre).get("/liaison/visits/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "'=cmd|x" and rows[1][4] == "'-2+3"


def test_check_in_page_answers_json_with_the_distance(client_for, stay, cadre):
    client = client_for(cadre)
    page = client.get(f"/liaison/stays/{stay.pk}/").content.decode()
    assert "签到" in page and "打卡范围 500 米" in page
    r = client.post(
        f"/liaison/stays/{stay.pk}/check/",
        {"kind": "in", "lat": A_LAT + 0.002, "lng": A_LNG},
        HTTP_ACCEPT="application/json",
    )
    assert r.json()["ok"] is True and "米" in r.json()["message"]
    again = client.post(
        f"/liaison/stays/{stay.pk}/check/",
        {"kind": "in", "lat": A_LAT, "lng": A_LNG},
        HTTP_ACCEPT="application/json",
    )
    assert again.status_code == 422 and CheckIn.objects.count() == 1


def test_every_list_page_renders_for_an_officer(client_for, supervisor, stay, finished_stay):
    client = client_for(supervisor)
    for url in [
        "/liaison/",
        "/liaison/overview/",
        "/liaison/assignments/",
        "/liaison/coverage/",
        "/liaison/teams/",
        "/liaison/visits/",
        "/liaison/not-visited/",
        "/liaison/difficulties/",
        "/liaison/rounds/",
        f"/liaison/rounds/{stay.round_id}/",
        f"/liaison/rounds/{stay.round_id}/report/",
        f"/liaison/rounds/{stay.round_id}/verify/",
        "/liaison/requests/",
        "/liaison/activities/",
        f"/liaison/stays/{stay.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        for export in ("?format=xlsx",):
            if url.endswith(("/verify/", "/report/", "/visits/", "/assignments/")):
                assert client.get(url + export).status_code == 200, url


def test_enterprise_page_shows_the_liaison_panel_to_the_enterprise(
    client_for, stay, enterprise_user_a
):
    page = (
        client_for(enterprise_user_a).get(f"/enterprises/{stay.enterprise.uscc}/").content.decode()
    )
    assert "包联与驻企服务" in page and "刘驻企" in page
