"""秒批: decided at once from registry facts and materials on file, with the rule shown."""

import datetime as dt

import pytest

from qinqing.catalog import services
from qinqing.catalog.models import CertificateSource, MatterStatus
from qinqing.catalog.tests.factories import make_item
from qinqing.enterprises.models import Qualification

pytestmark = pytest.mark.django_db
RULE = ["in_registry", "not_dishonest", "materials_on_file"]


def test_auto_approval_decides_when_every_check_holds_and_issues_the_licence(
    district, enterprise_a, enterprise_user_a
):
    item = make_item(
        district.dept,
        instant_approval=True,
        auto_rule=RULE,
        issues_kind="food_licence",
        issue_valid_years=5,
        materials=[("营业执照", "business_licence")],
    )
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="business_licence", number="BL-1"
    )
    matter = services.apply_for_item(item, actor=enterprise_user_a)
    assert matter.status == MatterStatus.APPROVED
    assert [c["passed"] for c in matter.auto_decision] == [True, True, True]
    assert "秒批" in matter.reason and "所需证照均已在证照库中" in matter.reason
    licence = enterprise_a.certificates.get(kind="food_licence")
    assert licence.source == CertificateSource.MATTER and licence.number == matter.number
    assert licence.valid_to == licence.valid_from.replace(year=licence.valid_from.year + 5)


def test_auto_approval_falls_back_to_review_for_a_dishonest_applicant(
    district, enterprise_a, enterprise_user_a
):
    enterprise_a.serious_dishonesty = True
    enterprise_a.save()
    item = make_item(district.dept, instant_approval=True, auto_rule=RULE)
    matter = services.apply_for_item(item, actor=enterprise_user_a)
    assert matter.status == MatterStatus.SUBMITTED
    failed = [c["name"] for c in matter.auto_decision if not c["passed"]]
    assert failed == ["not_dishonest"]
    assert matter.events.filter(kind="auto_declined").exists()


def test_an_expired_certificate_is_not_on_file_so_the_rule_fails(
    district, enterprise_a, enterprise_user_a
):
    item = make_item(
        district.dept,
        instant_approval=True,
        auto_rule=RULE,
        materials=[("营业执照", "business_licence")],
    )
    services.upload_certificate(
        enterprise_a,
        actor=enterprise_user_a,
        kind="business_licence",
        number="BL-old",
        valid_to=dt.date(2020, 1, 1),
    )
    with pytest.raises(services.ValidationError, match="营业执照"):
        services.apply_for_item(item, actor=enterprise_user_a)  # asked again: not on file


def test_a_person_without_an_enterprise_is_not_auto_approved(district, db):
    from qinqing.conftest import make_user

    person = make_user("citizen")
    item = make_item(
        district.dept, instant_approval=True, auto_rule=["in_registry"], audience="person"
    )
    matter = services.apply_for_item(item, actor=person)
    assert matter.status == MatterStatus.SUBMITTED
    assert matter.auto_decision[0]["detail"] == "企业库中无此企业"


def test_qualifications_of_the_registry_feed_the_certificate_store(enterprise_a):
    Qualification.objects.create(
        enterprise=enterprise_a,
        kind="high_tech",
        certificate_no="GR2024510001",
        issuer="四川省科学技术厅",
        valid_from=dt.date(2024, 12, 1),
        valid_to=dt.date(2099, 11, 30),
        source="officer",
    )
    assert services.sync_registry_certificates(enterprise_a) == 1
    assert services.sync_registry_certificates(enterprise_a) == 0  # safe to run again
    from qinqing.catalog.selectors import materials_on_file

    found = materials_on_file(enterprise_a, ["qual:high_tech", "business_licence"])
    assert list(found) == ["qual:high_tech"] and found["qual:high_tech"].number == "GR2024510001"
