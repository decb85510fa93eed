"""Who may see and act on which matter: the applicant, the department, oversight."""

import pytest
from django.http import Http404

from qinqing.catalog import selectors, services
from qinqing.catalog.models import MatterChannel
from qinqing.catalog.tests.factories import make_item
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(district, enterprise_user_a):
    return services.apply_for_item(make_item(district.dept), actor=enterprise_user_a)


def test_the_applicant_and_the_department_see_the_matter(
    matter, enterprise_user_a, handler, dept_head
):
    for user in (enterprise_user_a, handler, dept_head):
        assert selectors.access_matter(user, matter.pk) == matter
        assert list(selectors.matters_visible_to(user)) == [matter]


def test_supervisors_and_leaders_see_every_department(matter, supervisor, leader):
    for user in (supervisor, leader):
        assert list(selectors.matters_visible_to(user)) == [matter]


def test_another_enterprise_cannot_see_the_matter_and_the_attempt_is_audited(
    matter, enterprise_user_b
):
    assert not selectors.matters_visible_to(enterprise_user_b).exists()
    with pytest.raises(Http404):
        selectors.access_matter(enterprise_user_b, matter.pk)
    assert AuditEvent.objects.filter(
        kind="denied", user=enterprise_user_b, detail__matter=matter.pk
    ).exists()


def test_another_department_cannot_see_or_accept_the_matter(matter, other_handler):
    assert not selectors.matters_visible_to(other_handler).exists()
    with pytest.raises(Http404):
        services.accept_matter(matter, actor=other_handler)


def test_the_applicant_cannot_accept_their_own_matter(matter, enterprise_user_a):
    with pytest.raises(services.PermissionDenied):
        services.accept_matter(matter, actor=enterprise_user_a)
    assert AuditEvent.objects.filter(kind="denied", detail__action="catalog:accept").exists()


def test_only_the_items_department_or_the_intake_window_register_for_someone(
    district, enterprise_a, other_handler, intake, handler
):
    item = make_item(district.dept)
    with pytest.raises(services.PermissionDenied):
        services.apply_for_item(
            item, actor=other_handler, channel=MatterChannel.WINDOW, applicant_name="甲公司"
        )
    for staff in (intake, handler):
        matter = services.apply_for_item(
            item,
            actor=staff,
            channel=MatterChannel.PROXY,
            enterprise=enterprise_a,
            applicant_name="甲公司",
        )
        assert matter.registered_by == staff and matter.enterprise == enterprise_a


def test_an_enterprise_user_sees_matters_registered_for_their_enterprise_at_a_window(
    district, enterprise_a, enterprise_user_a, enterprise_user_b, handler
):
    item = make_item(district.dept)
    matter = services.apply_for_item(
        item,
        actor=handler,
        channel=MatterChannel.WINDOW,
        enterprise=enterprise_a,
        applicant_name="甲公司",
    )
    assert list(selectors.matters_visible_to(enterprise_user_a)) == [matter]
    assert not selectors.matters_visible_to(enterprise_user_b).exists()
