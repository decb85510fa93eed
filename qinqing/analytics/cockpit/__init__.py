"""The leaders' cockpit (驾驶舱): daily rollups and the overview built from them.

Rollups: `refresh_rollups(day_from, day_to)` rebuilds AppealDaily and RatingDaily for the
days given (by the day an appeal was received / a rating given, Asia/Shanghai). Outcomes
of older appeals change after the day they arrived, so the periodic task rebuilds the
last ROLLING_DAYS days every few minutes and the whole year once a night; "open" and
"overdue" are as of the refresh time. Every panel shows when its data was refreshed.

Appeal figures (on the appeals' own outcome fields):
- 按时响应率 (ack_rate): acknowledged on time ÷ appeals with an acknowledge clock stopped.
- 按时办结率 (close_rate): closed on time ÷ (appeals closed + appeals open and overdue), as
  in docs/appeals-metrics.md: an open overdue appeal counts against the rate.
- 问题解决率 (solved_rate): solved according to the call-back ÷ appeals called back.
- 满意率 (satisfied_rate): 非常满意 + 满意 + 基本满意 ÷ appeals rated (the 12345 reading).
好评率 of services comes from ratings.metrics' definition (see there)."""

from qinqing.analytics.cockpit.selectors import (
    APPEAL_SUMS,
    FULL_ROLES,
    LIVE_SECONDS,
    RATING_SUMS,
    Scope,
    cockpit_scope,
    freshness,
    overview,
    policy_figures,
    warning_figures,
)
from qinqing.analytics.cockpit.services import (
    ROLLING_DAYS,
    refresh_appeal_rollup,
    refresh_rating_rollup,
    refresh_rollups,
    warm_overviews,
)

__all__ = [
    "APPEAL_SUMS",
    "FULL_ROLES",
    "LIVE_SECONDS",
    "RATING_SUMS",
    "ROLLING_DAYS",
    "Scope",
    "cockpit_scope",
    "freshness",
    "overview",
    "policy_figures",
    "refresh_appeal_rollup",
    "refresh_rating_rollup",
    "refresh_rollups",
    "warm_overviews",
    "warning_figures",
]
