"""Changed facts reach matching through the registry's own paths (the service behind
the form and API, and the import), announced by enterprises.hooks, not model signals."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.enterprises import services as registry
from qinqing.enterprises.imports import import_file
from qinqing.enterprises.models import EnterpriseEvent, ImportJob, Source, YearFact
from qinqing.policies.factories import make_enterprise, make_item, publish_rule, qualification
from qinqing.policies.models import MatchResult, Outcome

pytestmark = pytest.mark.django_db

RULE = {
    "all": [
        {"type": "qualification", "kind": "high_tech", "on": "2026-06-30"},
        {"type": "threshold", "field": "revenue", "year": 2025, "op": ">=", "value": 1000},
    ]
}


@pytest.fixture
def item(policy_officer, district):  # type: ignore[no-untyped-def]
    return make_item(actor=policy_officer, department=district.dept)


@pytest.fixture
def firm(item, policy_officer):  # type: ignore[no-untyped-def]
    """A high-tech firm whose 2025 revenue nobody has reported yet: 'unknown'."""
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    publish_rule(item, RULE, actor=policy_officer)
    assert outcome(item, e) == Outcome.UNKNOWN
    return e


def outcome(item, enterprise) -> str | None:  # type: ignore[no-untyped-def]
    return (
        MatchResult.objects.filter(item=item, enterprise=enterprise)
        .values_list("outcome", flat=True)
        .first()
    )


def test_yearly_facts_recorded_through_the_registry_service_rematch_the_enterprise(
    item, firm, policy_officer, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_profile(
            firm.uscc, source=Source.STATS, actor=policy_officer, values={"revenue": "2000"},
            year=2025,
        )  # fmt: skip
    assert outcome(item, firm) == Outcome.ELIGIBLE
    # and falling below the threshold takes it back to 'almost'
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_profile(
            firm.uscc, source=Source.STATS, actor=policy_officer, values={"revenue": "800"},
            year=2025,
        )  # fmt: skip
    assert outcome(item, firm) == Outcome.ALMOST


def test_an_import_file_rematches_every_enterprise_it_changed(
    item, firm, django_capture_on_commit_callbacks
) -> None:
    other = make_enterprise()
    qualification(other, "high_tech", dt.date(2024, 1, 1))
    csv = (
        "统一社会信用代码,数据来源,企业名称,年度,营业收入（万元）\n"
        f"{firm.uscc},统计,{firm.name},2025,1500\n"
        f"{other.uscc},统计,{other.name},2025,999\n"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = import_file(
            io.BytesIO(csv.encode()), "facts.csv", kind=ImportJob.Kind.PROFILES, actor=None,
            all_or_nothing=True,
        )  # fmt: skip
    assert result.errors == [] and result.counts.updated == 2
    assert outcome(item, firm) == Outcome.ELIGIBLE
    assert outcome(item, other) == Outcome.ALMOST
    assert len(callbacks) == 1  # one notice for the whole chunk, not one per row
    assert EnterpriseEvent.objects.filter(kind="profile_changed", enterprise=firm).exists()


def test_reimporting_unchanged_facts_does_not_rematch(
    item, firm, django_capture_on_commit_callbacks
) -> None:
    csv = f"统一社会信用代码,数据来源,年度,营业收入（万元）\n{firm.uscc},统计,2025,1500\n"
    with django_capture_on_commit_callbacks(execute=True):
        import_file(io.BytesIO(csv.encode()), "f.csv", kind="profiles", actor=None,
                    all_or_nothing=True)  # fmt: skip
    MatchResult.objects.filter(enterprise=firm).delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_file(io.BytesIO(csv.encode()), "f.csv", kind="profiles", actor=None,
                    all_or_nothing=True)  # fmt: skip
    assert callbacks == [] and outcome(item, firm) is None


def test_a_qualification_recorded_by_the_registry_rematches(
    item, policy_officer, django_capture_on_commit_callbacks
) -> None:
    e = make_enterprise()
    registry.record_profile(
        e.uscc, source=Source.STATS, actor=None, values={"revenue": "3000"}, year=2025
    )
    publish_rule(item, RULE, actor=policy_officer)
    assert outcome(item, e) == Outcome.ALMOST
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_qualification(
            e, actor=policy_officer, kind="high_tech", valid_from=dt.date(2024, 1, 1)
        )
    assert outcome(item, e) == Outcome.ELIGIBLE


def test_rows_written_around_the_registry_are_not_matched_by_a_model_signal(
    item, firm, django_capture_on_commit_callbacks
) -> None:
    """No post_save: a write that bypasses the registry's services announces nothing
    (the registry is the one way facts change)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        YearFact.objects.create(
            enterprise=firm, year=2025, source=Source.STATS, recorded_at=timezone.now(),
            revenue=Decimal("5000"),
        )  # fmt: skip
    assert callbacks == [] and outcome(item, firm) == Outcome.UNKNOWN
