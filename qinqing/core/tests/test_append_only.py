"""History cannot be rewritten: not through the admin, not through QuerySet.update() or
delete(), not through SQL: a trigger guards every audit and event table, on PostgreSQL
(migration core/0004) and on SQLite (core/append_only.py, installed after migrate)."""

import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from qinqing.core import append_only
from qinqing.core.audit import record_audit
from qinqing.core.models import AppendOnlyModel, AuditEvent
from qinqing.enterprises import events as enterprise_events
from qinqing.enterprises.models import EnterpriseEvent

pytestmark = pytest.mark.django_db
TRIGGERS = importlib.import_module("qinqing.core.migrations.0004_append_only_triggers")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")


def append_only_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def guarded_tables() -> set[str]:
    """core's trigger migration, and any app migration that lists APPEND_ONLY_TABLES
    and creates the same trigger on them (core.append_only.postgres_guard)."""
    import sys

    from django.db.migrations.loader import MigrationLoader

    tables = set(TRIGGERS.TABLES)
    for migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values():
        module = sys.modules[type(migration).__module__]
        tables |= set(getattr(module, "APPEND_ONLY_TABLES", ()))
    return tables


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


def test_a_queryset_update_of_the_audit_log_is_refused_by_the_database() -> None:
    record_audit(AuditEvent.Kind.DENIED, username="mallory", action="view:x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(username="someone-else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().username == "mallory"


def test_a_queryset_update_or_delete_of_a_timeline_is_refused_by_the_database(
    enterprise_a,
) -> None:
    enterprise_events.record(enterprise_a, "profile_changed", actor=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EnterpriseEvent.objects.update(kind="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EnterpriseEvent.objects.all().delete()
    assert EnterpriseEvent.objects.get().kind == "profile_changed"


def test_deleting_a_user_still_clears_the_user_on_their_audit_rows(district) -> None:
    from qinqing.conftest import make_user

    user = make_user("leaver")
    record_audit(AuditEvent.Kind.LOGIN, user=user)
    user.delete()
    row = AuditEvent.objects.get()
    assert row.user_id is None and row.username == "leaver"


@sqlite_only
def test_every_append_only_table_has_its_sqlite_triggers_as_wanted() -> None:
    present = append_only.installed_triggers(connection)
    for model in append_only.append_only_models():
        for name, sql in append_only.sqlite_triggers(model).items():
            assert present.get(name) == sql, name
    assert append_only.install(connection) == 0  # idempotent: nothing left to (re)create


def test_a_queryset_update_of_an_event_table_fails(enterprise_a) -> None:
    """The regression of issue 15 on the embedded default: update() bypasses save()."""
    enterprise_events.record(enterprise_a, "profile_changed", actor=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EnterpriseEvent.objects.filter(enterprise=enterprise_a).update(kind="forged")
    assert EnterpriseEvent.objects.get().kind == "profile_changed"


@sqlite_only
def test_a_rebuilt_table_gets_its_triggers_back_after_migrate() -> None:
    """SQLite alters a table by rebuilding it, which drops its triggers; post_migrate
    puts them back."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_auditevent_append_only_update")
    call_command("migrate", verbosity=0)
    assert "core_auditevent_append_only_update" in append_only.installed_triggers(connection)


@pytest.mark.django_db(transaction=True)
def test_flush_is_the_sanctioned_path_that_empties_the_logs_and_keeps_the_guard() -> None:
    record_audit(AuditEvent.Kind.DENIED, username="mallory", action="view:x")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record_audit(AuditEvent.Kind.DENIED, username="mallory", action="view:x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
