"""Create (or bring up to date) the demo district. Safe to run again: everything is
looked up by its code or username first."""

import datetime as dt
import random
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Membership, Organisation, OrgKind, User
from qinqing.demo import district as d
from qinqing.demo.appeals import seed_appeals
from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import make_uscc

DEMO_PASSWORD = "Demo@2026qq"  # noqa: S105 (printed for the demo; documented in the README)


class Command(BaseCommand):
    help = "Create the demo district, people of every role and enterprises (development only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enterprises", type=int, default=300)
        parser.add_argument("--appeals", type=int, default=36)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        orgs = self.seed_organisations()
        self.seed_people(orgs)
        count = self.seed_enterprises(orgs, options["enterprises"])
        appeals = seed_appeals(options["appeals"])
        refresh_cockpit()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：{len(orgs)} 个组织，{User.objects.count()} 个账号，{count} 家企业，"
                f"新增演示诉求 {appeals} 件"
            )
        )
        self.stdout.write(f"演示账号的密码均为 {DEMO_PASSWORD}")
        call_command("train_router", "--from-history", "--if-enough", stdout=self.stdout)  # seams

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
        for username, full_name, role, org_code in d.PEOPLE:
            user = _user(
                username, full_name, is_staff=(role == "admin"), is_superuser=(role == "admin")
            )
            Membership.objects.get_or_create(user=user, organisation=orgs[org_code], role=role)

    def seed_enterprises(self, orgs: dict[str, Organisation], count: int) -> int:
        rng = random.Random(2026)
        divisions = [orgs[code] for code, _ in d.STREETS]
        existing = set(Enterprise.objects.values_list("uscc", flat=True))
        names: set[str] = set()
        new: list[Enterprise] = []
        for i in range(count):
            industry, word, _ = d.INDUSTRIES[i % len(d.INDUSTRIES)]
            # 9 (market regulation) 1 (company) 511602 (division) + a 9-character body
            uscc = make_uscc(f"91511602{i:09d}")
            name = _unique(f"广安{d.NAME_WORDS[(i * 7) % len(d.NAME_WORDS)]}{word}有限公司", names)
            surname = d.SURNAMES[rng.randrange(len(d.SURNAMES))]
            enterprise = Enterprise(
                uscc=uscc,
                name=name,
                division=rng.choice(divisions),
                industry_code=industry,
                legal_form=rng.choice(d.LEGAL_FORMS),
                registered_on=dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000)),
                address=f"广安区{rng.choice(d.NAME_WORDS)}路{rng.randrange(1, 300)}号",
                contact_name=surname + d.GIVEN[rng.randrange(len(d.GIVEN))],
                contact_phone=f"13{rng.randrange(10)}{rng.randrange(10**8):08d}",
            )
            if uscc not in existing:
                new.append(enterprise)
        Enterprise.objects.bulk_create(new, batch_size=500)
        first, second = Enterprise.objects.order_by("uscc")[:2]
        _user("enterprise", "刘企业", uscc=first.uscc)
        _user("enterprise2", "钱经理", uscc=second.uscc)
        return Enterprise.objects.count()


def refresh_cockpit() -> None:
    """The cockpit reads daily rollups that the worker refreshes every few minutes; build
    them now so that the demo's cockpit is filled at first sight."""
    from qinqing.analytics.cockpit import refresh_rollups

    today = timezone.localdate()
    refresh_rollups(today - dt.timedelta(days=400), today)


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = name.replace("有限公司", f"（{n}）有限公司")
    seen.add(candidate)
    return candidate


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
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user
