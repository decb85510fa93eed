"""A new row and its first child row in one INSERT statement on PostgreSQL.

Model.save() compiles its INSERT anew on every call (field lists, quoting, placeholders)
and a transaction around two saves costs two more round trips (BEGIN, COMMIT). On the
intake that was a third of the request. Here the statement is built once per pair of
models, and each row only asks its fields for their values, exactly as save() does
(`pre_save` sets auto_now timestamps, `get_db_prep_save` adapts the value), so a field
added to a model is written without a change here.

One statement (a data-modifying WITH) is atomic by itself: outside a transaction it
needs no BEGIN and COMMIT; inside the caller's transaction it runs in a savepoint, so a
unique violation leaves the caller's transaction usable, as `transaction.atomic()` would.
Other databases (SQLite) save both rows with the ORM in one transaction.

No save signals are sent: nothing in the project reacts to them (effects across modules
go through explicit hooks, see DESIGN.md), and the bulk paths send none either.
"""

from contextlib import nullcontext
from functools import cache
from typing import Any

from django.db import connection, models, transaction


@cache
def _plan(parent_model: type[models.Model], child_model: type[models.Model], link: str) -> Any:
    """The statement for (parent, child) and the fields whose values fill it."""

    def quote(name: str | None) -> str:
        assert name
        return connection.ops.quote_name(name)

    link_field: Any = child_model._meta.get_field(link)

    def written(model: type[models.Model]) -> list[Any]:
        fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
        if any(f.has_db_default() or f.generated for f in fields):
            raise NotImplementedError(f"{model.__name__}: database defaults are not written here")
        return fields

    parent_fields = written(parent_model)
    child_fields = written(child_model)
    # Only names from the models' own metadata, quoted, go into the text; values are
    # parameters.
    parent_pk = quote(parent_model._meta.pk.column if parent_model._meta.pk else None)
    child_values = ", ".join(
        f"(SELECT {parent_pk} FROM new_parent)"  # noqa: S608
        if f is link_field
        else "%s"
        for f in child_fields
    )
    parent_columns = ", ".join(quote(f.column) for f in parent_fields)
    parent_values = ", ".join("%s" for _ in parent_fields)
    child_columns = ", ".join(quote(f.column) for f in child_fields)
    child_pk = quote(child_model._meta.pk.column if child_model._meta.pk else None)
    returning = f"{quote(link_field.column)}, {child_pk}"
    sql = " ".join(
        [
            f"WITH new_parent AS (INSERT INTO {quote(parent_model._meta.db_table)}",
            f"({parent_columns}) VALUES ({parent_values}) RETURNING {parent_pk})",
            f"INSERT INTO {quote(child_model._meta.db_table)} ({child_columns})",
            f"VALUES ({child_values}) RETURNING {returning}",
        ]
    )
    return sql, parent_fields, [f for f in child_fields if f is not link_field]


def _values(obj: models.Model, fields: list[Any]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


def insert_with_child(parent: models.Model, child: models.Model, *, link: str) -> None:
    """Insert the new `parent` and the new `child` whose foreign key `link` points at it,
    all or nothing; both get their primary keys. Raises IntegrityError (nothing written)
    when a constraint refuses either row."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            parent.save(force_insert=True)
            setattr(child, link, parent)
            child.save(force_insert=True)
        return
    sql, parent_fields, child_fields = _plan(type(parent), type(child), link)
    params = _values(parent, parent_fields) + _values(child, child_fields)
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    parent.pk, child.pk = row
    setattr(child, link, parent)
    for obj in (parent, child):
        obj._state.adding = False
        obj._state.db = connection.alias
