"""Create (or bring up to date) the demo district: a year of its life, lived through the
real services at their own moments (qinqing/demo/clock.py). Safe to run again:
everything is looked up by its code, username or idempotency key first."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from qinqing.accounts.models import Membership, Organisation, OrgKind, Role, User
from qinqing.demo import district as d
from qinqing.demo import oversight, policies, ratings, registry
from qinqing.demo.appeals import seed_appeals
from qinqing.demo.catalog import seed_catalog
from qinqing.demo.clock import DemoClock
from qinqing.demo.liaison import seed_liaison
from qinqing.demo.projects import seed_projects
from qinqing.demo.tasklist import seed_tasklist
from qinqing.enterprises.models import Enterprise

DEMO_PASSWORD = d.DEMO_PASSWORD


class Command(BaseCommand):
    help = "Create the demo district with a year of history (development only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enterprises", type=int, default=300)
        parser.add_argument("--appeals", type=int, default=720, help="appeals over 12 months")
        parser.add_argument(
            "--ratings", type=int, default=40, help="window and online ratings a month"
        )
        parser.add_argument(
            "--monitored", type=int, default=80, help="enterprises reporting monthly indicators"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        phases = Phases()
        with transaction.atomic():
            orgs = self.seed_organisations()
            self.seed_people(orgs)
            phases.done("people")
            with DemoClock() as clock:
                summary = seed_world(clock, orgs, options, phases)
        phases.done("commit")
        if options["verbosity"] >= 2:
            for name, seconds in phases.seconds.items():
                self.stdout.write(f"{name}: {seconds:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：{len(orgs)} 个组织，{User.objects.count()} 个账号，"
                f"{Enterprise.objects.count()} 家企业，新增演示诉求 {summary['appeals']} 件，"
                f"政策事项 {summary['policies']} 项，用时 {time.perf_counter() - started:.0f} 秒"
            )
        )
        self.stdout.write(f"演示账号的密码均为 {DEMO_PASSWORD}")

    def seed_organisations(self) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        code, name = d.DISTRICT
        orgs[code] = _org(code, name, OrgKind.DIVISION, None)
        for code, name in d.STREETS:
            orgs[code] = _org(code, name, OrgKind.DIVISION, orgs[d.DISTRICT[0]])
        for code, name, short, phone in d.DEPARTMENTS:
            orgs[code] = _org(
                code, name, OrgKind.DEPARTMENT, orgs[d.DISTRICT[0]], short=short, phone=phone
            )
        for code, name, dept in d.WINDOWS:
            orgs[code] = _org(code, name, OrgKind.WINDOW, orgs[dept])
        return orgs

    def seed_people(self, orgs: dict[str, Organisation]) -> None:
        people = [*d.PEOPLE, *((u, n, Role.HANDLER, o) for u, n, o in d.DEPARTMENT_HANDLERS)]
        for username, full_name, role, org_code in people:
            user = _user(
                username, full_name, is_staff=(role == "admin"), is_superuser=(role == "admin")
            )
            Membership.objects.get_or_create(user=user, organisation=orgs[org_code], role=role)


class Phases:
    """Seconds spent in each part of the seed, shown with -v 2."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._last
        self._last = now


def seed_world(
    clock: DemoClock, orgs: dict[str, Organisation], options: dict[str, Any], phases: Phases
) -> dict[str, int]:
    admin = User.objects.get(username="admin")
    departments = {code: org for code, org in orgs.items() if org.kind == OrgKind.DEPARTMENT}
    streets = [orgs[code] for code, _ in d.STREETS]
    # The registry as it stood when the year began.
    clock.at(clock.office_time(clock.today.replace(day=1).replace(year=clock.today.year - 1)))
    registry.seed_enterprises(options["enterprises"], streets, admin)
    enterprises = list(Enterprise.objects.order_by("uscc")[: options["enterprises"]])
    first, second = enterprises[:2]
    _user("enterprise", "刘企业", uscc=first.uscc)
    _user("enterprise2", "钱经理", uscc=second.uscc)
    registry.seed_year_facts(enterprises, admin)
    registry.seed_qualifications(enterprises, admin)
    clock.back_to_now()
    monitored = [e for e in enterprises if e.industry_code[:1] in "CEG"][: options["monitored"]]
    registry.seed_indicators(monitored, clock.today)
    registry.seed_warnings(clock.today, User.objects.get(username="supervisor"))
    phases.done("registry")

    appeals = seed_appeals(options["appeals"], clock)
    phases.done("appeals")
    summary = policies.seed_policies(
        clock,
        officer=User.objects.get(username="policy"),
        approver=User.objects.get(username="policy2"),
        window=User.objects.get(username="intake2"),
        departments=departments,
    )
    phases.done("policies")
    cast = ratings.rating_cast(departments)
    ratings.seed_service_ratings(cast, clock, per_month=options["ratings"])
    ratings.work_through_rectifications(cast, clock)
    phases.done("ratings")
    # liaison and catalog add their demo here, one line each (qinqing/demo/<app>.py).
    seed_catalog()
    phases.done("catalog")
    seed_projects(clock)
    phases.done("projects")
    seed_liaison(clock)
    phases.done("liaison")
    seed_tasklist(clock)
    phases.done("tasklist")

    district = orgs[d.DISTRICT[0]]
    leader = User.objects.get(username="leader")
    oversight.seed_hotspots_and_topics(clock, leader=leader, district=district)
    oversight.seed_seasonal_warnings(clock)
    oversight.seed_assessment(clock, admin=admin, departments=list(departments.values()))
    phases.done("oversight")
    oversight.train_router()
    phases.done("router")
    oversight.refresh_cockpit(clock.today)
    phases.done("cockpit")
    return {"appeals": appeals, "policies": summary["published"]}


def _org(
    code: str, name: str, kind: str, parent: Organisation | None, short: str = "", phone: str = ""
) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "short_name": short,
            "phone": phone,
        },
    )
    return org


def _user(
    username: str,
    full_name: str,
    *,
    is_staff: bool = False,
    is_superuser: bool = False,
    uscc: str = "",
) -> User:
    user, created = User.objects.get_or_create(username=username)
    user.full_name = full_name
    user.uscc = uscc
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    if created:
        user.password = d.demo_password_hash()
    user.save()
    return user
