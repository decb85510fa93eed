"""Who a request is (API token → user) and what they may do (memberships), cached across
requests and worker processes.

Every entry carries the version its subject (a token, a user) had when the entry was
read from the database. The accounts services and the admin call `credentials_changed`
whenever a role, a token, a user's active state or an organisation changes; after the
transaction commits it gives the subject a new version, so the next request reads the
database again. A request reads the version *before* the database, so one racing a
change can only store an entry that is already marked stale: a revoked token or a
removed role takes effect as soon as the change commits.

The cache is used only when CREDENTIAL_CACHE_SECONDS > 0, which settings make the
default only with a cache every worker process shares (Redis).

Two things spare round trips to the shared cache without weakening that rule:
- each process keeps a copy of the entries it read (pickled, so every caller gets its
  own objects), tagged with their version, and uses it only when the version just read
  from the shared cache is the same;
- during a request, the versions every request is likely to need (the organisation
  tree's) are read with the request's first look-up and kept until it ends, as if read
  at its start: a change committed before the request started is always seen. A change
  committed by the request itself updates what it kept.
"""

import pickle
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_PREFIX = "cred:v2"  # entries: (version, value, expires at)


def enabled() -> bool:
    return _seconds() > 0


def _seconds() -> int:
    return int(getattr(settings, "CREDENTIAL_CACHE_SECONDS", 0) or 0)


def _entry_key(kind: str, subject: Any) -> str:
    return f"{_PREFIX}:{kind}:{subject}"


def _version_key(kind: str, subject: Any) -> str:
    return f"{_PREFIX}:ver:{kind}:{subject}"


# Versions read during the current request (None outside requests: nothing is kept).
_request_versions: ContextVar[dict[str, Any] | None] = ContextVar(
    "credential_versions", default=None
)
# This process's copies: entry key -> (version, pickled value, expires at); a copy lives
# no longer than the shared entry it was read from.
_local: dict[str, tuple[Any, bytes, float]] = {}
_local_lock = threading.Lock()
_LOCAL_MAX = 1024


def _read_with_request(version_key: str) -> list[str]:
    """Version keys to read now: this one, and those every request needs, once each."""
    shared = [_version_key("organisations", "tree")]
    memo = _request_versions.get()
    if memo is None:
        return [version_key]
    return [k for k in dict.fromkeys([version_key, *shared]) if k not in memo]


def request_started(**_: Any) -> None:
    _request_versions.set({})


def request_finished(**_: Any) -> None:
    _request_versions.set(None)


def _keep_locally(entry_key: str, version: Any, value: Any, expires: float) -> None:
    kept = (version, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), expires)
    with _local_lock:
        if len(_local) >= _LOCAL_MAX:
            _local.clear()
        _local[entry_key] = kept


def _store(entry_key: str, version: Any, value: Any) -> None:
    expires = time.time() + _seconds()
    cache.set(entry_key, (version, value, expires), timeout=_seconds())
    _keep_locally(entry_key, version, value, expires)


def cached(kind: str, subject: Any, load: Callable[[], T], *, part: str = "") -> T:
    """The cached value of (kind, subject) (or of one `part` of it), or `load()` stored
    under the subject's current version. At most one cache round trip when the entry
    is fresh (none when this request already read the version and this process holds
    the entry)."""
    if not enabled():
        return load()
    entry_key = _entry_key(kind, f"{subject}:{part}" if part else subject)
    version_key = _version_key(kind, subject)
    memo = _request_versions.get()
    local = _local.get(entry_key)
    if local is not None and local[2] <= time.time():
        local = None
    keys = _read_with_request(version_key)
    if local is None:
        keys.append(entry_key)
    found = cache.get_many(keys) if keys else {}
    if memo is not None:
        memo.update({k: v for k, v in found.items() if k != entry_key})
    version = memo.get(version_key) if memo is not None else found.get(version_key)
    if version is None:
        cache.add(version_key, secrets.token_hex(8), timeout=None)
        version = cache.get(version_key)
        if memo is not None:
            memo[version_key] = version
    if local is not None and local[0] == version:
        return pickle.loads(local[1])  # type: ignore[no-any-return]  # noqa: S301 - our own bytes
    entry = found.get(entry_key) if local is None else cache.get(entry_key)
    if entry is not None and entry[0] == version and entry[2] > time.time():
        _keep_locally(entry_key, version, entry[1], entry[2])
        return entry[1]  # type: ignore[no-any-return]
    value = load()
    _store(entry_key, version, value)
    return value


def refresh(kind: str, subject: Any, value: Any) -> None:
    """Store a newer `value` under the version its entry already has (a token's
    last-used time); nothing when there is no fresh entry."""
    if not enabled():
        return
    entry_key = _entry_key(kind, subject)
    found = cache.get_many([entry_key, _version_key(kind, subject)])
    entry = found.get(entry_key)
    if entry is not None and entry[0] == found.get(_version_key(kind, subject)):
        _store(entry_key, entry[0], value)


def credentials_changed(
    *,
    user_ids: Iterable[int] = (),
    token_hashes: Iterable[str] = (),
    organisations: bool = False,
) -> None:
    """The accounts hook: what the users and tokens named may do has changed (a role
    granted or revoked, a token revoked, a user changed or deactivated, an organisation
    moved or closed). Their cached entries are stale once the transaction commits.
    The users' tokens are marked stale too (their entries carry the user); pass the
    hashes of tokens about to be deleted, as they cannot be found after the commit.
    `organisations`: the tree itself changed (what is cached under kind "organisations")."""
    if not enabled():
        return
    user_ids, token_hashes = list(user_ids), list(token_hashes)
    if not (user_ids or token_hashes or organisations):
        return

    def bump() -> None:
        from qinqing.accounts.models import ApiToken

        hashes = set(token_hashes)
        if user_ids:
            hashes.update(
                ApiToken.objects.filter(user_id__in=user_ids).values_list("key_hash", flat=True)
            )
        versions = {_version_key("user", pk): secrets.token_hex(8) for pk in user_ids}
        versions.update({_version_key("token", h): secrets.token_hex(8) for h in hashes})
        if organisations:
            versions[_version_key("organisations", "tree")] = secrets.token_hex(8)
        cache.set_many(versions, timeout=None)
        memo = _request_versions.get()
        if memo is not None:  # this request sees its own change
            memo.update(versions)

    transaction.on_commit(bump)
