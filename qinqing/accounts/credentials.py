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
"""

import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_PREFIX = "cred:v1"


def enabled() -> bool:
    return _seconds() > 0


def _seconds() -> int:
    return int(getattr(settings, "CREDENTIAL_CACHE_SECONDS", 0) or 0)


def _entry_key(kind: str, subject: Any) -> str:
    return f"{_PREFIX}:{kind}:{subject}"


def _version_key(kind: str, subject: Any) -> str:
    return f"{_PREFIX}:ver:{kind}:{subject}"


def cached(kind: str, subject: Any, load: Callable[[], T], *, part: str = "") -> T:
    """The cached value of (kind, subject) (or of one `part` of it), or `load()` stored
    under the subject's current version. One cache round trip when the entry is fresh."""
    if not enabled():
        return load()
    entry_key = _entry_key(kind, f"{subject}:{part}" if part else subject)
    version_key = _version_key(kind, subject)
    found = cache.get_many([entry_key, version_key])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, secrets.token_hex(8), timeout=None)
        version = cache.get(version_key)
    entry = found.get(entry_key)
    if entry is not None and entry[0] == version:
        return entry[1]  # type: ignore[no-any-return]
    value = load()
    cache.set(entry_key, (version, value), timeout=_seconds())
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
        cache.set(entry_key, (entry[0], value), timeout=_seconds())


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

    transaction.on_commit(bump)
