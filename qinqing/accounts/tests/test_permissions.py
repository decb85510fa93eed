"""The permission module, tested with people who may and people who may not."""

import pytest
from django.core.exceptions import PermissionDenied

from qinqing.accounts import permissions as perms
from qinqing.accounts.models import Organisation, Role
from qinqing.conftest import District, make_user
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_roles_come_from_memberships_and_the_credit_code(
    handler, enterprise_user_a, supervisor
) -> None:  # type: ignore[no-untyped-def]
    assert perms.roles_of(handler) == {Role.HANDLER}
    assert perms.roles_of(enterprise_user_a) == {Role.ENTERPRISE}
    assert perms.has_role(supervisor, Role.SUPERVISOR, Role.LEADER)
    assert not perms.has_role(handler, Role.SUPERVISOR)


def test_a_person_can_act_for_several_organisations(district: District) -> None:
    person = make_user("two_hats", role=Role.HANDLER, org=district.dept)
    from qinqing.accounts.models import Membership

    Membership.objects.create(user=person, organisation=district.street, role=Role.HANDLER)
    perms.forget_memberships(person)
    assert perms.organisations_for(person, Role.HANDLER) == sorted(
        [district.dept.pk, district.street.pk]
    )


def test_department_scope_covers_its_windows_but_not_other_departments(
    district: District, handler
) -> None:  # type: ignore[no-untyped-def]
    assert perms.org_in_scope(handler, district.dept)
    assert perms.org_in_scope(handler, district.window)
    assert not perms.org_in_scope(handler, district.other_dept)
    assert not perms.org_in_scope(handler, district.district)


def test_supervisor_scope_covers_the_whole_district(district: District, supervisor) -> None:  # type: ignore[no-untyped-def]
    ids = perms.scope_org_ids(supervisor, Role.SUPERVISOR)
    assert ids == set(Organisation.objects.values_list("pk", flat=True))


def test_scope_filter_selects_rows_under_the_users_organisations(
    district: District, handler
) -> None:  # type: ignore[no-untyped-def]
    visible = set(Organisation.objects.filter(perms.scope_filter(handler, Role.HANDLER, field="")))
    assert visible == {district.dept, district.window}
    # a role the person does not hold selects nothing
    assert not Organisation.objects.filter(
        perms.scope_filter(handler, Role.LEADER, field="")
    ).exists()


def test_enterprise_user_sees_only_its_own_enterprise(
    enterprise_user_a, enterprise_a, enterprise_b, handler
) -> None:  # type: ignore[no-untyped-def]
    assert perms.can_view_enterprise(enterprise_user_a, enterprise_a.uscc)
    assert not perms.can_view_enterprise(enterprise_user_a, enterprise_b.uscc)
    assert perms.can_view_enterprise(handler, enterprise_b.uscc)


def test_inactive_people_hold_no_roles(handler) -> None:  # type: ignore[no-untyped-def]
    handler.is_active = False
    perms.forget_memberships(handler)
    assert perms.roles_of(handler) == set()


def test_a_denial_is_written_to_the_audit_log(handler) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        perms.ensure(False, None, handler, "appeal:dispatch", appeal=7)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DENIED)
    assert event.user == handler
    assert event.detail == {"action": "appeal:dispatch", "appeal": 7}


def test_admin_back_office_is_closed_to_non_staff(client_for, handler, admin_user) -> None:  # type: ignore[no-untyped-def]
    assert client_for(handler).get("/admin/").status_code == 302
    assert client_for(admin_user).get("/admin/").status_code == 200
