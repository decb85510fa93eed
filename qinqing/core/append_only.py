"""Append-only in the database on SQLite, the embedded default.

PostgreSQL gets its triggers from migration core/0004. On SQLite every table of an
`AppendOnlyModel` gets two triggers that RAISE(ABORT) on UPDATE and DELETE. They are
derived from the models and (re)installed after every `migrate` (post_migrate), because
SQLite rebuilds a table to alter it and a rebuilt table has lost its triggers; a trigger
whose text differs from the wanted one (a column was added) is replaced.

One UPDATE is allowed, as on PostgreSQL: a foreign key declared ON DELETE SET NULL may be
cleared when the row it names is deleted (an audit row outlives the account it recorded);
every other column must stay as it was.

The only sanctioned way to empty these tables is the `flush` management command (test
teardown, a fresh development database): `lifted()` drops the triggers around it and puts
them back, in the same transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from qinqing.core.models import AppendOnlyModel

SUFFIXES = ("_append_only_update", "_append_only_delete")


def append_only_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def _set_null_columns(model: type[models.Model]) -> list[str]:
    return [
        str(f.column)
        for f in model._meta.concrete_fields
        if f.is_relation and getattr(f.remote_field, "on_delete", None) is models.SET_NULL
    ]


def sqlite_triggers(model: type[models.Model]) -> dict[str, str]:
    """Trigger name -> CREATE TRIGGER statement for one append-only model."""
    table = model._meta.db_table
    nullable = _set_null_columns(model)
    when = ""
    if nullable:
        kept = [
            f"OLD.{f.column} IS NEW.{f.column}"
            for f in model._meta.concrete_fields
            if f.column not in nullable
        ]
        cleared = [f"(NEW.{c} IS NULL OR NEW.{c} IS OLD.{c})" for c in nullable]
        when = " WHEN NOT (" + " AND ".join(kept + cleared) + ")"
    raise_ = "SELECT RAISE(ABORT, 'append-only table {table}: {op} refused');"
    return {
        f"{table}_append_only_update": (
            f"CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}{when} "
            f"BEGIN {raise_.format(table=table, op='UPDATE')} END"
        ),
        f"{table}_append_only_delete": (
            f"CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table} "
            f"BEGIN {raise_.format(table=table, op='DELETE')} END"
        ),
    }


def installed_triggers(connection: BaseDatabaseWrapper) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {name: sql for name, sql in cursor.fetchall() if name.endswith(SUFFIXES)}


def install(connection: BaseDatabaseWrapper) -> int:
    """Create or replace the SQLite triggers; returns how many were (re)created."""
    if connection.vendor != "sqlite":
        return 0
    present = installed_triggers(connection)
    tables = set(connection.introspection.table_names())
    changed = 0
    with connection.cursor() as cursor:
        for model in append_only_models():
            if model._meta.db_table not in tables:
                continue
            for name, sql in sqlite_triggers(model).items():
                if present.get(name) == sql:
                    continue
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(sql)
                changed += 1
    return changed


def install_after_migrate(*, using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    install(connections[using])


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop the SQLite triggers for the body (the flush command), then put them back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for name in installed_triggers(connection):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        install(connection)


def postgres_guard(*tables: str) -> Any:
    """A migration operation that puts the append-only trigger of core/0004 on `tables`
    (PostgreSQL; SQLite gets its triggers from `install`). An app migration that uses it
    also lists the tables in APPEND_ONLY_TABLES, which the core test reads."""
    from django.db import migrations

    def protect(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION qinqing_append_only();",
                params=None,
            )

    def unprotect(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return migrations.RunPython(protect, unprotect, elidable=False)
