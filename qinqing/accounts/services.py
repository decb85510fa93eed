"""Writes for people, organisations and API tokens."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinqing.accounts import credentials
from qinqing.accounts.models import ApiToken, Membership, Organisation, User, hash_token
from qinqing.accounts.permissions import (
    forget_memberships,
    load_memberships,
    remember_memberships,
)
from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent


@transaction.atomic
def grant_role(
    user: User, *, organisation: Organisation, role: str, actor: User | None
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        record_audit(
            AuditEvent.Kind.ROLE_CHANGED,
            user=actor,
            target=user.username,
            organisation=organisation.pk,
            role=role,
            change="grant",
        )
    forget_memberships(user)
    credentials.credentials_changed(user_ids=[user.pk])
    return membership


@transaction.atomic
def revoke_role(user: User, *, organisation: Organisation, role: str, actor: User | None) -> None:
    deleted, _ = Membership.objects.filter(user=user, organisation=organisation, role=role).delete()
    if deleted:
        record_audit(
            AuditEvent.Kind.ROLE_CHANGED,
            user=actor,
            target=user.username,
            organisation=organisation.pk,
            role=role,
            change="revoke",
        )
    forget_memberships(user)
    credentials.credentials_changed(user_ids=[user.pk])


@transaction.atomic
def create_api_token(user: User, *, name: str, actor: User | None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the raw key, which is never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        name=name, user=user, prefix=raw[3:11], key_hash=hash_token(raw)
    )
    record_audit(
        AuditEvent.Kind.TOKEN_CREATED, user=actor, target=user.username, token=token.prefix
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User | None) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_audit(AuditEvent.Kind.TOKEN_REVOKED, user=actor, token=token.prefix)
    credentials.credentials_changed(token_hashes=[token.key_hash])


def user_for_token(raw: str) -> User | None:
    """The active user behind a raw API key, or None. Marks the token as used (at most
    once a minute). Read through accounts.credentials, with the user's memberships."""
    if not raw or not raw.startswith("qq_"):
        return None
    key_hash = hash_token(raw)
    found = credentials.cached("token", key_hash, lambda: _token_entry(key_hash))
    if found is None:
        return None
    token_pk, last_used_at, user, memberships = found
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
        credentials.refresh("token", key_hash, (token_pk, now, user, memberships))
    remember_memberships(user, memberships)
    return user


def _token_entry(key_hash: str) -> tuple[int, Any, User, list[tuple[str, int, str]]] | None:
    # The password hash is left out: the entry may sit in Redis, and a deferred field is
    # read from the database on use and left alone by save().
    token = (
        ApiToken.objects.select_related("user")
        .defer("user__password")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    return token.pk, token.last_used_at, token.user, load_memberships(token.user_id)


def user_changed(user: User) -> None:
    """Call after changing a user outside the services above (the admin: active state,
    superuser flag, credit code, memberships edited inline)."""
    forget_memberships(user)
    credentials.credentials_changed(user_ids=[user.pk])


def organisations_changed(organisations: Iterable[Organisation]) -> None:
    """Call after changing organisations (closed, reopened, moved in the tree, deleted):
    the people with a role at or under them act for a different scope now, and what
    is cached about the tree (`cached_organisation`) is read again."""
    paths = [org.path for org in organisations if org.path]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(organisation__path__startswith=path)
    users = Membership.objects.filter(condition).values_list("user_id", flat=True).distinct()
    credentials.credentials_changed(user_ids=list(users), organisations=True)


def cached_organisation(name: str, load: Callable[[], Organisation]) -> Organisation:
    """An organisation found by `load` (e.g. the root division), read once and cached
    until organisations change."""
    return credentials.cached("organisations", "tree", load, part=name)
