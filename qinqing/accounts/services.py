"""Writes for people, organisations and API tokens."""

from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import ApiToken, Membership, Organisation, User, hash_token
from qinqing.accounts.permissions import forget_memberships
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


def user_for_token(raw: str) -> User | None:
    """The active user behind a raw API key, or None. Marks the token as used."""
    if not raw or not raw.startswith("qq_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
