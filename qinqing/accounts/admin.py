"""The admin changes people, organisations and tokens directly; every change tells the
credentials cache (accounts.services.user_changed / organisations_changed and
accounts.credentials.credentials_changed), as the services do."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.credentials import credentials_changed
from qinqing.accounts.models import ApiToken, Membership, Organisation, User
from qinqing.accounts.services import organisations_changed, user_changed


def _forget_users(users: "QuerySet[User]") -> None:
    """Before deleting users: their tokens go with them, so name the tokens now."""
    credentials_changed(
        user_ids=[u.pk for u in users],
        token_hashes=ApiToken.objects.filter(user__in=users).values_list("key_hash", flat=True),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "code", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Organisation) -> str:
        return "　" * obj.depth + obj.name

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        organisations_changed([obj])

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        organisations_changed([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: "QuerySet[Organisation]") -> None:
        organisations_changed(list(queryset))
        super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "uscc", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "uscc"]
    inlines = [MembershipInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("qinqing"), {"fields": ["full_name", "phone", "uscc"]}),
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # the memberships inline
        user_changed(form.instance)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        _forget_users(User.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: "QuerySet[User]") -> None:
        _forget_users(queryset)
        super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return (
            False  # tokens are created with `manage.py create_api_token`, which shows the key once
        )

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        credentials_changed(user_ids=[obj.user_id], token_hashes=[obj.key_hash])

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        credentials_changed(token_hashes=[obj.key_hash])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: "QuerySet[ApiToken]") -> None:
        credentials_changed(token_hashes=queryset.values_list("key_hash", flat=True))
        super().delete_queryset(request, queryset)
