import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols (等保 2.0)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c == " " for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return (
            ngettext(
                "Your password must mix at least %(n)d kind of character: lower case, upper case, digits, symbols.",
                "Your password must mix at least %(n)d kinds of characters: lower case, upper case, digits, symbols.",
                self.min_classes,
            )
            % {"n": self.min_classes}
            if self.min_classes
            else _("Any password is accepted.")
        )


class NotCurrentPasswordValidator:
    """A new password must differ from the one the account has now (setting the same one
    again is no change at all)."""

    def validate(self, password: str, user: object = None) -> None:
        current = getattr(user, "password", "")
        # the module function, not user.check_password(): that one may re-hash and save
        if current and check_password(password, current):
            raise ValidationError(self.get_help_text(), code="password_unchanged")

    def get_help_text(self) -> str:
        return _("Your new password must differ from your current password.")
