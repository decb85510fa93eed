"""Settings of 好差评, from Django settings or the environment.

RATINGS_RECTIFY_WORKDAYS: working days a department has to rectify a 差评 (default 5;
local rules use 15, 7 or 5).
RATINGS_BASIC_COUNTS_AS_GOOD: whether 基本满意 counts as good in 好评率. The default (False)
follows the common reading that 基本满意 is a 中评: 好评率 = (非常满意 + 满意) ÷ all ratings.
"""

from django.conf import settings

from qinqing.lib.env import env_bool, env_int


def rectify_workdays() -> int:
    return int(
        getattr(settings, "RATINGS_RECTIFY_WORKDAYS", env_int("RATINGS_RECTIFY_WORKDAYS", 5))
    )


def basic_counts_as_good() -> bool:
    return bool(
        getattr(
            settings,
            "RATINGS_BASIC_COUNTS_AS_GOOD",
            env_bool("RATINGS_BASIC_COUNTS_AS_GOOD", False),
        )
    )
