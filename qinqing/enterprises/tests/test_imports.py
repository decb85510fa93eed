import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from qinqing.enterprises.exports import template_workbook
from qinqing.enterprises.imports import import_file, start_import
from qinqing.enterprises.models import Enterprise, ImportJob, IndicatorValue, YearFact
from qinqing.enterprises.tasks import run_import_job
from qinqing.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

A = make_uscc("91511602000000011")
B = make_uscc("91511602000000012")
HEADER = "统一社会信用代码,数据来源,企业名称,行政区划代码,行业代码,成立日期,年度,从业人员,营业收入（万元）\n"
GOOD = f"{A},市场监管,丁公司,511602001,C3911,2019-03-01,2024,120,2500\n{B},统计,戊公司,511602002,F5211,,2024,8,90\n"


def run(text: str, *, encoding: str = "utf-8", all_or_nothing: bool = False, name: str = "f.csv"):  # type: ignore[no-untyped-def]
    return import_file(
        io.BytesIO(text.encode(encoding)), name, kind=ImportJob.Kind.PROFILES, actor=None,
        all_or_nothing=all_or_nothing,
    )  # fmt: skip


def test_valid_rows_are_imported_with_counts(district) -> None:
    result = run(HEADER + GOOD)
    assert result.errors == []
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (2, 0, 0)
    d = Enterprise.objects.get(uscc=A)
    assert (d.name, d.division, d.industry_code, d.size_class) == (
        "丁公司",
        district.street,
        "C3911",
        "small",
    )
    assert YearFact.objects.get(enterprise=d).employees == 120


def test_reimporting_the_same_file_changes_nothing(district) -> None:
    run(HEADER + GOOD)
    second = run(HEADER + GOOD)
    assert (second.counts.created, second.counts.updated, second.counts.unchanged) == (0, 0, 2)
    assert YearFact.objects.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk_is_read(district, encoding: str) -> None:
    result = run(HEADER + GOOD, encoding=encoding)
    assert result.errors == []
    assert Enterprise.objects.get(uscc=B).name == "戊公司"


BAD = (
    f"{A[:-1]}0,市场监管,坏代码,511602001,C3911,2019-03-01,2024,1,1\n"
    f"{B},海关,戊公司,511609001,A3911,2019-02-30,24,-5,很多\n"
)


def test_every_bad_row_is_reported_with_row_field_and_reason_in_chinese(district) -> None:
    result = run(HEADER + GOOD + BAD)
    by_field = {(e.row, e.field): e.message for e in result.errors}
    assert by_field[(4, "统一社会信用代码")] == "统一社会信用代码校验位错误"
    assert "数据来源" in {f for r, f in by_field if r == 5}
    assert (5, "行政区划代码") in by_field
    assert by_field[(5, "行业代码")] == "行业大类 39 不属于门类 A"
    assert "日期" in by_field[(5, "成立日期")]
    assert (
        (5, "年度") in by_field
        and (5, "从业人员") in by_field
        and (5, "营业收入（万元）") in by_field
    )
    # without all-or-nothing, the good rows are in
    assert result.status == ImportJob.Status.DONE
    assert Enterprise.objects.count() == 2


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(district) -> None:
    result = run(HEADER + GOOD + BAD, all_or_nothing=True)
    assert result.status == ImportJob.Status.REJECTED
    assert len(result.errors) >= 2
    assert not Enterprise.objects.exists()


def test_new_enterprise_without_name_and_duplicate_rows_are_reported(district) -> None:
    text = (
        HEADER
        + f"{A},统计,,511602001,C3911,,2024,1,1\n{B},统计,戊公司,,,,2024,1,1\n{B},统计,戊公司,,,,2024,2,2\n"
    )
    result = run(text)
    messages = {(e.row, e.field): e.message for e in result.errors}
    assert "新企业须填写企业名称" in messages[(2, "企业名称")]
    assert "与第 3 行重复" in messages[(4, "统一社会信用代码")]


def test_unknown_column_rejects_the_file(district) -> None:
    result = run("统一社会信用代码,数据来源,邮箱\n")
    assert result.status == ImportJob.Status.REJECTED
    assert "邮箱" in result.errors[0].message


def test_xlsx_template_round_trip(district) -> None:
    workbook = load_workbook(io.BytesIO(template_workbook(ImportJob.Kind.PROFILES)))
    header = [c.value for c in workbook.active[1]]
    sheet = Workbook()
    sheet.active.append(header)
    row = dict.fromkeys(header, None)
    row.update(
        {
            "统一社会信用代码": A,
            "数据来源": "税务",
            "企业名称": "丁公司",
            "年度": 2024,
            "营业收入（万元）": 1234.5,
        }
    )
    sheet.active.append([row[h] for h in header])
    buffer = io.BytesIO()
    sheet.save(buffer)
    result = import_file(
        io.BytesIO(buffer.getvalue()),
        "f.xlsx",
        kind=ImportJob.Kind.PROFILES,
        actor=None,
        all_or_nothing=True,
    )
    assert result.errors == []
    assert YearFact.objects.get(enterprise__uscc=A).revenue == 1234.5


def test_indicators_import_idempotently(enterprise_a) -> None:
    text = (
        "统一社会信用代码,指标,期间,数值,数据来源\n"
        f"{enterprise_a.uscc},用电量,2025-03,1000,工作人员\n"
        f"{enterprise_a.uscc},用电量,2025-03-05,30,工作人员\n"
        f"{enterprise_a.uscc},税收,2025-03-05,30,工作人员\n"
        f"{B},产值,2025-03,5,统计\n"
    )

    def go():  # type: ignore[no-untyped-def]
        return import_file(
            io.BytesIO(text.encode()),
            "i.csv",
            kind=ImportJob.Kind.INDICATORS,
            actor=None,
            all_or_nothing=False,
        )

    first = go()
    assert [(e.row, e.field) for e in first.errors] == [(4, "期间"), (5, "统一社会信用代码")]
    assert first.counts.created == 2
    assert go().counts.unchanged == 2
    assert IndicatorValue.objects.count() == 2


def test_job_is_idempotent_and_large_files_run_in_the_background(
    district, policy_officer, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("f.csv", (HEADER + GOOD).encode())
    job, created = start_import(
        upload,
        kind=ImportJob.Kind.PROFILES,
        actor=policy_officer,
        all_or_nothing=False,
        idempotency_key="k1",
    )
    assert created and job.status == ImportJob.Status.DONE and job.created_count == 2
    again, created_again = start_import(
        SimpleUploadedFile("f.csv", (HEADER + GOOD).encode()), kind=ImportJob.Kind.PROFILES,
        actor=policy_officer, all_or_nothing=False, idempotency_key="k1",
    )  # fmt: skip
    assert again.pk == job.pk and not created_again
    # a queued job runs once, however often the task is delivered
    queued = ImportJob.objects.create(
        kind=ImportJob.Kind.PROFILES, file=job.file.name, filename="f.csv", sha256="x",
        idempotency_key="k2", created_by=policy_officer,
    )  # fmt: skip
    run_import_job.call_local(queued.pk)
    run_import_job.call_local(queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.unchanged_count, queued.percent) == (
        ImportJob.Status.DONE,
        2,
        100,
    )
