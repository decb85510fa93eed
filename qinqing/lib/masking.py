"""Masking of personal data for lists and exports (手机号、身份证号脱敏)."""

import re

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str:
    """138****5678 for a mobile number; other numbers keep their first 3 and last 2 digits."""
    if not phone:
        return ""
    phone = phone.strip()
    digits = _DIGITS.findall(phone)
    if len(digits) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]


def mask_id_number(number: str | None) -> str:
    """Resident ID (18 chars): first 6 and last 4 kept: 110105********1234."""
    if not number:
        return ""
    number = number.strip()
    if len(number) <= 10:
        return number[:2] + "*" * max(len(number) - 2, 0)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
