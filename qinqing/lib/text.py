"""Text that may enter the system: C0 control characters are never stored.

PostgreSQL refuses NUL (0x00) outright (a 500 if it reaches the database); the other C0
controls break XML and Excel files on the way out. Tab, line feed and carriage return
stay: multi-line text is legal.
"""

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def first_control(text: str) -> str | None:
    """The first forbidden control character in `text`, or None."""
    match = CONTROL_CHARACTERS.search(text)
    return match.group() if match else None


def strip_controls(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def describe(char: str) -> str:
    """How a person reads a control character: U+0000."""
    return f"U+{ord(char):04X}"
