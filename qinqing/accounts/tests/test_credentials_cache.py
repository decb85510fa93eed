"""API tokens and memberships are cached across requests, and every change through the
accounts services or the admin takes effect at the next request."""

import datetime as dt
import json
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qinqing.accounts.models import ApiToken, Membership, Role, User
from qinqing.accounts.services import create_api_token, grant_role, revoke_api_token, revoke_role
from qinqing.conftest import make_user

pytestmark = pytest.mark.django_db
INTAKE_URL = "/api/v1/appeals/"
NEW = {
    "title": "园区道路积水",
    "description": "雨后积水半米",
    "requester_name": "刘",
    "requester_phone": "13812345678",
    "channel": "phone",
}


@pytest.fixture(autouse=True)
def credential_cache(settings: Any) -> Iterator[None]:
    settings.CREDENTIAL_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committing(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run a change and the after-commit callbacks it leaves (as a real commit would)."""

    def run(change: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def _client(user: User) -> tuple[Client, ApiToken]:
    token, raw = create_api_token(user, name="test", actor=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), token


def _register(client: Client, key: str) -> int:
    response = client.post(
        INTAKE_URL, json.dumps(NEW), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    return response.status_code


def _accounts_reads(statements: list[dict[str, Any]]) -> list[str]:
    return [
        q["sql"]
        for q in statements
        if q["sql"].startswith("SELECT")
        and ('"accounts_apitoken"' in q["sql"] or '"accounts_membership"' in q["sql"])
    ]


def test_a_known_token_is_not_looked_up_again(intake: User) -> None:
    client, _token = _client(intake)
    assert _register(client, "first") == 201
    with CaptureQueriesContext(connection) as queries:
        assert _register(client, "second") == 201
    assert _accounts_reads(queries.captured_queries) == []


def test_a_revoked_token_is_refused_at_once(intake: User, committing: Any) -> None:
    client, token = _client(intake)
    assert _register(client, "before") == 201
    committing(lambda: revoke_api_token(token, actor=None))
    assert _register(client, "after") == 401


def test_a_removed_role_takes_effect_at_once(intake: User, district: Any, committing: Any) -> None:
    client, _token = _client(intake)
    assert _register(client, "before") == 201
    committing(
        lambda: revoke_role(
            intake, organisation=district.district, role=Role.INTAKE_OPERATOR, actor=None
        )
    )
    assert _register(client, "after") == 403


def test_a_granted_role_takes_effect_at_once(district: Any, committing: Any) -> None:
    newcomer = make_user("newcomer")
    client, _token = _client(newcomer)
    assert _register(client, "before") == 403
    committing(
        lambda: grant_role(
            newcomer, organisation=district.district, role=Role.INTAKE_OPERATOR, actor=None
        )
    )
    assert _register(client, "after") == 201


def test_a_session_user_sees_a_removed_role_at_once(
    supervisor: User, district: Any, client_for: Any, committing: Any
) -> None:
    browser = client_for(supervisor)
    assert browser.get("/appeals/board/").status_code == 200
    committing(
        lambda: revoke_role(
            supervisor, organisation=district.district, role=Role.SUPERVISOR, actor=None
        )
    )
    assert browser.get("/appeals/board/").status_code == 403


def _root() -> Client:
    root = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client


def test_a_user_deactivated_in_the_admin_loses_the_api_at_once(
    intake: User, committing: Any
) -> None:
    client, _token = _client(intake)
    assert _register(client, "before") == 201
    membership = Membership.objects.get(user=intake)
    data = {
        "username": intake.username,
        "full_name": intake.full_name,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(intake.pk),
        "memberships-0-organisation": str(membership.organisation_id),
        "memberships-0-role": membership.role,
    }  # "is_active" left out: the box is unticked
    admin = _root()
    response = committing(lambda: admin.post(f"/admin/accounts/user/{intake.pk}/change/", data))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=intake.pk).is_active
    assert _register(client, "after") == 401


def test_a_token_deleted_in_the_admin_is_refused_at_once(intake: User, committing: Any) -> None:
    client, token = _client(intake)
    assert _register(client, "before") == 201
    admin = _root()
    response = committing(
        lambda: admin.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    )
    assert response.status_code == 302
    assert _register(client, "after") == 401


def test_a_closed_organisation_takes_its_roles_with_it(
    intake: User, district: Any, committing: Any
) -> None:
    client, _token = _client(intake)
    assert _register(client, "before") == 201
    org = district.district
    admin = _root()
    data = {"kind": org.kind, "code": org.code, "name": org.name}  # is_active unticked
    response = committing(
        lambda: admin.post(f"/admin/accounts/organisation/{org.pk}/change/", data)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _register(client, "after") == 403


def test_an_entry_read_while_a_change_commits_is_already_stale(
    intake: User, committing: Any
) -> None:
    """A request that read the database just before a change committed must not keep
    the old answer in the cache."""
    from qinqing.accounts import credentials

    loads: list[str] = []

    def load_racing_a_change() -> str:
        loads.append("old")
        committing(lambda: credentials.credentials_changed(user_ids=[intake.pk]))
        return "old"

    assert credentials.cached("user", intake.pk, load_racing_a_change) == "old"
    assert credentials.cached("user", intake.pk, lambda: "new") == "new"
    assert credentials.cached("user", intake.pk, lambda: "newer") == "new"


@pytest.mark.django_db
def test_the_cached_token_entry_carries_no_password_hash() -> None:
    from qinqing.accounts.services import _token_entry, hash_token

    user = User.objects.create_user("hashless", password="An0ther-Secret!")
    _, raw = create_api_token(user, name="probe", actor=user)
    entry = _token_entry(hash_token(raw))
    assert entry is not None
    cached_user = entry[2]
    assert "password" in cached_user.get_deferred_fields()
    assert b"pbkdf2" not in pickle.dumps(entry)


def test_an_intake_reads_the_shared_cache_once_for_who_and_where(
    intake: User, monkeypatch: Any
) -> None:
    """The token's version and the organisation tree's are read in one round trip; the
    entries themselves come from this process's copies while those versions hold."""
    client, _token = _client(intake)
    assert _register(client, "warm") == 201
    reads: list[list[str]] = []
    get_many = cache.get_many

    def counting(keys: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    assert _register(client, "second") == 201
    assert len(reads) == 1 and all(":ver:" in key for key in reads[0])


def test_a_copy_held_by_this_process_gives_way_to_a_new_version(
    intake: User, committing: Any
) -> None:
    from qinqing.accounts import credentials

    assert credentials.cached("user", intake.pk, lambda: "old") == "old"
    assert credentials.cached("user", intake.pk, lambda: "unused") == "old"  # the copy
    committing(lambda: credentials.credentials_changed(user_ids=[intake.pk]))
    assert credentials.cached("user", intake.pk, lambda: "new") == "new"


def test_a_copy_lives_no_longer_than_the_shared_entry(intake: User) -> None:
    """A change made without the services (no new version) is still read again once
    the entry expires, in this process as in the shared cache."""
    import time_machine

    from qinqing.accounts import credentials

    with time_machine.travel(dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        assert credentials.cached("user", intake.pk, lambda: "old") == "old"
    with time_machine.travel(dt.datetime(2026, 5, 6, 9, 6, tzinfo=dt.UTC), tick=False):
        assert credentials.cached("user", intake.pk, lambda: "new") == "new"


def test_a_request_sees_a_change_it_committed_itself(intake: User, committing: Any) -> None:
    """Versions read during a request are kept until it ends, except that its own
    change replaces them."""
    from qinqing.accounts import credentials

    credentials.request_started()
    try:
        assert credentials.cached("organisations", "tree", lambda: "old", part="x") == "old"
        committing(lambda: credentials.credentials_changed(organisations=True))
        assert credentials.cached("organisations", "tree", lambda: "new", part="x") == "new"
    finally:
        credentials.request_finished()
