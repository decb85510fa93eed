import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qinqing.enterprises import services
from qinqing.enterprises.models import (
    CorrectionRequest,
    CorrectionStatus,
    Enterprise,
    EnterpriseEvent,
    Pool,
    PoolMembership,
    ProfileClaim,
    QualificationKind,
    SizeClass,
    Source,
    YearFigure,
)
from qinqing.enterprises.selectors import held_on
from qinqing.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

CODE = make_uscc("91511602000000009")


def test_invalid_credit_code_is_refused_with_the_reason(district, policy_officer) -> None:
    with pytest.raises(ValidationError) as info:
        services.record_profile(
            "91511602000000009X", source=Source.MARKET, actor=policy_officer, values={"name": "丙"}
        )
    assert "统一社会信用代码" in str(info.value)
    assert not Enterprise.objects.exists()


def test_market_registration_wins_and_the_other_source_stays_visible(
    district, policy_officer
) -> None:
    services.record_profile(
        CODE,
        source=Source.SELF,
        actor=policy_officer,
        values={"name": "丙公司（自报）", "address": "自报地址", "division": "511602001"},
    )
    enterprise = services.record_profile(
        CODE, source=Source.MARKET, actor=policy_officer, values={"name": "丙公司"}
    )
    assert enterprise.name == "丙公司"
    assert enterprise.address == "自报地址"  # only the enterprise reported it
    assert enterprise.division == district.street
    claims = dict(
        ProfileClaim.objects.filter(enterprise=enterprise, field="name").values_list(
            "source", "value"
        )
    )
    assert claims == {Source.SELF: "丙公司（自报）", Source.MARKET: "丙公司"}
    assert (
        EnterpriseEvent.objects.filter(enterprise=enterprise, kind="profile_created").count() == 1
    )


def test_recording_the_same_report_twice_changes_nothing(district, policy_officer) -> None:
    values = {"name": "丙公司", "revenue": "2000", "employees": "300", "industry_code": "C3911"}
    services.record_profile(
        CODE, source=Source.STATS, actor=policy_officer, values=values, year=2024
    )
    events_before = EnterpriseEvent.objects.count()
    counts = services.apply_profile_rows(
        [services.ProfileRow(CODE, Source.STATS, {"name": "丙公司", "industry_code": "C3911"}, 2024,
                             {"revenue": "2000.00", "employees": "300"}, row_no=1)],
        actor=policy_officer,
    )  # fmt: skip
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)
    assert EnterpriseEvent.objects.count() == events_before


def test_size_class_follows_the_latest_effective_year(district, policy_officer) -> None:
    services.record_profile(
        CODE, source=Source.MARKET, actor=policy_officer,
        values={"name": "丙公司", "industry_code": "C3911"},
    )  # fmt: skip
    services.record_profile(
        CODE, source=Source.SELF, actor=policy_officer, values={"employees": "1500", "revenue": "50000"},
        year=2024,
    )  # fmt: skip
    enterprise = Enterprise.objects.get(uscc=CODE)
    assert (enterprise.size_class, enterprise.size_basis_year) == (SizeClass.LARGE, 2024)
    # statistics say less revenue: statistics win, one indicator pulls it down
    services.record_profile(
        CODE, source=Source.STATS, actor=policy_officer, values={"revenue": "1000"}, year=2024
    )
    enterprise.refresh_from_db()
    assert enterprise.size_class == SizeClass.SMALL
    figure = YearFigure.objects.get(enterprise=enterprise, year=2024)
    assert (figure.revenue, figure.revenue_source, figure.employees) == (
        Decimal("1000.00"),
        "stats",
        1500,
    )


def test_qualification_held_on_a_date(enterprise_a, enterprise_b, policy_officer) -> None:
    services.record_qualification(
        enterprise_a, actor=policy_officer, kind=QualificationKind.HIGH_TECH,
        valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2025, 12, 31), certificate_no="GR1",
    )  # fmt: skip
    services.record_qualification(
        enterprise_b, actor=policy_officer, kind=QualificationKind.HIGH_TECH,
        valid_from=dt.date(2026, 1, 1), certificate_no="GR2",
    )  # fmt: skip

    def on(day):
        return set(
            held_on(QualificationKind.HIGH_TECH, day).values_list("enterprise_id", flat=True)
        )  # noqa: E731

    assert on(dt.date(2025, 12, 31)) == {enterprise_a.pk}
    assert on(dt.date(2026, 1, 1)) == {enterprise_b.pk}
    assert on(dt.date(2022, 12, 31)) == set()


