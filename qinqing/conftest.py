"""Personas and fixtures shared by every app's tests."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from qinqing.accounts.models import Membership, Organisation, OrgKind, Role, User
from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import make_uscc

PASSWORD = "Test-Passw0rd!"  # noqa: S105


@dataclass
class District:
    district: Organisation
    street: Organisation
    other_street: Organisation
    dept: Organisation  # the assigned department
    other_dept: Organisation
    window: Organisation  # a window under dept


def make_org(code: str, name: str, kind: str, parent: Organisation | None = None) -> Organisation:
    return Organisation.objects.create(code=code, name=name, kind=kind, parent=parent)


def make_user(
    username: str,
    *,
    role: str | None = None,
    org: Organisation | None = None,
    uscc: str = "",
    **extra: object,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=extra.pop("full_name", username),
        uscc=uscc,
        **extra,
    )
    if role and org:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def district(db: None) -> District:
    root = make_org("511602", "广安区", OrgKind.DIVISION)
    street = make_org("511602001", "北辰街道", OrgKind.DIVISION, root)
    other_street = make_org("511602002", "广福街道", OrgKind.DIVISION, root)
    dept = make_org("D-JXJ", "经信局", OrgKind.DEPARTMENT, root)
    other_dept = make_org("D-SCJ", "市场监管局", OrgKind.DEPARTMENT, root)
    window = make_org("W-01", "经信局窗口", OrgKind.WINDOW, dept)
    return District(root, street, other_street, dept, other_dept, window)


@pytest.fixture
def enterprise_a(db: None, district: District) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("91511602000000001"), name="甲公司", division=district.street
    )


@pytest.fixture
def enterprise_b(db: None, district: District) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("91511602000000002"), name="乙公司", division=district.other_street
    )


@pytest.fixture
def enterprise_user_a(enterprise_a: Enterprise) -> User:
    return make_user("ent_a", uscc=enterprise_a.uscc, full_name="甲企业用户")


@pytest.fixture
def enterprise_user_b(enterprise_b: Enterprise) -> User:
    return make_user("ent_b", uscc=enterprise_b.uscc, full_name="乙企业用户")


@pytest.fixture
def handler(district: District) -> User:
    return make_user("handler", role=Role.HANDLER, org=district.dept, full_name="张承办")


@pytest.fixture
def dept_head(district: District) -> User:
    return make_user("head", role=Role.DEPT_HEAD, org=district.dept, full_name="周局长")


@pytest.fixture
def other_handler(district: District) -> User:
    return make_user(
        "other_handler", role=Role.HANDLER, org=district.other_dept, full_name="孙其他"
    )


@pytest.fixture
def intake(district: District) -> User:
    return make_user("intake", role=Role.INTAKE_OPERATOR, org=district.district, full_name="陈受理")


@pytest.fixture
def supervisor(district: District) -> User:
    return make_user("supervisor", role=Role.SUPERVISOR, org=district.district, full_name="赵督办")


@pytest.fixture
def leader(district: District) -> User:
    return make_user("leader", role=Role.LEADER, org=district.district, full_name="李领导")


@pytest.fixture
def policy_officer(district: District) -> User:
    return make_user("policy", role=Role.POLICY_OFFICER, org=district.district, full_name="黄政策")


@pytest.fixture
def admin_user(district: District) -> User:
    return make_user(
        "admin", role=Role.ADMIN, org=district.district, full_name="王管理", is_staff=True
    )


@pytest.fixture
def client_for(db: None):  # type: ignore[no-untyped-def]
    """client_for(user) -> a test Client logged in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The UI is tested in Chinese: compile any .po newer than its .mo first."""
    from pathlib import Path

    import polib
    from django.conf import settings

    from qinqing.core.management.commands.compile_translations import po_files

    for po_path in po_files(Path(settings.BASE_DIR)):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


# Rows that data migrations seed, and a model whose emptiness shows they are gone.
_SEEDS = [
    ("qinqing.appeals.migrations.0002_seed_categories_ladder_limits", "appeals.Category"),
    ("qinqing.assessment.migrations.0002_seed_yongchuan_scheme", "assessment.Scheme"),
]


@pytest.fixture(autouse=True)
def _seeded_rows_survive_flushes(request: pytest.FixtureRequest) -> None:
    """Tests that commit for real (transaction=True, live_server) flush every table when
    they end, and with it the rows data migrations seeded; put them back for the tests
    that follow, as a migrated database has them."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if request.node.get_closest_marker("browser") is not None or "server" in names:
        return  # live-server tests commit from another thread; they set up their own data
    if marker is not None:
        wanted = "transactional_db" if marker.kwargs.get("transaction") else "db"
    elif names & {"transactional_db", "live_server"}:
        wanted = "transactional_db"
    elif "db" in names:
        wanted = "db"
    else:
        return  # no database in this test (or one it asks for later, which sets up itself)
    import importlib

    from django.apps import apps

    request.getfixturevalue(wanted)
    for module_path, model_label in _SEEDS:
        if not apps.get_model(model_label).objects.exists():
            importlib.import_module(module_path).seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """The working-day calendar is kept per process (workdays.services); a test's rows
    are rolled back when it ends, so every test starts without a kept copy."""
    from qinqing.workdays.services import forget_calendar

    forget_calendar()
    yield
    forget_calendar()
