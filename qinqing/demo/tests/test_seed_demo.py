import pytest
from django.core.management import call_command

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.accounts.permissions import roles_of
from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import is_valid_uscc

pytestmark = pytest.mark.django_db


def test_demo_creates_every_role_and_can_run_again() -> None:
    call_command("seed_demo", "--enterprises", "40", verbosity=0)
    counts = (Organisation.objects.count(), User.objects.count(), Enterprise.objects.count(), Membership.objects.count())
    call_command("seed_demo", "--enterprises", "40", verbosity=0)
    assert (Organisation.objects.count(), User.objects.count(), Enterprise.objects.count(), Membership.objects.count()) == counts
    held = set().union(*(roles_of(u) for u in User.objects.all()))
    assert held == {r.value for r in Role}
    assert all(is_valid_uscc(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.count() == 40
    assert len(set(Enterprise.objects.values_list("name", flat=True))) == 40
    enterprise_user = User.objects.get(username="enterprise")
    assert Enterprise.objects.filter(uscc=enterprise_user.uscc).exists()
