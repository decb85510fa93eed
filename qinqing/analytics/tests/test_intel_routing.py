import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from qinqing.analytics.intel import routing
from qinqing.analytics.intel.models import RouterVersion, RoutingCorrection, RoutingRule
from qinqing.analytics.intel.wiring import intake_advisor
from qinqing.analytics.tests.test_intel_fixtures import (
    category,
    make_appeal,
    training_rows,
    write_csv,
    write_training_csv,
)
from qinqing.appeals import hooks
from qinqing.appeals.models import Status


@pytest.fixture(autouse=True)
def _scratch(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def router(db: None) -> RouterVersion:
    return routing.train_and_store(training_rows(), source="fixture")


def test_train_router_command_stores_an_active_version_with_its_report(tmp_path, db):
    path = write_training_csv(tmp_path / "train.csv")
    call_command("train_router", str(path))
    version = RouterVersion.objects.get()
    assert version.is_active and version.n_train == 24  # 30 rows less a held-out fifth
    assert Path(version.file_path).is_file()
    assert Path(version.file_path).parent == tmp_path / "models"
    assert version.report["n"] == 6 and set(version.report["per_category_f1"]) == {
        "水电气暖",
        "道路交通",
        "融资信贷",
    }


def test_train_router_reports_a_missing_column_in_chinese(tmp_path, db):
    path = write_csv(tmp_path / "bad.csv", ["title", "text"], [["停电", "厂区停电"]])
    with pytest.raises(CommandError, match="缺少列：category"):
        call_command("train_router", str(path))
    assert not RouterVersion.objects.exists()


def test_train_router_reports_empty_rows_with_their_row_numbers(tmp_path, db):
    rows = [list(r) for r in training_rows()]
    rows[2] = ["", "", ""]
    rows[4][2] = ""
    path = write_csv(tmp_path / "bad.csv", ["title", "text", "category"], rows)
    with pytest.raises(CommandError) as excinfo:
        call_command("train_router", str(path))
    assert "第 4 行：整行为空" in str(excinfo.value)
    assert "第 6 行：category（分类）为空" in str(excinfo.value)
    assert not RouterVersion.objects.exists()


def test_a_new_version_replaces_the_active_one(router):
    second = routing.train_and_store(training_rows(), source="again")
    router.refresh_from_db()
    assert second.is_active and not router.is_active and second.version == router.version + 1
    assert routing.active_router()[0] == second


def test_classify_command_adds_category_and_confidence(tmp_path, router):
    source = write_csv(
        tmp_path / "in.csv",
        ["id", "title", "text"],
        [["1", "厂区停电", "变压器故障停电"], ["2", "银行贷款难", "抵押物不足贷款难"]],
    )
    out = tmp_path / "out.csv"
    call_command("classify", str(source), str(out))
    with open(out, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["category"] for r in rows] == ["水电气暖", "融资信贷"]
    assert all(0 < float(r["confidence"]) <= 1 for r in rows) and rows[0]["id"] == "1"


def test_classify_without_a_model_says_to_train_first(tmp_path, db):
    source = write_csv(tmp_path / "in.csv", ["title", "text"], [["停电", "停电"]])
    with pytest.raises(CommandError, match="train_router"):
        call_command("classify", str(source), str(tmp_path / "out.csv"))


def test_advisor_suggests_three_categories_with_the_routed_department(router, district):
    utilities = category("水电气暖")
    RoutingRule.objects.create(category=utilities, division=None, department=district.other_dept)
    RoutingRule.objects.create(
        category=utilities, division=district.street, department=district.dept
    )
    advice = intake_advisor("厂区又停电了", "变压器故障，厂区停电", None, district.street)
    first = advice["suggestions"][0]
    assert len(advice["suggestions"]) == 3
    assert first["category"] == utilities and first["department"] == district.dept
    assert first["confidence"] >= advice["suggestions"][1]["confidence"]
    elsewhere = intake_advisor("厂区又停电了", "变压器故障，厂区停电", None, district.other_street)
    assert elsewhere["suggestions"][0]["department"] == district.other_dept


def test_advisor_is_registered_with_the_appeals_intake(router, district):
    advice = hooks.advise("园区道路破损", "道路破损货车无法通行", None, None)
    assert advice["suggestions"][0]["label"] == "道路交通"


def test_without_an_active_model_there_are_no_suggestions(db, district):
    assert intake_advisor("停电", "停电", None, None)["suggestions"] == []


def test_operator_choosing_another_category_is_kept_as_training_data(router, district):
    roads = category("道路交通")
    appeal = make_appeal(district.street, title="厂区停电", text="变压器故障停电", category=roads)
    correction = routing.record_correction(appeal.pk)
    assert correction is not None and correction.suggested_label == "水电气暖"
    assert correction.chosen_label == "道路交通" and correction.router_version == router
    assert routing.record_correction(appeal.pk) == correction  # a retry adds nothing
    assert RoutingCorrection.objects.count() == 1


def test_operator_confirming_the_suggestion_records_no_correction(router, district):
    utilities = category("水电气暖")
    appeal = make_appeal(
        district.street, title="厂区停电", text="变压器故障停电", category=utilities
    )
    assert routing.record_correction(appeal.pk) is None


def test_registering_an_appeal_queues_the_correction_check(router, district, intake, settings):
    """Through the real registration: the appeals timeline announces it (no model signal)."""
    from qinqing.appeals.services import register_appeal

    settings.HUEY.immediate = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            appeal, _ = register_appeal(
                actor=intake, channel="phone", title="厂区停电", description="变压器故障停电",
                requester_name="刘经理", requester_phone="13812345678",
                category=category("道路交通"), division=district.street,
            )  # fmt: skip
    finally:
        settings.HUEY.immediate = False
    assert RoutingCorrection.objects.filter(appeal=appeal).exists()


def test_an_appeal_registered_without_a_category_is_skipped_without_a_query(
    router, district, intake, django_assert_num_queries
):
    """Nothing to compare: the announcement carries the category, so the listener that
    runs after every intake reads nothing."""
    from qinqing.analytics.intel.wiring import appeal_registered
    from qinqing.appeals.services import register_appeal

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        appeal, _ = register_appeal(
            actor=intake, channel="phone", title="厂区停电", description="变压器故障停电",
            requester_name="刘经理", requester_phone="13812345678", division=district.street,
        )  # fmt: skip
    event = appeal.events.get(kind="registered")
    with django_assert_num_queries(0):
        for callback in callbacks:
            callback()
        appeal_registered(event.pk, appeal_id=appeal.pk, category_id=None)
    assert not RoutingCorrection.objects.exists()


def test_train_from_history_uses_closed_appeals_and_corrections(router, district, tmp_path):
    for label, rows in (("水电气暖", 0), ("道路交通", 10), ("融资信贷", 20)):
        chosen = category(label)
        for title, text, _ in training_rows()[rows : rows + 10]:
            make_appeal(
                district.street, title=title, text=text, category=chosen, status=Status.CLOSED
            )
    call_command("train_router", "--from-history")
    latest = RouterVersion.objects.get(is_active=True)
    assert latest.source == "history" and latest.n_train == 24


@pytest.mark.parametrize("model", ["routingrule", "routerversion", "routingcorrection"])
def test_routing_admin_pages_open_for_a_superuser(model, router, client_for, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x-Passw0rd!")
    response = client_for(boss).get(f"/admin/analytics/{model}/")
    assert response.status_code == 200
