"""Reads, each scoped to the viewer. Who may do what:

- everyone (also anonymous): published documents and items of the library;
- enterprise users: their own enterprise's matches, applications, materials, grants;
- policy officers (and administrators): everything here, and all writes;
- other staff: read-only views of items, match lists, applications and batches of
  the departments in their scope.
"""

from __future__ import annotations

from typing import Any

import jieba
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import (
    ensure,
    enterprise_uscc,
    has_role,
    is_admin,
    is_staff_member,
    scope_filter,
)
from qinqing.enterprises.models import Enterprise
from qinqing.policies.models import (
    Application,
    GrantBatch,
    PolicyDocument,
    PolicyItem,
    PublishStatus,
)


def can_manage(user: Any) -> bool:
    return has_role(user, Role.POLICY_OFFICER) or is_admin(user)


def ensure_manager(request: HttpRequest | None, user: Any, action: str) -> None:
    ensure(can_manage(user), request, user, action)


def enterprise_of(user: Any) -> Enterprise | None:
    uscc = enterprise_uscc(user)
    if uscc is None:
        return None
    return Enterprise.objects.filter(uscc=uscc).first()


def search_tokens(text: str) -> list[str]:
    return sorted({t.strip().lower() for t in jieba.cut_for_search(text or "") if t.strip()})


def published_items(query: str = "") -> QuerySet[PolicyItem]:
    qs = PolicyItem.objects.filter(
        status=PublishStatus.PUBLISHED, document__status=PublishStatus.PUBLISHED
    ).select_related("document", "department")
    for token in search_tokens(query):
        if len(token) > 1 or not token.isascii():
            qs = qs.filter(search_text__icontains=token)
    return qs


def items_visible_to(user: Any) -> QuerySet[PolicyItem]:
    if can_manage(user):
        return PolicyItem.objects.select_related("document", "department")
    if is_staff_member(user):
        return PolicyItem.objects.filter(
            Q(status=PublishStatus.PUBLISHED) | scope_filter(user, field="department")
        ).select_related("document", "department")
    return published_items()


def access_item(
    request: HttpRequest | None, user: Any, pk: int, *, for_update: bool = False
) -> PolicyItem:
    """An item the user may see; with for_update (writes) only for policy officers, locked."""
    if for_update:
        ensure_manager(request, user, "policies:edit_item")
        return PolicyItem.objects.select_for_update().get(pk=pk)
    item = items_visible_to(user).filter(pk=pk).first()
    ensure(item is not None, request, user, "policies:view_item", item=pk)
    assert item is not None
    return item


def documents_visible_to(user: Any) -> QuerySet[PolicyDocument]:
    if can_manage(user):
        return PolicyDocument.objects.all()
    return PolicyDocument.objects.filter(status=PublishStatus.PUBLISHED)


def can_see_matches(user: Any, item: PolicyItem) -> bool:
    """Lists of enterprises per item: officers, and staff of the item's department."""
    if can_manage(user):
        return True
    return (
        is_staff_member(user)
        and PolicyItem.objects.filter(scope_filter(user, field="department"), pk=item.pk).exists()
        or has_role(user, Role.LEADER)
    )


def applications_visible_to(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("item", "enterprise", "item__department")
    if can_manage(user):
        return qs
    uscc = enterprise_uscc(user)
    if uscc is not None:
        return qs.filter(enterprise__uscc=uscc)
    if is_staff_member(user):
        return qs.filter(scope_filter(user, field="item__department"))
    return qs.none()


def access_application(
    request: HttpRequest | None, user: Any, pk: int, *, for_update: bool = False
) -> Application:
    qs = applications_visible_to(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    application = qs.filter(pk=pk).first()
    ensure(application is not None, request, user, "policies:view_application", application=pk)
    assert application is not None
    return application


def batches_visible_to(user: Any) -> QuerySet[GrantBatch]:
    qs = GrantBatch.objects.select_related("item")
    if can_manage(user):
        return qs
    if is_staff_member(user):
        return qs.filter(scope_filter(user, field="item__department"))
    return qs.none()


def access_batch(
    request: HttpRequest | None, user: Any, pk: int, *, for_update: bool = False
) -> GrantBatch:
    if for_update:
        ensure_manager(request, user, "policies:edit_batch")
        return GrantBatch.objects.select_for_update().select_related("item").get(pk=pk)
    batch = batches_visible_to(user).filter(pk=pk).first()
    ensure(batch is not None, request, user, "policies:view_batch", batch=pk)
    assert batch is not None
    return batch
