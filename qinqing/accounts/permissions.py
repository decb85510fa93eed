"""Every permission decision goes through this module.

Staff act for organisations in roles (Membership); supervisors, leaders and the rest
reach everything under their organisation in the tree. Enterprise users act for the one
enterprise whose credit code is on their account. Domain selectors (`access_appeal`,
`appeals_visible_to`, ...) build on these helpers, never on raw membership queries.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from qinqing.accounts import credentials
from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent

_CACHE_ATTR = "_qinqing_memberships"


def _memberships(user: Any) -> list[tuple[str, int, str]]:
    """(role, organisation id, organisation path) for the user, cached on the object
    (and across requests, see accounts.credentials)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = credentials.cached("user", user.pk, lambda: load_memberships(user.pk))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def load_memberships(user_id: int) -> list[tuple[str, int, str]]:
    return list(
        Membership.objects.filter(user_id=user_id, organisation__is_active=True).values_list(
            "role", "organisation_id", "organisation__path"
        )
    )


def remember_memberships(user: Any, memberships: list[tuple[str, int, str]]) -> None:
    """Memberships read together with the user (an API token's cached entry)."""
    setattr(user, _CACHE_ATTR, memberships)


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(
        role == Role.ADMIN for role, _, _ in _memberships(user)
    )


def roles_of(user: Any) -> set[str]:
    roles = {role for role, _, _ in _memberships(user)}
    if getattr(user, "is_authenticated", False) and user.uscc:
        roles.add(Role.ENTERPRISE)
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_staff_member(user: Any) -> bool:
    return bool(_memberships(user)) or bool(getattr(user, "is_superuser", False))


def enterprise_uscc(user: Any) -> str | None:
    """The credit code an enterprise user acts for, or None for everyone else."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.uscc:
        return str(user.uscc)
    return None


def organisations_for(user: Any, *roles: str) -> list[int]:
    """Ids of the organisations the user acts for directly (in any of `roles`, or any)."""
    return sorted({org for role, org, _ in _memberships(user) if not roles or role in roles})


def scope_filter(user: Any, *roles: str, field: str = "organisation") -> Q:
    """A Q selecting rows whose `field` organisation is at or under one of the user's
    organisations in `roles` (field="" filters Organisation itself). Matches nothing
    when the user has no such role."""
    paths = sorted({path for role, _, path in _memberships(user) if not roles or role in roles})
    if not paths:
        return Q(pk__in=[])
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q()
    for path in _outermost(paths):
        condition |= Q(**{lookup: path})
    return condition


def scope_org_ids(user: Any, *roles: str) -> set[int]:
    """Ids of the organisations at or under the user's organisations in `roles`."""
    return set(
        Organisation.objects.filter(scope_filter(user, *roles, field="")).values_list(
            "pk", flat=True
        )
    )


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths that lie under another path in the list (sorted input)."""
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(parent) for parent in kept):
            kept.append(path)
    return kept


def org_in_scope(user: Any, organisation: Organisation | None, *roles: str) -> bool:
    if organisation is None:
        return False
    return any(
        organisation.path.startswith(path)
        for role, _, path in _memberships(user)
        if not roles or role in roles
    )


def can_view_enterprise(user: Any, uscc: str) -> bool:
    """Enterprise users see only their own enterprise; staff see the registry."""
    own = enterprise_uscc(user)
    if own is not None:
        return own == uscc
    return is_staff_member(user)


def deny(request: HttpRequest | None, user: Any, action: str, **detail: Any) -> PermissionDenied:
    """Record a permission denial in the audit log and return the exception to raise.
    Raised inside a service's transaction, the row rolls back with it: the exception keeps
    what it recorded, and the web and API handlers write it again if it is gone
    (`qinqing.core.audit.record_denial_again`)."""
    row = record_audit(AuditEvent.Kind.DENIED, request=request, user=user, action=action, **detail)
    exc = PermissionDenied(action)
    exc.audited = True  # type: ignore[attr-defined]
    exc.audit_row = row  # type: ignore[attr-defined]
    return exc


def ensure(
    condition: bool, request: HttpRequest | None, user: Any, action: str, **detail: Any
) -> None:
    if not condition:
        raise deny(request, user, action, **detail)


F = TypeVar("F", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[F], F]:
    """View decorator: the user must be logged in and hold one of `roles`
    (administrators always pass). Denials are audited."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            ensure(
                has_role(request.user, *roles) or is_admin(request.user),
                request,
                request.user,
                f"view:{view.__name__}",
                roles=list(roles),
            )
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def users_with_role(role: str, organisation: Organisation) -> "Iterable[User]":
    """People who hold `role` at `organisation` or at one of its ancestors."""
    ancestor_ids = [int(p) for p in organisation.path.strip("/").split("/") if p]
    return User.objects.filter(
        is_active=True, memberships__role=role, memberships__organisation_id__in=ancestor_ids
    ).distinct()
