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

A `Serial` fills parent columns from one `nextval` taken in the same statement (the
appeal's number and the search text that starts with it), which spares the round trip
of asking for the number first; the values written come back and are set on the row.

On PostgreSQL the values travel apart from the statement (server-side binding) on a
cursor kept per connection, so the statement is prepared once per connection and not
parsed and planned per row (`_bound_cursor`).

No save signals are sent: nothing in the project reacts to them (effects across modules
go through explicit hooks, see DESIGN.md), and the bulk paths send none either.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, models, transaction

# Fields whose value of the given type (or None) is written as it is: for these exact
# classes `pre_save` is the attribute and `get_db_prep_save` hands such a value back
# unchanged, so the per-value calls through Django's field machinery are skipped.
# (Integer fields are not among them: on psycopg 3 Django wraps their values as Int2,
# Int4 or Int8; a key to an auto field is written as the int it is.)
_PLAIN_FIELDS: dict[type, type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
}
_PLAIN_KEYS = (models.AutoField, models.BigAutoField)


@dataclass(frozen=True)
class Serial:
    """Parent columns computed from one `nextval(sequence)` in the insert itself. Each
    column is (field name, SQL template, parameters): `{n}` in the template stands for
    the new serial, `%s` for the parameters in order."""

    sequence: str
    columns: tuple[tuple[str, str, tuple[Any, ...]], ...] = ()


@cache
def _plan(
    parent_model: type[models.Model],
    child_model: type[models.Model],
    link: str,
    computed: tuple[tuple[str, str], ...] = (),
) -> Any:
    """The statement for (parent, child) and the fields whose values fill it; `computed`
    (field name, SQL template) are parent columns a Serial fills."""

    def quote(name: str | None) -> str:
        assert name
        return connection.ops.quote_name(name)

    link_field: Any = child_model._meta.get_field(link)

    def written(model: type[models.Model]) -> list[Any]:
        fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
        if any(f.has_db_default() or f.generated for f in fields):
            raise NotImplementedError(f"{model.__name__}: database defaults are not written here")
        return fields

    templates = dict(computed)
    parent_fields = [f for f in written(parent_model) if f.name not in templates]
    serial_fields: list[Any] = [parent_model._meta.get_field(name) for name in templates]
    child_fields = written(child_model)
    # Only names from the models' own metadata, quoted, go into the text (and the
    # templates, which callers write as constants); values are parameters.
    parent_pk = quote(parent_model._meta.pk.column if parent_model._meta.pk else None)
    child_values = ", ".join(
        f"(SELECT {parent_pk} FROM new_parent)"  # noqa: S608
        if f is link_field
        else "%s"
        for f in child_fields
    )
    columns = [quote(f.column) for f in [*parent_fields, *serial_fields]]
    values = ["%s" for _ in parent_fields] + [
        templates[f.name].format(n="(SELECT n FROM serial)") for f in serial_fields
    ]
    child_columns = ", ".join(quote(f.column) for f in child_fields)
    child_pk = quote(child_model._meta.pk.column if child_model._meta.pk else None)
    returning = [quote(link_field.column), child_pk] + [
        f"(SELECT {quote(f.column)} FROM new_parent)"  # noqa: S608 - quoted model names
        for f in serial_fields
    ]
    # VALUES, not INSERT ... SELECT: each parameter takes its column's type (values are
    # bound apart from the text, see _bound_cursor); the serial is read by scalar
    # subqueries, and a WITH holding a volatile nextval runs once however often read
    serial_head = ["WITH serial AS (SELECT nextval(%s) AS n),"] if serial_fields else ["WITH"]
    head = [
        *serial_head,
        f"new_parent AS (INSERT INTO {quote(parent_model._meta.db_table)}",
        f"({', '.join(columns)}) VALUES ({', '.join(values)})",
        f"RETURNING {', '.join([parent_pk, *columns[len(parent_fields) :]])})",
    ]
    sql = " ".join(
        [
            *head,
            f"INSERT INTO {quote(child_model._meta.db_table)} ({child_columns})",
            f"VALUES ({child_values}) RETURNING {', '.join(returning)}",
        ]
    )
    child_written = [f for f in child_fields if f is not link_field]
    return sql, _preparers(parent_fields), _preparers(child_written), serial_fields


def _plain_type(f: Any) -> type | None:
    """The value type written unchanged for field `f`, or None (always prepared)."""
    if type(f) is models.ForeignKey:
        return int if type(f.target_field) in _PLAIN_KEYS else None
    return _PLAIN_FIELDS.get(type(f))


def _preparers(fields: list[Any]) -> list[tuple[Any, str, type | None]]:
    return [(f, f.attname, _plain_type(f)) for f in fields]


def _values(obj: models.Model, preparers: list[tuple[Any, str, type | None]]) -> list[Any]:
    """Each field's value as save() would write it (`pre_save`, `get_db_prep_save`)."""
    values = []
    for f, attname, plain in preparers:
        value = obj.__dict__.get(attname, f) if plain else f
        # a str subclass (a choices member) is written as CharField.to_python leaves it;
        # keys and booleans only as their exact type (True is no key)
        if value is None or type(value) is plain or (plain is str and isinstance(value, str)):
            values.append(value)
        else:
            values.append(f.get_db_prep_save(f.pre_save(obj, True), connection=connection))
    return values


def insert_with_child(
    parent: models.Model, child: models.Model, *, link: str, serial: Serial | None = None
) -> None:
    """Insert the new `parent` and the new `child` whose foreign key `link` points at it,
    all or nothing; both get their primary keys, and the parent the values `serial`
    computed. Raises IntegrityError (nothing written) when a constraint refuses either
    row, and DatabaseError when the serial's sequence does not exist. PostgreSQL only
    for a `serial` (other databases fill those fields before calling)."""
    if connection.vendor != "postgresql":
        if serial is not None:
            raise NotImplementedError("a Serial needs PostgreSQL's nextval")
        with transaction.atomic():
            parent.save(force_insert=True)
            setattr(child, link, parent)
            child.save(force_insert=True)
        return
    computed = tuple((name, template) for name, template, _ in serial.columns) if serial else ()
    sql, parent_prep, child_prep, serial_fields = _plan(type(parent), type(child), link, computed)
    # in the statement's order: the sequence, the parent's values then its computed
    # columns' parameters, the child's values
    params = _values(parent, parent_prep)
    if serial is not None:
        params = [serial.sequence, *params, *(p for *_, ps in serial.columns for p in ps)]
    params += _values(child, child_prep)
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard:
        cursor = _bound_cursor()
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    parent.pk, child.pk = row[:2]
    for f, value in zip(serial_fields, row[2:], strict=True):
        setattr(parent, f.attname, value)
    setattr(child, link, parent)
    for obj in (parent, child):
        obj._state.adding = False
        obj._state.db = connection.alias


def _bound_cursor() -> Any:
    """A cursor that sends the values apart from the statement (server-side binding)
    instead of quoting each into its text as Django's cursors do: psycopg adapts them
    in C, and PostgreSQL keeps the statement prepared on a connection that ran it a
    few times (DATABASES OPTIONS prepare_threshold, see settings.py), so it is parsed
    and planned once per connection, not once per row. One such cursor is kept per
    database connection: psycopg reuses its adapters when the same statement runs on
    the same cursor again. Wrapped as connection.cursor() wraps its own (error
    translation, execute wrappers, the debug log); the wrapper is not closed."""
    connection.ensure_connection()
    raw = connection.connection
    kept = connection.__dict__.get("_bound_cursor")
    if kept is None or kept[0] is not raw or kept[1].closed:
        with connection.wrap_database_errors:
            kept = (raw, _bound_cursor_class()(raw))
        connection.__dict__["_bound_cursor"] = kept
    return connection._prepare_cursor(kept[1])  # type: ignore[attr-defined]


@cache
def _bound_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class BoundCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        """psycopg leaves `_query` unset when it runs a prepared statement, and Django's
        debug log (connection.queries, CaptureQueriesContext) reads the statement from
        it: set it, as an unprepared run does."""

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            super()._send_query_prepared(name, pgq, **kwargs)  # type: ignore[misc]
            self._query = pgq

    return BoundCursor
