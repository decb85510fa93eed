"""Appeal numbers: region prefix + year + a 7-digit serial, unique and increasing (not
gap-free: a number whose appeal then fails to commit is skipped).

On PostgreSQL the serial comes from one database sequence per prefix and year:
`nextval` takes no row lock and writes no commit of its own, so concurrent intakes
never wait for each other. The intake takes it inside the statement that inserts the
appeal (`insert_numbered`), so a number costs no round trip of its own. The sequence
is created on first use, starting after what the counter table had handed out.
Elsewhere (SQLite) the counter row is bumped by one UPDATE ... RETURNING outside the
intake's transaction.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import DatabaseError, IntegrityError, ProgrammingError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.appeals.models import Appeal, NumberCounter
from qinqing.core.inserts import Serial, insert_with_child

SERIAL_DIGITS = 7
# the serial, zero-padded as f"{serial:07d}" pads it (never cut when it grows longer)
_PADDED = f"lpad({{n}}::text, greatest({SERIAL_DIGITS}, length({{n}}::text)), '0')"
_UNDEFINED_TABLE = "42P01"

_COUNTER_SQL = (
    f"UPDATE {NumberCounter._meta.db_table} SET value = value + 1"  # noqa: S608
    " WHERE prefix = %s AND year = %s RETURNING value"
)


def number_prefix(division: Organisation) -> str:
    code = division.code or ""
    return code[:6] if code[:6].isdigit() else getattr(settings, "APPEAL_NUMBER_PREFIX", "QQ")


def insert_numbered(
    appeal: Appeal, child: Model, *, link: str, division: Organisation, now: dt.datetime,
    search_after_number: str,
) -> None:  # fmt: skip
    """Insert the new `appeal` (and its first `child` row, see core/inserts.py) under
    the next number of its division's prefix and `now`'s year; its search text is the
    number, lowercased, then `search_after_number`. Sets both on `appeal`."""
    prefix, year = number_prefix(division), timezone.localtime(now).year
    if connection.vendor != "postgresql":
        appeal.number = f"{prefix}{year}{_from_counter(prefix, year):0{SERIAL_DIGITS}d}"
        parts = (appeal.number.lower(), search_after_number)
        appeal.search_text = " ".join(p for p in parts if p)
        insert_with_child(appeal, child, link=link)
        return
    head, tail = f"{prefix}{year}", f" {search_after_number}" if search_after_number else ""
    name = sequence_name(prefix, year)
    serial = Serial(
        sequence=name,
        columns=(
            ("number", f"%s || {_PADDED}", (head,)),
            ("search_text", f"%s || {_PADDED} || %s", (head.lower(), tail)),
        ),
    )
    try:
        insert_with_child(appeal, child, link=link, serial=serial)
    except ProgrammingError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != _UNDEFINED_TABLE:
            raise
        _create_sequence(name, prefix, year)  # the first number of this prefix and year
        insert_with_child(appeal, child, link=link, serial=serial)


def sequence_name(prefix: str, year: int) -> str:
    return f"appeal_number_{re.sub(r'[^a-z0-9]', '_', prefix.lower())}_{year}"


def _create_sequence(name: str, prefix: str, year: int) -> None:
    start = (
        NumberCounter.objects.filter(prefix=prefix, year=year)
        .values_list("value", flat=True)
        .first()
        or 0
    ) + 1
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {int(start)}')
    except (IntegrityError, DatabaseError):
        pass  # another request created it at the same moment


def _from_counter(prefix: str, year: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_COUNTER_SQL, [prefix, year])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    NumberCounter.objects.create(prefix=prefix, year=year)
            except IntegrityError:
                pass  # another request created it first
            cursor.execute(_COUNTER_SQL, [prefix, year])
            row = cursor.fetchone()
    assert row is not None
    return int(row[0])
