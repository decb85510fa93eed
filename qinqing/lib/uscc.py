"""统一社会信用代码 (GB 32100-2015) validation through python-stdnum."""

from stdnum.cn import uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)


class UsccError(ValueError):
    """The code is not a valid 统一社会信用代码; the message says why, in Chinese."""


def validate_uscc(value: str) -> str:
    """Return the normalised code, or raise UsccError with the reason."""
    code = (value or "").strip().upper()
    try:
        return str(uscc.validate(code))
    except InvalidLength as exc:
        raise UsccError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位") from exc
    except InvalidChecksum as exc:
        raise UsccError("统一社会信用代码校验位错误") from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise UsccError("统一社会信用代码含有不允许的字符或登记管理部门代码无效") from exc
    except ValidationError as exc:
        raise UsccError("统一社会信用代码无效") from exc


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except UsccError:
        return False
    return True


def make_uscc(body17: str) -> str:
    """Append the GB 32100 check character to a 17-character body (demo data, tests)."""
    return body17 + str(uscc.calc_check_digit(body17))
