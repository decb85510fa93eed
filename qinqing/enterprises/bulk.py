"""Bulk writes for imports: plain tuples in, no model instances.

On PostgreSQL rows are streamed with COPY into a temporary table and merged with one
INSERT ... ON CONFLICT or UPDATE ... FROM statement: tens of thousands of rows per second
where bulk_create/bulk_update spend most of their time building model instances and
(for bulk_update) a CASE WHEN per field that grows with the square of the batch. On other
databases (SQLite: the embedded default, small data) the ORM bulk methods are used.
Must be called inside a transaction (the temporary tables are dropped on commit)."""

import itertools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

_counter = itertools.count()


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]  # type: ignore[union-attr]


def _copy_into_temp(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> str:
    table = model._meta.db_table
    temp = f"_bulk_{table}_{next(_counter)}"
    cols = ", ".join(f'"{c}"' for c in _columns(model, names))
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE "{temp}" ON COMMIT DROP AS SELECT {cols} FROM "{table}" WITH NO DATA'  # noqa: S608
        )
        with cursor.copy(f'COPY "{temp}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    return temp


def upsert(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """Insert `rows` (tuples in the order of `names`, attnames such as enterprise_id);
    on a conflict on `conflict` update the `update` columns (or do nothing)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        if update:
            model._default_manager.bulk_create(
                objs, batch_size=500, update_conflicts=True,
                unique_fields=[n.removesuffix("_id") for n in conflict],
                update_fields=[n.removesuffix("_id") for n in update],
            )  # fmt: skip
        else:
            model._default_manager.bulk_create(objs, batch_size=500, ignore_conflicts=True)
        return
    connection.ensure_connection()
    temp = _copy_into_temp(model, names, rows)
    cols = ", ".join(f'"{c}"' for c in _columns(model, names))
    target = ", ".join(f'"{c}"' for c in _columns(model, conflict))
    if update:
        action = "DO UPDATE SET " + ", ".join(
            f'"{c}" = EXCLUDED."{c}"' for c in _columns(model, update)
        )
    else:
        action = "DO NOTHING"
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{model._meta.db_table}" ({cols}) SELECT {cols} FROM "{temp}" '  # noqa: S608
            f"ON CONFLICT ({target}) {action}"
        )
        cursor.execute(f'DROP TABLE "{temp}"')


def insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append rows (no conflicts expected): COPY straight into the table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=500
        )
        return
    connection.ensure_connection()
    cols = ", ".join(f'"{c}"' for c in _columns(model, names))
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f'COPY "{model._meta.db_table}" ({cols}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


def update_rows(
    model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]
) -> None:
    """Save `fields` of each object (their values differ per object)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, list(fields), batch_size=200)
        return
    pk = model._meta.pk
    assert pk is not None
    attnames = [pk.attname] + [model._meta.get_field(f).attname for f in fields]  # type: ignore[union-attr]
    update_values(model, attnames, [tuple(getattr(obj, a) for a in attnames) for obj in objs])


def update_values(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set columns by primary key: `attnames[0]` is the key, each row a tuple."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model._default_manager.bulk_update(objs, list(attnames[1:]), batch_size=200)
        return
    connection.ensure_connection()
    temp = _copy_into_temp(model, attnames, rows)
    columns = _columns(model, attnames)
    assignments = ", ".join(f'"{c}" = v."{c}"' for c in columns[1:])
    with connection.connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{model._meta.db_table}" AS t SET {assignments} FROM "{temp}" AS v '  # noqa: S608
            f'WHERE t."{columns[0]}" = v."{columns[0]}"'
        )
        cursor.execute(f'DROP TABLE "{temp}"')
