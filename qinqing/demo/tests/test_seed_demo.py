import pytest
from django.core.management import call_command

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.accounts.permissions import roles_of
from qinqing.appeals.models import Appeal, AppealEvent, Status
from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import is_valid_uscc

pytestmark = pytest.mark.django_db


def test_demo_creates_every_role_and_can_run_again() -> None:
    def counts() -> tuple[int, ...]:
        return (
            Organisation.objects.count(),
            User.objects.count(),
            Enterprise.objects.count(),
            Membership.objects.count(),
            Appeal.objects.count(),
            AppealEvent.objects.count(),
        )

    call_command("seed_demo", "--enterprises", "40", "--appeals", "24", verbosity=0)
    first = counts()
    call_command("seed_demo", "--enterprises", "40", "--appeals", "24", verbosity=0)
    assert counts() == first
    # the liaison demo adds the appeals its cadres and activities raised on top of the 24
    from qinqing.liaison.models import Difficulty

    raised = Difficulty.objects.filter(appeal__isnull=False).values("appeal_id")
    assert Appeal.objects.exclude(pk__in=raised).count() == 24
    # the demo shows the loop at several stages, closed ones included
    assert {Status.REGISTERED, Status.DISPATCHED, Status.CLOSED} <= set(
        Appeal.objects.values_list("status", flat=True)
    )
    held = set().union(*(roles_of(u) for u in User.objects.all()))
    assert held == {r.value for r in Role}
    assert all(is_valid_uscc(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.count() == 40
    assert len(set(Enterprise.objects.values_list("name", flat=True))) == 40
    enterprise_user = User.objects.get(username="enterprise")
    assert Enterprise.objects.filter(uscc=enterprise_user.uscc).exists()
