"""Request limits per caller, counted in the cache (Redis in production, so every worker
process shares one count): a fixed one-minute window per scope and caller."""

import time

from qinqing.core.cache import count

WINDOW_SECONDS = 60


def hit(scope: str, ident: str, limit: int) -> int | None:
    """Count one request of `ident` in `scope`. None when it is within `limit` per minute
    (a limit of 0 or less means no limit); else the seconds until the window ends, for
    a Retry-After header."""
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{ident}:{window}"
    if count(key, timeout=WINDOW_SECONDS + 5) <= limit:
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)


def caller_ident(user: object, remote_addr: str | None) -> str:
    pk = getattr(user, "pk", None)
    if pk is not None and getattr(user, "is_authenticated", False):
        return f"user:{pk}"
    return f"ip:{remote_addr or '-'}"