def test_qualification_with_end_before_start_is_refused(enterprise_a, policy_officer) -> None:
    with pytest.raises(ValidationError):
        services.record_qualification(
            enterprise_a, actor=policy_officer, kind=QualificationKind.SRDI,
            valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2024, 1, 1),
        )  # fmt: skip


def test_pool_entry_and_exit_keep_dates_and_reasons(enterprise_a, policy_officer) -> None:
    pool = Pool.objects.create(name="规上培育库")
    stay = services.enter_pool(
        enterprise_a,
        actor=policy_officer,
        pool=pool,
        on=dt.date(2025, 1, 5),
        reason="营收接近2000万",
    )
    again = services.enter_pool(
        enterprise_a, actor=policy_officer, pool=pool, on=dt.date(2025, 2, 1), reason="重复"
    )
    assert again.pk == stay.pk
    with pytest.raises(ValidationError):
        services.exit_pool(stay, actor=policy_officer, on=dt.date(2024, 1, 1), reason="早于入库")
    services.exit_pool(stay, actor=policy_officer, on=dt.date(2025, 9, 1), reason="已升规")
    stay.refresh_from_db()
    assert (stay.exited_on, stay.exit_reason) == (dt.date(2025, 9, 1), "已升规")
    assert PoolMembership.objects.filter(enterprise=enterprise_a).count() == 1
    kinds = list(
        EnterpriseEvent.objects.filter(enterprise=enterprise_a).values_list("kind", flat=True)
    )
    assert kinds == ["pool_entered", "pool_exited"]


def test_tags_are_set_with_one_event(enterprise_a, policy_officer) -> None:
    services.set_tags(enterprise_a, actor=policy_officer, names=["链主", "出口"])
    services.set_tags(enterprise_a, actor=policy_officer, names=["出口", "链主"])
    assert sorted(enterprise_a.tags.values_list("name", flat=True)) == ["出口", "链主"]
    assert EnterpriseEvent.objects.filter(kind="tags_changed").count() == 1


def test_enterprise_corrects_its_own_fact_at_once(enterprise_a, enterprise_user_a) -> None:
    result = services.submit_correction(
        enterprise_a, actor=enterprise_user_a, field_name="contact_phone", value="13900001111"
    )
    assert result is None
    enterprise_a.refresh_from_db()
    assert enterprise_a.contact_phone == "13900001111"
    assert (
        ProfileClaim.objects.get(enterprise=enterprise_a, field="contact_phone").source
        == Source.SELF
    )


def test_correction_of_a_government_fact_waits_for_an_officer(
    enterprise_a, enterprise_user_a, policy_officer
) -> None:
    services.record_profile(
        enterprise_a.uscc,
        source=Source.TAX,
        actor=policy_officer,
        values={"revenue": "800"},
        year=2024,
    )
    with pytest.raises(ValidationError):  # a reason is required
        services.submit_correction(
            enterprise_a, actor=enterprise_user_a, field_name="revenue", value="900", year=2024
        )
    request = services.submit_correction(
        enterprise_a, actor=enterprise_user_a, field_name="revenue", value="900", year=2024,
        reason="税务口径未含四季度",
    )  # fmt: skip
    assert request is not None
    assert (request.current_value, request.current_source) == ("800.00", Source.TAX)
    services.review_correction(request, actor=policy_officer, approve=True)
    request.refresh_from_db()
    assert request.status == CorrectionStatus.APPROVED
    officer_fact = enterprise_a.year_facts.get(year=2024, source=Source.OFFICER)
    assert officer_fact.revenue == Decimal("900.00")
    # reviewing twice is harmless; rejecting an approved request is not allowed
    services.review_correction(request, actor=policy_officer, approve=True)
    with pytest.raises(ValueError):
        services.review_correction(request, actor=policy_officer, approve=False, note="x")
    assert CorrectionRequest.objects.count() == 1
