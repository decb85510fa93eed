import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qinqing.core.models import AppendOnlyError
from qinqing.enterprises.models import Source
from qinqing.policies import programmes as hangzhou
from qinqing.policies import services
from qinqing.policies.factories import (
    make_enterprise,
    make_item,
    publish_rule,
    qualification,
    year_fact,
)
from qinqing.policies.matching import answers_for
from qinqing.policies.models import MatchResult, MatchRun, Outcome, PolicyEvent, RuleStatus

pytestmark = pytest.mark.django_db

HIGH_TECH_RULE = {
    "all": [
        {"type": "qualification", "kind": "high_tech", "on": "2026-06-30"},
        {"type": "threshold", "field": "revenue", "year": 2025, "op": ">=", "value": 1000},
    ]
}


@pytest.fixture
def item(policy_officer, district):
    return make_item(actor=policy_officer, department=district.dept)


def outcomes(item) -> dict[int, str]:
    return dict(MatchResult.objects.filter(item=item).values_list("enterprise_id", "outcome"))


def test_publishing_a_rule_matches_every_enterprise_with_three_outcomes(
    item, policy_officer
) -> None:
    strong, weak, unknown, none = (make_enterprise() for _ in range(4))
    for e in (strong, weak):
        qualification(e, "high_tech", dt.date(2024, 1, 1))
    year_fact(strong, 2025, revenue=Decimal("1000"))
    year_fact(weak, 2025, revenue=Decimal("999.99"))
    qualification(unknown, "high_tech", dt.date(2024, 1, 1))
    year_fact(unknown, 2025, employees=5)  # revenue missing
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    assert outcomes(item) == {strong.pk: "E", weak.pk: "A", unknown.pk: "U"}
    assert none.pk not in outcomes(item)  # not eligible: not stored


def test_facts_use_the_registry_precedence(item, policy_officer) -> None:
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    year_fact(e, 2025, Source.SELF, revenue=Decimal("5000"))
    year_fact(e, 2025, Source.STATS, revenue=Decimal("900"))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    assert outcomes(item)[e.pk] == Outcome.ALMOST


def test_changed_facts_rematch_that_enterprise_after_commit(
    item, policy_officer, django_capture_on_commit_callbacks
) -> None:
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    assert outcomes(item)[e.pk] == Outcome.UNKNOWN
    with django_capture_on_commit_callbacks(execute=True):
        year_fact(e, 2025, revenue=Decimal("2000"))
    assert outcomes(item)[e.pk] == Outcome.ELIGIBLE


def test_full_run_is_a_background_job_with_progress(
    item, policy_officer, django_capture_on_commit_callbacks
) -> None:
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    year_fact(e, 2025, revenue=Decimal("2000"))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    MatchResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_full_match(actor=policy_officer)
    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.eligible, run.percent) == (
        MatchRun.Status.DONE,
        1,
        1,
        1,
        100,
    )
    assert outcomes(item) == {e.pk: "E"}
    assert (
        services.run_full_match(run.pk).status == MatchRun.Status.DONE
    )  # a second delivery does nothing


def test_preview_shows_who_gains_and_loses_and_the_money(item, policy_officer) -> None:
    small, big = make_enterprise(), make_enterprise()
    for e, revenue in ((small, "1500"), (big, "6000")):
        qualification(e, "high_tech", dt.date(2024, 1, 1))
        year_fact(e, 2025, revenue=Decimal(revenue))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    stricter = json.loads(json.dumps(HIGH_TECH_RULE).replace("1000", "5000"))
    draft = services.draft_rule(item, actor=policy_officer, tree=stricter)
    effect = services.preview_rule(draft)
    assert effect["eligible"] == 1 and effect["lose"] == 1 and effect["gain"] == 0
    assert effect["amount"] == 20.0 and effect["amount_before"] == 40.0


def test_published_rule_versions_never_change_and_decisions_name_them(item, policy_officer) -> None:
    v1 = publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    v1.tree = {"all": []}
    with pytest.raises(AppendOnlyError):
        v1.save()
    v2 = services.draft_rule(item, actor=policy_officer, tree=hangzhou.PROGRAMMES[13]["rule"])
    assert v2.number == 2
    services.publish_rule(v2, actor=policy_officer)
    v1.refresh_from_db()
    item.refresh_from_db()
    assert v1.status == RuleStatus.RETIRED and item.current_rule_id == v2.pk
    assert PolicyEvent.objects.filter(item=item, kind="rule_published").count() == 2
    with pytest.raises(ValidationError):
        services.publish_rule(v2, actor=policy_officer)


