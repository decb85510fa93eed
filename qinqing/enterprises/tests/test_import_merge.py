"""The set-based profile write (imports/merge.py, PostgreSQL) leaves every table and the
timeline exactly as the row services (profiles.apply_profile_rows) leave them, file
after file: new enterprises, changed and unchanged rows, several sources and years,
precedence, a changed industry that reclassifies the size, and a re-import."""

import datetime as dt
import threading
import time
from typing import Any

import polars as pl
import pytest
from django.db import connection, transaction
from django.utils import timezone

from qinqing.enterprises.imports.merge import merge_profile_frame
from qinqing.enterprises.imports.profile_rows import ProfileValidator, frame_rows
from qinqing.enterprises.imports.reading import read_columns
from qinqing.enterprises.models import (
    Enterprise,
    EnterpriseEvent,
    ImportJob,
    ProfileClaim,
    YearFact,
    YearFigure,
)
from qinqing.enterprises.profiles import Counts, apply_profile_rows
from qinqing.lib.uscc import make_uscc

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the merge runs on PostgreSQL"),
]

A, B, C, D = (make_uscc(f"9151160200000002{i}") for i in range(4))
HEADER = (
    "统一社会信用代码,数据来源,企业名称,行政区划代码,行业代码,成立日期,注册资本（万元）,"
    "是否上市,联系电话,年度,从业人员,营业收入（万元）,资产总额（万元）\n"
)
FIRST = (
    f"{A},市场监管,丁公司,511602001,C3911,2019-03-01,100.5,否,,2024,120,2500,\n"
    f"{A},统计,,,,,,,,2024,130,,800\n"
    f"{A},市场监管,丁公司,,,,,,,2023,100,2000,\n"
    f"{B},税务,戊公司,511602002,F5211,,,是,028-1234,2024,8,90,10\n"
    f"{C},工作人员,己公司,,,,,,13800000000,,,,\n"
)
SECOND = (
    f"{A},市场监管,丁公司,511602002,C3911,2019-03-01,100.50,否,,2024,120,2600,\n"
    f"{A},税务,丁有限公司,,,,,,,2024,,,\n"
    f"{B},统计,,,F5131,,,,,2025,3,,\n"
    f"{B},市场监管,戊公司,,G5920,,,,,,,,\n"
    f"{C},工作人员,己公司,,,,,,13800000000,,,,\n"
    f"{D},企业自报,,,,,,,,2024,5,10,\n"
    f"{D},税务,庚公司,,I6510,,,,,,,,\n"
)


def _frame(text: str) -> pl.DataFrame:
    import io

    numbers, columns = read_columns(io.BytesIO(text.encode()), "f.csv", ImportJob.Kind.PROFILES)
    validator = ProfileValidator()
    frame, errors = validator.check_frame(numbers, columns)
    frame, late = validator.finish_frame(frame)
    assert errors == late == []
    return frame


def _snapshot() -> dict[str, Any]:
    code = dict(Enterprise.objects.values_list("pk", "uscc"))
    profile = [
        "name", "legal_form", "registered_on", "registered_capital", "address", "division_id",
        "industry_code", "tax_credit_rating", "is_listed", "serious_dishonesty", "size_class",
        "size_basis_year", "contact_name", "contact_phone",
    ]  # fmt: skip
    numbers = list(YearFact.NUMERIC_FIELDS)
    return {
        "enterprises": sorted(Enterprise.objects.values_list("uscc", *profile)),
        "claims": sorted(
            (code[e], f, s, v, by)
            for e, f, s, v, by in ProfileClaim.objects.values_list(
                "enterprise_id", "field", "source", "value", "recorded_by_id"
            )
        ),
        "facts": sorted(
            (code[row[0]], *row[1:])
            for row in YearFact.objects.values_list("enterprise_id", "year", "source", *numbers)
        ),
        "figures": sorted(
            (code[row[0]], *row[1:])
            for row in YearFigure.objects.values_list(
                "enterprise_id", "year", "employees", "revenue", "total_assets", "revenue_source"
            )
        ),
        "events": [
            (code.get(e), kind, data, actor)
            for e, kind, data, actor in EnterpriseEvent.objects.order_by("pk").values_list(
                "enterprise_id", "kind", "data", "actor_id"
            )
        ],
    }


def _run(write: Any, officer: Any) -> list[tuple[Counts, dict[str, Any]]]:
    as_of = timezone.now()
    states = []
    with transaction.atomic():
        for text in (FIRST, SECOND, SECOND):
            counts = write(_frame(HEADER + text), actor=officer, as_of=as_of)
            states.append((counts, _snapshot()))
            as_of += dt.timedelta(minutes=1)
        transaction.set_rollback(True)
    return states


def _rows_writer(frame: pl.DataFrame, *, actor: Any, as_of: dt.datetime) -> Counts:
    return apply_profile_rows(frame_rows(frame), actor=actor, as_of=as_of)


def test_the_merge_writes_what_the_row_services_write(district, policy_officer) -> None:
    expected = _run(_rows_writer, policy_officer)
    merged = _run(merge_profile_frame, policy_officer)
    for (want_counts, want), (got_counts, got) in zip(expected, merged, strict=True):
        assert got_counts == want_counts
        for table in want:
            assert got[table] == want[table], table
    first, second, third = (counts for counts, _ in merged)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert second.created == 2 and second.updated >= 3 and second.unchanged >= 1
    assert (third.created, third.updated) == (0, 0)
    state = merged[1][1]
    b = next(e for e in state["enterprises"] if e[0] == B)
    assert b[7] == "G5920"  # market regulation outranks tax for the profile
    assert len(state["events"]) > 5


@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_enterprise_at_once_leave_one_with_both_claims(
    district, policy_officer
) -> None:
    """The second import cannot see the first one's new enterprise until it commits: its
    insert waits, then finds the enterprise there, and merges its rows into it as into
    any enterprise that existed (no second enterprise, no lost claim)."""
    code = make_uscc("915116020000000E1")
    first = _frame(HEADER + f"{code},市场监管,辛公司,511602001,C3911,,,,,2024,20,300,\n")
    second = _frame(HEADER + f"{code},税务,辛有限公司,,,,,,028-5678,2024,21,,\n")
    inserted, results = threading.Event(), {}

    def run(name: str, frame: pl.DataFrame) -> None:
        try:
            with transaction.atomic():
                results[name] = merge_profile_frame(
                    frame, actor=policy_officer, as_of=timezone.now()
                )
                if name == "first":
                    inserted.set()
                    time.sleep(1)  # the second import starts while this one is open
        finally:
            inserted.set()
            connection.close()

    threads = [threading.Thread(target=run, args=("first", first))]
    threads[0].start()
    inserted.wait(10)
    threads.append(threading.Thread(target=run, args=("second", second)))
    threads[1].start()
    for thread in threads:
        thread.join(30)
    assert results["first"] == Counts(created=1)
    assert results["second"] == Counts(updated=1)
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.name == "辛公司"  # market regulation outranks tax
    assert enterprise.contact_phone == "028-5678"
    assert sorted(ProfileClaim.objects.filter(field="name").values_list("source", "value")) == [
        ("market", "辛公司"),
        ("tax", "辛有限公司"),
    ]
    assert list(YearFigure.objects.values_list("employees", "revenue_source")) == [(21, "market")]
    kinds = list(EnterpriseEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["profile_created", "profile_changed"]
