import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qinqing.enterprises.facts import effective_year_facts, profile_frame, qualification_frame
from qinqing.enterprises.models import (
    Enterprise,
    Qualification,
    QualificationKind,
    Source,
    YearFact,
)

pytestmark = pytest.mark.django_db


def fact(enterprise: Enterprise, source: str, **values: object) -> YearFact:
    return YearFact.objects.create(
        enterprise=enterprise, year=2025, source=source, recorded_at=timezone.now(), **values
    )


def test_statistics_win_over_the_enterprise_own_figures(enterprise_a: Enterprise) -> None:
    fact(enterprise_a, Source.SELF, revenue=Decimal("900"), employees=80)
    fact(enterprise_a, Source.STATS, revenue=Decimal("1000"))
    row = effective_year_facts([enterprise_a.pk]).row(0, named=True)
    assert row["revenue"] == 1000.0
    assert row["revenue_source"] == Source.STATS
    # statistics did not report employees, so the enterprise's own figure stands
    assert row["employees"] == 80
    assert row["employees_source"] == Source.SELF


def test_missing_stays_missing_never_zero(enterprise_a: Enterprise) -> None:
    fact(enterprise_a, Source.TAX, revenue=Decimal("10"))
    row = effective_year_facts([enterprise_a.pk]).row(0, named=True)
    assert row["rd_spending"] is None
    assert row["rd_spending_source"] is None


def test_frames_cover_profile_and_qualifications(
    enterprise_a: Enterprise, enterprise_b: Enterprise
) -> None:
    Qualification.objects.create(
        enterprise=enterprise_a,
        kind=QualificationKind.HIGH_TECH,
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        source=Source.OFFICER,
    )
    profiles = profile_frame()
    assert set(profiles["uscc"]) == {enterprise_a.uscc, enterprise_b.uscc}
    assert (
        profiles.filter(profiles["enterprise_id"] == enterprise_a.pk)["division_code"][0]
        == "511602001"
    )
    quals = qualification_frame([enterprise_a.pk])
    assert quals.row(0, named=True)["valid_to"] == dt.date(2026, 12, 31)
    assert qualification_frame([enterprise_b.pk]).height == 0
