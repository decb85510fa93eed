"""A full store writes only what changed since the last full run (storing.py)."""

import polars as pl
import pytest

from qinqing.policies.matching import store
from qinqing.policies.models import MatchDigest, MatchResult
from qinqing.policies.storing import BUCKET

pytestmark = pytest.mark.django_db

SCHEMA = {
    "item_id": pl.Int64,
    "rule_version_id": pl.Int64,
    "enterprise_id": pl.Int64,
    "outcome": pl.UInt8,
    "amount": pl.Float64,
    "missing": pl.Int16,
}


def results(rows: list[tuple[int, int, int, int, float | None, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def stored() -> set[tuple]:
    return {
        (r.item_id, r.rule_version_id, r.enterprise_id, r.outcome, r.amount, r.missing)
        for r in MatchResult.objects.all()
    }


@pytest.fixture
def base(item_with_rule):  # type: ignore[no-untyped-def]
    item, version = item_with_rule
    far = [(item.pk, version.pk, 3 * BUCKET + n, 1, 20.0, 0) for n in range(10)]
    return (
        item,
        version,
        [
            (item.pk, version.pk, 1, 1, 20.0, 0),
            (item.pk, version.pk, 2, 2, 20.0, 1),
            (item.pk, version.pk, 3, 3, None, 0),
            *far,  # another bucket of enterprises
        ],
    )


@pytest.fixture
def item_with_rule(policy_officer, district):  # type: ignore[no-untyped-def]
    from qinqing.policies.factories import make_item, publish_rule

    item = make_item(actor=policy_officer, department=district.dept)
    rule = {"all": [{"type": "flag", "field": "serious_dishonesty", "value": False}]}
    return item, publish_rule(item, rule, actor=policy_officer)


def test_a_second_identical_full_store_writes_nothing(base) -> None:  # type: ignore[no-untyped-def]
    _item, _version, rows = base
    first = store(results(rows))
    assert first.rebuilt
    before = dict(MatchResult.objects.values_list("enterprise_id", "decided_at"))
    again = store(results(rows))
    assert (again.rebuilt, again.buckets_changed, again.inserted, again.deleted) == (
        False, 0, 0, 0,
    )  # fmt: skip
    assert dict(MatchResult.objects.values_list("enterprise_id", "decided_at")) == before
    assert MatchDigest.objects.count() == 2


def test_only_changed_rows_of_changed_buckets_are_rewritten(base) -> None:  # type: ignore[no-untyped-def]
    item, version, rows = base
    store(results(rows))
    far_decided = MatchResult.objects.get(enterprise_id=rows[3][2]).decided_at
    changed = [
        (item.pk, version.pk, 1, 2, 20.0, 1),  # E -> A
        rows[1],
        # enterprise 3 no longer stored (not eligible)
        (item.pk, version.pk, 4, 1, 20.0, 0),  # new
        *rows[3:],
    ]
    stats = store(results(changed))
    assert (stats.rebuilt, stats.buckets_changed, stats.buckets_unchanged) == (False, 1, 1)
    assert (stats.deleted, stats.inserted) == (2, 2)  # 1 changed + 3 gone; 1 changed + 4 new
    assert stored() == {
        (item.pk, version.pk, 1, "A", 20, 1),
        (item.pk, version.pk, 2, "A", 20, 1),
        (item.pk, version.pk, 4, "E", 20, None),
        *[(item.pk, version.pk, r[2], "E", 20, None) for r in rows[3:]],
    }
    assert MatchResult.objects.get(enterprise_id=rows[3][2]).decided_at == far_decided


def test_a_partial_rematch_makes_the_next_full_store_check_those_rows_again(base) -> None:  # type: ignore[no-untyped-def]
    item, version, rows = base
    store(results(rows))
    # enterprise 2's facts changed: re-matched alone, now eligible
    store(results([(item.pk, version.pk, 2, 1, 20.0, 0)]), enterprise_ids=[2])
    assert MatchDigest.objects.count() == 1  # its bucket is no longer trusted
    # the next full run computes the old answer again (say the facts changed back)
    stats = store(results(rows))
    assert not stats.rebuilt and stats.buckets_changed == 1
    assert MatchResult.objects.get(enterprise_id=2).outcome == "A"
    assert len(stored()) == len(rows)
