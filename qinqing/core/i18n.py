"""Names Django makes up from code are English: a field without `verbose_name` is labelled
with its attribute name ("processed rows"), a model without one with its class name
("import job"), an app without one with its label ("Axes"). The back office shows them.

At start-up these made-up names are wrapped in gettext, so the apps' catalogues translate
them like any other string. Only the runtime name changes: migrations read the declared
attributes (`Field._verbose_name`, `Options.original_attrs`), so no migration follows.
Two literals of the framework itself get the same treatment: permission names (stored in
English when the rows were created) and the admin's yes/no icons."""

from typing import Any

from django.apps import apps
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy


def translate_generated_names() -> None:
    for config in apps.get_app_configs():
        if _plain(config.verbose_name):
            config.verbose_name = gettext_lazy(str(config.verbose_name))
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        plural_declared = "verbose_name_plural" in opts.original_attrs
        if _plain(opts.verbose_name):
            if not plural_declared:
                opts.verbose_name_plural = gettext_lazy(f"{opts.verbose_name}s")
            opts.verbose_name = gettext_lazy(str(opts.verbose_name))
        elif not plural_declared:
            # Django's default plural appends "s", which Chinese names do not take
            opts.verbose_name_plural = opts.verbose_name
        if _plain(opts.verbose_name_plural):
            opts.verbose_name_plural = gettext_lazy(str(opts.verbose_name_plural))
        for field in opts.get_fields(include_hidden=True):
            name = getattr(field, "verbose_name", None)
            if _plain(name):
                setattr(field, "verbose_name", gettext_lazy(str(name)))  # noqa: B010


def _plain(value: object) -> bool:
    return isinstance(value, str) and not isinstance(value, Promise) and value.isascii()


_PERMISSION_ACTIONS = {
    "add": gettext_lazy("add"),
    "change": gettext_lazy("change"),
    "delete": gettext_lazy("delete"),
    "view": gettext_lazy("view"),
}


def _permission_label(permission: Any) -> str:
    """`诉求 | 新增` instead of the English name Django stored when it created the row
    ("Can add appeal"); custom permissions keep their declared (translated) name."""
    action, _sep, _model = permission.codename.partition("_")
    model = permission.content_type.model_class()
    subject = str(model._meta.verbose_name) if model is not None else permission.content_type.model
    if action in _PERMISSION_ACTIONS and model is not None:
        return f"{subject} | {_PERMISSION_ACTIONS[action]}"
    return f"{subject} | {gettext(permission.name)}"


def _boolean_icon(value: bool | None) -> str:
    """The admin's yes/no icon, with the alternative text in the person's language
    (Django writes a literal "True"/"False")."""
    name = {True: "yes", False: "no", None: "unknown"}[value]
    alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), alt)


def translate_framework_labels() -> None:
    from django.contrib.admin.templatetags import admin_list
    from django.contrib.auth.models import Permission

    admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]
    Permission.__str__ = _permission_label  # type: ignore[assignment,method-assign]
    _axes_labels()


def _axes_labels() -> None:
    """django-axes names its rows in English ("Access Log for x @ ..."); the back office
    shows these names as titles and in breadcrumbs."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    def when(value: Any) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    AccessLog.__str__ = lambda self: (
        gettext("Login of %(user)s at %(time)s")
        % {  # type: ignore[method-assign]
            "user": self.username or gettext("unknown user"),
            "time": when(self.attempt_time),
        }
    )
    AccessAttempt.__str__ = lambda self: (
        gettext("Login attempts of %(user)s")
        % {  # type: ignore[method-assign]
            "user": self.username or gettext("unknown user")
        }
    )
    AccessFailureLog.__str__ = lambda self: (
        gettext("Failed login of %(user)s at %(time)s")
        % {  # type: ignore[method-assign]
            "user": self.username or gettext("unknown user"),
            "time": when(self.attempt_time),
        }
    )
