import pytest
from django.urls import reverse

from qinqing.analytics.intel import duplicates
from qinqing.analytics.intel.wiring import intake_advisor
from qinqing.analytics.tests.test_intel_fixtures import make_appeal
from qinqing.appeals.models import Status

POWER = "园区变压器故障，阳光小区厂区停电已三天，生产线停工，请尽快抢修。"


@pytest.fixture
def original(district, enterprise_a):
    return make_appeal(
        district.street,
        title="厂区停电三天",
        text=POWER,
        enterprise=enterprise_a,
        department=district.dept,
    )


@pytest.fixture
def repeat(district, enterprise_a):
    return make_appeal(
        district.street,
        title="厂区停电三天无人处理",
        text=POWER + "已经打过电话。",
        enterprise=enterprise_a,
    )


@pytest.fixture
def unrelated(district):
    return make_appeal(district.street, title="贷款难", text="小微企业申请银行贷款难，抵押物不足。")


def test_a_similar_open_appeal_is_a_likely_duplicate(original, repeat, unrelated):
    found = duplicates.duplicates_of(repeat)
    assert [c.appeal for c in found] == [original]
    assert "same_enterprise" in found[0].match.reasons and found[0].match.score > 0.6


def test_closed_appeals_outside_the_window_are_not_candidates(original, repeat, district):
    old = make_appeal(district.street, title="厂区停电三天", text=POWER, status=Status.CLOSED)
    type(old).objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    assert [c.appeal for c in duplicates.duplicates_of(repeat)] == [original]


def test_appeals_of_another_district_are_not_candidates(repeat, db):
    from qinqing.accounts.models import Organisation, OrgKind

    elsewhere = Organisation.objects.create(code="510101", name="锦江区", kind=OrgKind.DIVISION)
    make_appeal(elsewhere, title="厂区停电三天", text=POWER)
    assert duplicates.duplicates_of(repeat) == []


def test_intake_advisor_returns_duplicate_ids_but_not_the_appeal_itself(
    original, repeat, district, enterprise_a
):
    ids = intake_advisor(repeat.title, repeat.description, enterprise_a, district.street)[
        "duplicates"
    ]
    assert ids == [original.pk]
    at_intake = intake_advisor("厂区停电", POWER, None, None)["duplicates"]
    assert set(at_intake) == {original.pk, repeat.pk}


def test_intake_operator_sees_duplicates_with_the_mark_duplicate_action(
    client_for, intake, original, repeat
):
    response = client_for(intake).get(
        reverse("analytics:appeal_duplicates", args=[repeat.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert original.number in body and "mark_duplicate-original" in body
    assert "<html" not in body


def test_department_sees_only_duplicates_it_may_open(
    client_for, handler, district, original, repeat
):
    # the handler's department leads the original only; the repeat is dispatched to it too
    from qinqing.appeals.models import Assignment

    Assignment.objects.create(appeal=repeat, department=district.dept, role=Assignment.Role.LEAD)
    hidden = make_appeal(
        district.street, title="厂区停电三天", text=POWER, department=district.other_dept
    )
    body = (
        client_for(handler)
        .get(reverse("analytics:appeal_duplicates", args=[repeat.pk]))
        .content.decode()
    )
    assert original.number in body and hidden.number not in body
    assert "mark_duplicate-original" not in body


def test_other_department_cannot_open_duplicates_of_an_appeal_it_does_not_handle(
    client_for, other_handler, repeat
):
    response = client_for(other_handler).get(
        reverse("analytics:appeal_duplicates", args=[repeat.pk])
    )
    assert response.status_code == 404


def test_enterprise_cannot_list_duplicates_of_its_own_appeal(client_for, enterprise_user_a, repeat):
    response = client_for(enterprise_user_a).get(
        reverse("analytics:appeal_duplicates", args=[repeat.pk])
    )
    assert response.status_code == 403
