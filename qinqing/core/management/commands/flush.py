"""Django's flush, with the append-only triggers of SQLite lifted while it empties the
tables (test teardown, a fresh development database). The only sanctioned path that
deletes audit and event rows; PostgreSQL flushes with TRUNCATE, which its row triggers
do not see."""

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from qinqing.core import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with append_only.lifted(connection):
            super().handle(**options)
