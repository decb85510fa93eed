"""Request limits per caller, counted in the cache (Redis in production, so every worker
process shares one count): a fixed one-minute window per scope and caller.

Far below the limit a process does not ask the shared count for every request: it
reserves a few hits at once (one round trip) and hands them out itself. The shared
count then includes hits reserved and not yet used, so a caller is never let through
more than the limit; at worst a caller near its limit is refused a few requests early,
while another process still holds hits it reserved (at most RESERVE - 1 per process and
window). Reserving stops once the count passes half the limit, so from then on every
request is counted one by one, and small limits are always counted exactly.
"""

import threading
import time

from qinqing.core.cache import count

WINDOW_SECONDS = 60
RESERVE = 8

_lock = threading.Lock()
_window = 0
# (key, limit) -> hits this process reserved in the current window and has not used
_reserved: dict[tuple[str, int], int] = {}
# (key, limit) -> the shared count this process saw last, and whether a thread is
# reserving for it now (then the others count one by one)
_seen: dict[tuple[str, int], int] = {}
_reserving: set[tuple[str, int]] = set()


def hit(scope: str, ident: str, limit: int) -> int | None:
    """Count one request of `ident` in `scope`. None when it is within `limit` per minute
    (a limit of 0 or less means no limit); else the seconds until the window ends, for
    a Retry-After header."""
    global _window
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{ident}:{window}"
    slot = (key, limit)
    with _lock:
        if window != _window:  # what was reserved for the last window is void
            _window = window
            _reserved.clear()
            _seen.clear()
            _reserving.clear()
        if _reserved.get(slot, 0) > 0:
            _reserved[slot] -= 1
            return None
        block = 1
        if slot not in _reserving and _seen.get(slot, 0) + RESERVE <= limit // 2:
            block = RESERVE
            _reserving.add(slot)
    try:
        total = count(key, timeout=WINDOW_SECONDS + 5, by=block)
    finally:
        if block > 1:
            with _lock:
                _reserving.discard(slot)
    usable = min(block, limit - (total - block))  # those of ours within the limit
    if usable <= 0:
        return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
    with _lock:
        if window == _window:
            _seen[slot] = max(_seen.get(slot, 0), total)
            if usable > 1:
                _reserved[slot] = _reserved.get(slot, 0) + usable - 1
    return None


def caller_ident(user: object, remote_addr: str | None) -> str:
    pk = getattr(user, "pk", None)
    if pk is not None and getattr(user, "is_authenticated", False):
        return f"user:{pk}"
    return f"ip:{remote_addr or '-'}"
