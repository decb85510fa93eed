"""Catalog import: the provincial export's shape, our template, and row errors in Chinese."""

import io

import pytest

from qinqing.accounts.models import Organisation
from qinqing.catalog.imports import import_catalog
from qinqing.catalog.models import ServiceItem
from qinqing.enterprises.imports import FileRejected

pytestmark = pytest.mark.django_db

# Same columns as the Guang'an export (四川政务服务网): names, departments, codes only.
PROVINCIAL = """department,main_item,name,areaCode,itemCode,taskType,deptCode,link
区经信局,未分类,企业投资项目备案（技术改造）（市级/县级）,511602000000,511Z07001006-511602000000-000-11511301008778183N-1-00,10,11511301008778183N,http://www.sczwfw.gov.cn/jiq/front/transition/ywTransToDetail?itemCode=511Z07001006
区市场监管局,食品经营许可,食品经营许可（新办）,511602000000,511A0138000000-511602000000-000-115113010833722043-1-00,1,083372204,http://www.sczwfw.gov.cn/x
区教科体局,未分类,中职和本专科建档立卡特别资助项目,511602000000,G-000007-001-511602000000-000-115113010833722043-1-00,5,083372204,http://www.sczwfw.gov.cn/y
"""

TEMPLATE_HEADER = "实施编码,事项名称,实施主体,事项类型,法定办结时限,承诺办结时限,办件类型,到现场次数,网办深度,办理渠道,通办范围,告知承诺,容缺受理,申请材料\n"


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8-sig"))


def test_the_provincial_export_imports_when_missing_departments_may_be_created(district):
    result = import_catalog(csv_file(PROVINCIAL), "guangan.csv", create_departments=True)
    assert result.errors == [] and result.created == 3
    assert result.departments_created == ["区教科体局"]  # 经信局, 市场监管局 matched by name
    tech = ServiceItem.objects.get(code__startswith="511Z07001006")
    assert tech.department == district.dept and tech.item_type == "other_power"
    assert ServiceItem.objects.get(code__startswith="511A0138").department == district.other_dept
    assert tech.main_item_name == "" and not tech.is_complete  # names only: not open online
    food = ServiceItem.objects.get(code__startswith="511A0138")
    assert food.item_type == "licence" and food.main_item_name == "食品经营许可"
    assert " 食品 " in food.search_text
    again = import_catalog(csv_file(PROVINCIAL), "guangan.csv", create_departments=True)
    assert (again.created, again.updated) == (0, 3)


def test_an_unknown_department_is_a_row_error_and_nothing_is_written_in_all_mode(district):
    result = import_catalog(csv_file(PROVINCIAL), "guangan.csv", mode="all")
    assert not result.written and ServiceItem.objects.count() == 0
    assert [str(e) for e in result.errors] == [
        "第 4 行 实施主体：“区教科体局”不在组织机构中（可勾选“自动创建缺少的部门”）",
    ]


def test_valid_rows_mode_writes_the_good_rows_and_reports_the_bad_ones(district):
    rows = (
        "511A0000000001-511602000000-000-115116020000000001-1-00,食品经营许可,经信局,行政许可,20,5,承诺件,1,三级,窗口、网上办,全省通办,是,否,营业执照[business_licence]；食品安全管理制度\n"
        "BAD CODE,坏编码事项,经信局,行政许可,20,5,承诺件,1,三级,窗口,,否,否,\n"
        "511A0000000003-511602000000-000-115116020000000001-1-00,承诺超过法定,经信局,行政许可,5,10,承诺件,1,三级,窗口,,否,否,\n"
        "511A0000000004-511602000000-000-115116020000000001-1-00,非数字时限,经信局,行政许可,NaN,-1,承诺件,3,五级,飞鸽,外星,也许,否,身份证[no_such_kind]\n"
    )
    result = import_catalog(csv_file(TEMPLATE_HEADER + rows), "template.csv", mode="valid")
    assert result.written and result.created == 1
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("第 3 行 实施编码：实施编码格式不正确")
    assert "第 4 行 承诺办结时限：承诺时限 10 天不能超过法定时限 5 天" in messages
    row5 = [m for m in messages if m.startswith("第 5 行")]
    assert {m.split("：")[0] for m in row5} == {
        "第 5 行 法定办结时限",
        "第 5 行 承诺办结时限",
        "第 5 行 到现场次数",
        "第 5 行 网办深度",
        "第 5 行 办理渠道",
        "第 5 行 通办范围",
        "第 5 行 申请材料",
        "第 5 行 告知承诺",
    }
    item = ServiceItem.objects.get()
    assert (item.legal_days, item.promised_days, item.online_depth, item.scope) == (
        20,
        5,
        3,
        "province",
    )
    assert (
        item.channels == ["window", "online"] and item.notify_commit and not item.tolerate_missing
    )
    assert list(item.materials.values_list("name", "kind", "source")) == [
        ("营业执照", "business_licence", "certificate"),
        ("食品安全管理制度", "", "applicant"),
    ]


def test_control_characters_are_dropped_and_a_duplicate_code_is_a_row_error(district):
    code = "511A0000000001-511602000000-000-115116020000000001-1-00"
    rows = f"{code},食品\x00经营\x07许可,经信局,行政许可,20,5,承诺件,1,三级,窗口,,否,否,\n{code},重复,经信局,行政许可,20,5,承诺件,1,三级,窗口,,否,否,\n"
    result = import_catalog(csv_file(TEMPLATE_HEADER + rows), "t.csv", mode="valid")
    assert ServiceItem.objects.get().name == "食品经营许可"
    assert [str(e) for e in result.errors] == ["第 3 行 实施编码：与第 2 行重复"]


def test_a_file_without_the_required_columns_is_rejected_in_chinese(district):
    with pytest.raises(FileRejected, match="缺少必需的列：实施编码、实施主体"):
        import_catalog(csv_file("事项名称\n甲\n"), "x.csv")
    with pytest.raises(FileRejected, match="只支持"):
        import_catalog(csv_file("a"), "x.txt")
    assert Organisation.objects.filter(name="区教科体局").count() == 0


def test_reimporting_keeps_materials_that_matters_refer_to(district, enterprise_user_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.catalog import services

    code = "511A0000000001-511602000000-000-115116020000000001-1-00"
    row = f"{code},就业登记,经信局,公共服务,5,0,即办件,0,四级,网上办,,否,否,{{}}\n"
    import_catalog(csv_file(TEMPLATE_HEADER + row.format("劳动合同")), "t.csv")
    item = ServiceItem.objects.get()
    upload = SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf")
    services.apply_for_item(item, actor=enterprise_user_a, uploads={"name:劳动合同": upload})
    result = import_catalog(
        csv_file(TEMPLATE_HEADER + row.format("营业执照[business_licence]")), "t.csv"
    )
    assert result.written and result.errors == []
    assert list(item.materials.values_list("name", "required")) == [
        ("营业执照", True),
        ("劳动合同", False),
    ]
