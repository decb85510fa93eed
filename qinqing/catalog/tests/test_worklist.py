"""The department's worklist pages by keyset: not yet accepted first (oldest first), then
by due date; every open matter of the department and its windows once, nothing else."""

import datetime as dt

import pytest
from django.urls import reverse

from qinqing.catalog import services
from qinqing.catalog.tests.factories import make_item
from qinqing.catalog.worklist import (
    capped_count,
    decode_cursor,
    encode_cursor,
    key_of,
    sources_for,
    worklist_counts,
    worklist_page,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def queue(district, enterprise_user_a, handler):
    """Seven open matters of the department (three accepted with different clocks, one at
    its window), one closed, one of another department, one of another department
    registered at this department's window."""
    mine = make_item(district.dept, "食品经营许可", promised_days=5, window=district.window)
    slow = make_item(district.dept, "建筑工程施工许可证核发", promised_days=15)
    theirs = make_item(district.other_dept, "户外招牌设置", promised_days=3)
    at_window = make_item(district.other_dept, "犬类准养证核发", window=district.window)
    matters = [
        services.apply_for_item(item, actor=enterprise_user_a, now=MONDAY + dt.timedelta(hours=n))
        for n, item in enumerate([mine, slow, mine, slow, mine, mine, theirs, at_window])
    ]
    for matter, days in ((matters[1], 0), (matters[2], 1), (matters[0], 2)):
        services.accept_matter(matter, actor=handler, now=MONDAY + dt.timedelta(days=days))
    services.withdraw_matter(matters[3], actor=enterprise_user_a)
    for matter in matters:
        matter.refresh_from_db()
    return matters


def walk(user, size):
    seen, cursor, pages = [], "", 0
    while True:
        page = worklist_page(user, after=cursor, size=size)
        seen += [m.pk for m in page.matters]
        pages += 1
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


def test_pages_walk_the_queue_once_in_order_without_other_departments(queue, handler):
    expected_undated = [queue[4].pk, queue[5].pk, queue[7].pk]  # by submission (id)
    accepted = sorted([queue[0], queue[1], queue[2]], key=lambda m: (m.due_at, m.pk))
    for size in (1, 2, 3, 50):
        seen, pages = walk(handler, size)
        assert seen == expected_undated + [m.pk for m in accepted]
        assert [m.pk for m in accepted] == [queue[2].pk, queue[0].pk, queue[1].pk]
        assert pages == max(1, -(-len(seen) // size))
    assert queue[6].pk not in seen and queue[3].pk not in seen


def test_another_department_sees_its_own_queue_only(queue, other_handler):
    seen, _ = walk(other_handler, 2)
    assert seen == [queue[6].pk, queue[7].pk]


def test_an_administrator_sees_every_open_matter(queue, admin_user):
    seen, _ = walk(admin_user, 3)
    assert sorted(seen) == sorted(m.pk for n, m in enumerate(queue) if n != 3)


def test_a_matter_of_the_department_at_its_window_is_listed_once(queue, handler):
    assert len(sources_for(handler)) >= 2  # the department and its window
    seen, _ = walk(handler, 2)
    assert seen.count(queue[0].pk) == 1


@pytest.mark.parametrize("cursor", ["", "garbage", "!!!", "x" * 500, "MS4xLi0x", "OS4wLjE"])
def test_a_malformed_cursor_starts_at_the_top(queue, handler, cursor):
    assert [m.pk for m in worklist_page(handler, after=cursor, size=2).matters] == [
        m.pk for m in worklist_page(handler, size=2).matters
    ]


def test_cursors_round_trip_to_the_microsecond() -> None:
    due = dt.datetime(2026, 11, 30, 9, 30, 15, 123457, tzinfo=dt.UTC)
    for key in (key_of(None, 7), key_of(due, 12)):
        assert decode_cursor(encode_cursor(key)) == key


def test_counts_stop_at_the_cap(queue, handler) -> None:
    assert worklist_counts(handler, MONDAY + dt.timedelta(days=60)) == {
        "open": 6,
        "overdue": 3,
        "cap": 1000,
    }
    assert capped_count(sources_for(handler), cap=4) == 4


def test_the_page_links_to_the_next_page_and_reads_a_bounded_number_of_queries(
    client, queue, handler, django_assert_max_num_queries
):
    client.force_login(handler)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("catalog:worklist"))
    text = page.content.decode()
    assert page.status_code == 200 and queue[4].number in text and "6 件在办" in text
    assert "?after=" not in text  # one page holds all six
    second = client.get(reverse("catalog:worklist"), {"after": "not-a-cursor"})
    assert second.status_code == 200


def test_the_department_is_not_offered_the_applicants_withdraw(
    client, queue, handler, enterprise_user_a
):
    url = reverse("catalog:matter", args=[queue[0].pk])
    client.force_login(handler)
    assert "撤回申请" not in client.get(url).content.decode()
    client.force_login(enterprise_user_a)
    assert "撤回申请" in client.get(url).content.decode()
