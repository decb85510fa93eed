"""History cannot be rewritten: not through the admin, not through QuerySet.update() or
delete(), not through SQL (on PostgreSQL a trigger guards every audit and event table)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from qinqing.core.audit import record_audit
from qinqing.core.models import AppendOnlyModel, AuditEvent
from qinqing.enterprises import events as enterprise_events
from qinqing.enterprises.models import EnterpriseEvent

pytestmark = pytest.mark.django_db
TRIGGERS = importlib.import_module("qinqing.core.migrations.0004_append_only_triggers")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's"
)


def append_only_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def guarded_tables() -> set[str]:
    """Tables of core's trigger migration and of every app's own `*_append_only`
    migration (an app added after core's names its one TABLE)."""
    guarded = set(TRIGGERS.TABLES)
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        for path in folder.glob("*_append_only*.py") if folder.is_dir() else []:
            module = importlib.import_module(f"{config.name}.migrations.{path.stem}")
            guarded |= set(getattr(module, "TABLES", ())) | {getattr(module, "TABLE", "")}
    return guarded


def test_every_append_only_table_is_guarded_by_the_trigger_migration() -> None:
    tables = {m._meta.db_table for m in append_only_models()}
    guarded = guarded_tables()
    assert tables <= guarded, "add these tables to a trigger migration: " + ", ".join(
        sorted(tables - guarded)
    )


def test_no_admin_may_add_change_or_delete_an_event_or_audit_row(admin_user) -> None:
    admin_user.is_superuser = True
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    registered = [m for m in append_only_models() if m in admin.site._registry]
    assert EnterpriseEvent in registered and AuditEvent in registered
    for model in registered:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


@postgres_only
def test_a_queryset_update_of_the_audit_log_is_refused_by_the_database() -> None:
    record_audit(AuditEvent.Kind.DENIED, username="mallory", action="view:x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(username="someone-else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().username == "mallory"


@postgres_only
def test_a_queryset_update_or_delete_of_a_timeline_is_refused_by_the_database(
    enterprise_a,
) -> None:
    enterprise_events.record(enterprise_a, "profile_changed", actor=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EnterpriseEvent.objects.update(kind="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EnterpriseEvent.objects.all().delete()
    assert EnterpriseEvent.objects.get().kind == "profile_changed"


@postgres_only
def test_deleting_a_user_still_clears_the_user_on_their_audit_rows(district) -> None:
    from qinqing.conftest import make_user

    user = make_user("leaver")
    record_audit(AuditEvent.Kind.LOGIN, user=user)
    user.delete()
    row = AuditEvent.objects.get()
    assert row.user_id is None and row.username == "leaver"
