"""The permission matrix: a cadre sees only their enterprises; an enterprise only its own
cadres and scores only its own; officers set up; leaders read."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from qinqing.liaison import selectors, services, stationing
from qinqing.liaison.models import Liaison

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(supervisor, cadre, other_cadre, enterprise_a, enterprise_b, today):
    services.assign_liaison(
        enterprise_a, actor=supervisor, role="contact", cadre=cadre, starts_on=today
    )
    services.assign_liaison(
        enterprise_b, actor=supervisor, role="leader", cadre=other_cadre, starts_on=today
    )
    for who, enterprise in ((cadre, enterprise_a), (other_cadre, enterprise_b)):
        services.record_visit(
            enterprise, actor=who, visited_on=today, people_met="x", discussion="y"
        )


def test_cadre_sees_only_their_enterprises_and_visits(setup, cadre, enterprise_a):
    assert list(selectors.enterprises_visible_to(cadre)) == [enterprise_a]
    assert {v.enterprise_id for v in selectors.visits_visible_to(cadre)} == {enterprise_a.pk}
    assert {a.enterprise_id for a in selectors.liaisons_visible_to(cadre)} == {enterprise_a.pk}


def test_leader_sees_every_visit_in_the_district(setup, leader):
    assert selectors.visits_visible_to(leader).count() == 2
    assert selectors.oversees(leader) and not selectors.is_officer(leader)


def test_enterprise_sees_only_its_own_cadres(
    setup, stay, finished_stay, enterprise_user_a, enterprise_user_b
):
    assert selectors.stays_visible_to(enterprise_user_a).count() == 2
    assert selectors.stays_visible_to(enterprise_user_b).count() == 0
    assert {a.enterprise.uscc for a in selectors.liaisons_visible_to(enterprise_user_b)} == {
        enterprise_user_b.uscc
    }


def test_ended_assignment_no_longer_opens_the_enterprise(supervisor, cadre, enterprise_a, today):
    liaison = services.assign_liaison(
        enterprise_a,
        actor=supervisor,
        role="contact",
        cadre=cadre,
        starts_on=today - dt.timedelta(days=30),
    )
    services.end_liaison(liaison, actor=supervisor, on=today - dt.timedelta(days=1))
    assert not selectors.may_work_with(cadre, enterprise_a)


def test_only_officers_assign_and_set_up_rounds(cadre, leader, enterprise_a, today):
    for who in (cadre, leader):
        with pytest.raises(PermissionDenied):
            services.assign_liaison(
                enterprise_a, actor=who, role="contact", cadre=cadre, starts_on=today
            )
        with pytest.raises(PermissionDenied):
            stationing.create_round(actor=who, name="x", starts_on=today, ends_on=today)
    assert not Liaison.objects.exists()


def test_enterprise_user_cannot_be_a_liaison_cadre(
    supervisor, enterprise_user_a, enterprise_a, today
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="政府工作人员"):
        services.assign_liaison(
            enterprise_a, actor=supervisor, role="contact", cadre=enterprise_user_a, starts_on=today
        )


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("cadre", "/liaison/", 200),
        ("cadre", "/liaison/overview/", 403),
        ("cadre", "/liaison/coverage/", 403),
        ("cadre", "/liaison/requests/", 403),
        ("enterprise_user_a", "/liaison/visits/", 403),
        ("enterprise_user_a", "/liaison/my-cadres/", 200),
        ("leader", "/liaison/overview/", 200),
        ("leader", "/liaison/coverage/", 200),
        ("supervisor", "/liaison/assignments/", 200),
        ("cadre", "/liaison/my-cadres/", 403),
    ],
)
def test_page_access(request, client_for, who, url, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get(url).status_code == status


def test_other_cadre_cannot_open_someone_elses_stay_page(
    client_for, stay, other_cadre, cadre, enterprise_user_b
):
    assert client_for(cadre).get(f"/liaison/stays/{stay.pk}/").status_code == 200
    assert client_for(other_cadre).get(f"/liaison/stays/{stay.pk}/").status_code == 404
    assert client_for(enterprise_user_b).get(f"/liaison/stays/{stay.pk}/").status_code == 404


def test_enterprise_b_cannot_open_the_score_page_of_a_stay_at_a(
    client_for, finished_stay, enterprise_user_b
):
    response = client_for(enterprise_user_b).get(f"/liaison/stays/{finished_stay.pk}/score/")
    assert response.status_code == 404