def test_invalid_rule_is_refused_with_the_place_named(item, policy_officer) -> None:
    with pytest.raises(ValidationError) as exc:
        services.draft_rule(
            item, actor=policy_officer, tree={"all": [{"type": "ratio", "numerator": "revenue"}]}
        )
    assert "tree" in exc.value.message_dict


def test_rules_round_trip_through_the_documented_file(item, policy_officer) -> None:
    version = publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    data = json.loads(json.dumps(services.export_rule(version)))
    copy = services.import_rule(item, actor=policy_officer, data=data)
    assert copy.tree == HIGH_TECH_RULE and copy.status == RuleStatus.DRAFT and copy.number == 2
    with pytest.raises(ValidationError):
        services.import_rule(item, actor=policy_officer, data={"rule": {}})


def test_one_enterprise_answer_lists_reasons_per_condition(item, policy_officer) -> None:
    e = make_enterprise()
    year_fact(e, 2025, revenue=Decimal("1200"))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    [answer] = answers_for(e.pk)
    assert answer.outcome == Outcome.ALMOST
    assert [s for s, _r in answer.conditions] == [False, True]
    assert answer.snapshot()["rule_version"] == item.rule_versions.get().pk


def test_publishing_rematches_the_item_after_commit(
    item, policy_officer, django_capture_on_commit_callbacks
) -> None:
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    year_fact(e, 2025, revenue=Decimal("2000"))
    draft = services.draft_rule(item, actor=policy_officer, tree=HIGH_TECH_RULE)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_rule(draft, actor=policy_officer)
    assert outcomes(item) == {e.pk: "E"}


def test_withdrawn_item_loses_its_matches(
    item, policy_officer, django_capture_on_commit_callbacks
) -> None:
    e = make_enterprise()
    qualification(e, "high_tech", dt.date(2024, 1, 1))
    year_fact(e, 2025, revenue=Decimal("2000"))
    publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_item_status(item, actor=policy_officer, action="withdraw")
    assert outcomes(item) == {}


def test_fast_fact_resolution_agrees_with_the_registry(enterprise_a, enterprise_b) -> None:
    from qinqing.enterprises.facts import effective_year_facts
    from qinqing.policies.facts import YEAR_FIELDS, resolved_year_facts

    year_fact(enterprise_a, 2025, Source.SELF, revenue=Decimal("900"), employees=80)
    year_fact(enterprise_a, 2025, Source.STATS, revenue=Decimal("1000"))
    year_fact(enterprise_a, 2025, Source.TAX, revenue=Decimal("1100"), tax_paid=Decimal("30"))
    year_fact(enterprise_a, 2024, Source.TAX, revenue=Decimal("700"))
    year_fact(enterprise_b, 2025, Source.OFFICER, rd_spending=Decimal("5"))
    ours = resolved_year_facts(None, None).sort(["enterprise_id", "year"])
    theirs = (
        effective_year_facts()
        .select("enterprise_id", "year", *YEAR_FIELDS)
        .sort(["enterprise_id", "year"])
    )
    assert ours.to_dicts() == theirs.to_dicts()


def test_a_large_full_store_replaces_every_result(item, policy_officer) -> None:
    import polars as pl

    from qinqing.policies.matching import store

    version = publish_rule(item, HIGH_TECH_RULE, actor=policy_officer)
    rows = 6000  # above the bulk-load threshold: COPY into a fresh table on PostgreSQL

    def frame(n: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "item_id": [item.pk] * n,
                "rule_version_id": [version.pk] * n,
                "enterprise_id": list(range(1, n + 1)),
                "outcome": [1] * n,
                "amount": [20.0] * n,
                "missing": [0] * n,
            },
            schema={
                "item_id": pl.Int64,
                "rule_version_id": pl.Int64,
                "enterprise_id": pl.Int64,
                "outcome": pl.UInt8,
                "amount": pl.Float64,
                "missing": pl.Int16,
            },
        )

    store(frame(rows))
    assert MatchResult.objects.filter(item=item, outcome="E").count() == rows
    store(frame(rows + 1))
    assert MatchResult.objects.count() == rows + 1
    assert MatchResult.objects.filter(enterprise_id=rows + 1).get().decided_at is not None
