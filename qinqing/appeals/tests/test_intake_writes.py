"""Intake writes the appeal once and answers from what it wrote (issue 16)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qinqing.appeals.models import Appeal, NumberCounter
from qinqing.appeals.services.numbers import sequence_name
from qinqing.appeals.tests.conftest import register
from qinqing.appeals.tests.test_api import BASE, NEW, api_client, post

pytestmark = pytest.mark.django_db


def test_api_intake_inserts_the_appeal_once_and_reads_nothing_back(intake: Any) -> None:
    client = api_client(intake)
    post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="warm")  # creates the number counter
    with CaptureQueriesContext(connection) as queries:
        response = post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="once")
    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    appeal_writes = [
        s
        for s in statements
        if 'INSERT INTO "appeals_appeal"' in s or 'UPDATE "appeals_appeal"' in s
    ]
    assert len(appeal_writes) == 1 and "UPDATE" not in appeal_writes[0]
    if connection.vendor == "postgresql":  # the appeal and its first event: one statement
        assert 'INSERT INTO "appeals_appealevent"' in appeal_writes[0]
        assert not any(s in ("BEGIN", "COMMIT") for s in statements)
    inserted_at = statements.index(appeal_writes[0])
    assert not any(
        s.startswith("SELECT") and ("appeals_appealevent" in s or "appeals_clock" in s)
        for s in statements[inserted_at:]
    )
    body = response.json()
    appeal = Appeal.objects.get(pk=body["id"])
    assert body["number"] == appeal.number
    assert appeal.number.lower() in appeal.search_text
    assert [e["kind"] for e in body["events"]] == ["registered"] and body["clocks"] == []


def last_serial(number: str) -> int:
    """The last serial handed out for this number's prefix and year (the PostgreSQL
    sequence, or the counter row elsewhere)."""
    prefix, year = number[:-11], int(number[-11:-7])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT last_value FROM "{sequence_name(prefix, year)}"')  # noqa: S608
            return int(cursor.fetchone()[0])
    return NumberCounter.objects.get(prefix=prefix, year=year).value


def test_numbers_follow_one_another_and_the_last_one_is_kept(intake: Any) -> None:
    client = api_client(intake)
    numbers = [
        post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY=f"k{i}").json()["number"]
        for i in range(3)
    ]
    tails = [int(n[-7:]) for n in numbers]
    assert tails == [tails[0], tails[0] + 1, tails[0] + 2]
    assert last_serial(numbers[-1]) == tails[-1]


def test_numbers_continue_after_what_the_counter_handed_out(intake: Any, district: Any) -> None:
    """A database whose counter row already handed out numbers (before sequences) goes on
    after them, never repeating one. (A year no other test reaches: its sequence is new.)"""
    with time_machine.travel(dt.datetime(2041, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        NumberCounter.objects.create(prefix=district.district.code[:6], year=2041, value=41)
        response = post(api_client(intake), f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="k")
    assert response.json()["number"] == f"{district.district.code[:6]}20410000042"


def test_intake_inside_a_callers_transaction_survives_the_first_number(
    intake: Any, district: Any
) -> None:
    """The first number of a year creates its sequence; inside a caller's transaction
    (liaison registers a difficulty in one) that must not abort the transaction."""
    with transaction.atomic():
        appeal = register(intake)
        Appeal.objects.filter(pk=appeal.pk).update(address="北辰街道1号")
    assert Appeal.objects.get(pk=appeal.pk).address == "北辰街道1号"


def test_the_appeal_and_its_event_are_stored_as_the_answer_shows_them(
    intake: Any, enterprise_a: Any
) -> None:
    """What intake answers from (the objects it wrote) is what a later read finds, field
    by field: the one-statement write on PostgreSQL leaves out nothing save() writes."""
    appeal = register(intake, enterprise_a, address="北辰街道1号", lat=30.5, lon=104.1)
    [event] = appeal.written_events
    for written in (appeal, event):
        stored = type(written).objects.get(pk=written.pk)
        for field in type(written)._meta.concrete_fields:
            assert getattr(stored, field.attname) == getattr(written, field.attname), field.name
    assert event.appeal_id == appeal.pk and event.actor_id == intake.pk
    assert (event.kind, event.to_state, event.data) == ("registered", "registered", {})
    assert appeal.created_at is not None
    words = [appeal.number, appeal.title, appeal.description, "北辰街道1号"]
    words += [enterprise_a.name, enterprise_a.uscc]
    assert appeal.search_text == " ".join(words).lower()


def test_a_serial_past_seven_digits_keeps_every_digit(intake: Any, district: Any) -> None:
    """The number taken inside the insert pads to seven digits and never cuts a longer
    serial (as f"{serial:07d}" does). (A year no other test reaches.)"""
    prefix = district.district.code[:6]
    with time_machine.travel(dt.datetime(2042, 5, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        NumberCounter.objects.create(prefix=prefix, year=2042, value=9_999_999)
        appeal = register(intake)
    assert appeal.number == f"{prefix}204210000000"
    stored = Appeal.objects.get(pk=appeal.pk)
    assert stored.number == appeal.number
    assert stored.search_text.startswith(f"{prefix}204210000000 ")


def test_values_written_without_django_s_field_calls_are_those_save_would_write(
    intake: Any, district: Any
) -> None:
    """core/inserts.py writes a str, a key or a bool as it is for plain fields; for every
    field of a new appeal that is what `pre_save` + `get_db_prep_save` give (on
    PostgreSQL an integer field's value is wrapped, Int2 ...), and True in a counter is
    written as 1."""
    from qinqing.appeals.models import AppealType, Channel, Status
    from qinqing.core.inserts import _preparers, _values

    appeal = Appeal(
        number="X1", type=AppealType.APPEAL, channel=Channel.PHONE, title="停电",
        description="厂区停电", division=district.district, created_by=intake,
        status=Status.REGISTERED, reopen_count=True, lat=None, callback_solved=False,
    )  # fmt: skip
    fields = [f for f in Appeal._meta.local_concrete_fields if not f.primary_key]
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        fast = _values(appeal, _preparers(fields))
        slow = [f.get_db_prep_save(f.pre_save(appeal, True), connection=connection) for f in fields]
    assert [(type(v), v) for v in fast] == [(type(v), v) for v in slow]
    assert fast[[f.name for f in fields].index("reopen_count")] == 1
    assert fast[[f.name for f in fields].index("division")] == district.district.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_intake_insert_is_prepared_once_a_connection_has_run_it_a_few_times(
    intake: Any,
) -> None:
    """Values are bound apart from the statement text, so PostgreSQL keeps the one
    insert prepared (settings: prepare_threshold) and the intakes after it are not
    parsed and planned again; Django's own statements are not prepared."""

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    client = api_client(intake)
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold
    with CaptureQueriesContext(connection) as queries:
        for n in range(threshold + 2):
            response = post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY=f"p{n}")
            assert response.status_code == 201
    # the debug log names every statement, the prepared runs too (the first intake of
    # a year also logs the insert that found no sequence yet)
    logged = [q["sql"] for q in queries.captured_queries]
    assert all(isinstance(s, str) for s in logged)
    assert sum('INSERT INTO "appeals_appeal"' in s for s in logged) >= threshold + 2
    statements = prepared()
    assert [s for s in statements if 'INSERT INTO "appeals_appeal"' in s]
    assert not [s for s in statements if "pg_prepared_statements" in s]
    numbers = list(Appeal.objects.order_by("pk").values_list("number", flat=True))
    assert len(set(numbers)) == threshold + 2  # each prepared run took its own number


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_new_year_s_first_number_is_taken_by_the_prepared_insert(
    intake: Any, district: Any
) -> None:
    """At the turn of a year a long-lived connection holds the insert prepared; the
    first intake of the new year finds no sequence, creates it and numbers from 1.
    (Years no other test reaches.)"""
    prefix = district.district.code[:6]
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    with time_machine.travel(dt.datetime(2044, 12, 31, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(threshold + 1):
            register(intake)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%INSERT INTO "appeals_appeal"%'])  # fmt: skip
        assert cursor.fetchone()[0] == 1
    with time_machine.travel(dt.datetime(2045, 1, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        first, second = register(intake), register(intake)
    assert (first.number, second.number) == (f"{prefix}20450000001", f"{prefix}20450000002")
    assert last_serial(second.number) == 2
