"""Appeal numbers: region prefix + year + a 7-digit serial, unique and increasing (not
gap-free: a number whose appeal then fails to commit is skipped).

On PostgreSQL the serial comes from one database sequence per prefix and year:
`nextval` takes no row lock and writes no commit of its own, so concurrent intakes
never wait for each other. The sequence is created on first use, starting after what
the counter table had handed out. Elsewhere (SQLite) the counter row is bumped by one
UPDATE ... RETURNING outside the intake's transaction.
"""

import datetime as dt
import re
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.appeals.models import NumberCounter

_COUNTER_SQL = (
    f"UPDATE {NumberCounter._meta.db_table} SET value = value + 1"  # noqa: S608
    " WHERE prefix = %s AND year = %s RETURNING value"
)


def number_prefix(division: Organisation) -> str:
    code = division.code or ""
    return code[:6] if code[:6].isdigit() else getattr(settings, "APPEAL_NUMBER_PREFIX", "QQ")


def next_number(division: Organisation, now: dt.datetime) -> str:
    prefix, year = number_prefix(division), timezone.localtime(now).year
    if connection.vendor == "postgresql":
        serial = _from_sequence(prefix, year)
    else:
        serial = _from_counter(prefix, year)
    return f"{prefix}{year}{serial:07d}"


def sequence_name(prefix: str, year: int) -> str:
    return f"appeal_number_{re.sub(r'[^a-z0-9]', '_', prefix.lower())}_{year}"


def _from_sequence(prefix: str, year: int) -> int:
    name = sequence_name(prefix, year)
    try:
        return _nextval(name)
    except DatabaseError:  # the first number of this prefix and year
        _create_sequence(name, prefix, year)
        return _nextval(name)


def _nextval(name: str) -> int:
    # Inside a caller's transaction a failure must not abort it: a savepoint guards it.
    # The intake itself calls from autocommit, where nextval is one statement.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


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
