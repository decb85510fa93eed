"""The certificate store other modules consult, so that a material already on file is
not asked again (电子证照 / 材料云柜, "一次采集、多次使用").

catalog keeps the store; policies sits in the same layer and must not import catalog.
core therefore offers one lookup slot, which catalog fills in its AppConfig.ready:

    register_certificate_lookup(fn)
    fn(enterprise_id, kinds, today) -> {kind: OnFile}   # valid certificates only

`certificates_on_file` answers {} while nothing is registered (or when the lookup
fails), so the asking module falls back to asking for the material.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("qinqing.core")


@dataclass(frozen=True)
class OnFile:
    """One valid certificate in the store, as an asking module may record it."""

    kind: str
    certificate_id: int
    name: str
    number: str
    issuer: str
    valid_to: dt.date | None

    def as_link(self) -> dict[str, Any]:
        """JSON-safe, for the asking module's own record of what it took from the store."""
        return {
            "kind": self.kind,
            "certificate_id": self.certificate_id,
            "name": self.name,
            "number": self.number,
            "issuer": self.issuer,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


Lookup = Callable[[int, list[str], dt.date], dict[str, OnFile]]
_LOOKUPS: list[Lookup] = []


def register_certificate_lookup(fn: Lookup) -> None:
    if fn not in _LOOKUPS:
        _LOOKUPS.append(fn)


def unregister_certificate_lookup(fn: Lookup) -> None:
    if fn in _LOOKUPS:
        _LOOKUPS.remove(fn)


def certificates_on_file(
    enterprise_id: int, kinds: Iterable[str], today: dt.date
) -> dict[str, OnFile]:
    """kind -> a valid certificate of that kind that the enterprise has on file."""
    wanted = sorted({k for k in kinds if k})
    found: dict[str, OnFile] = {}
    if not wanted:
        return found
    for fn in list(_LOOKUPS):
        try:
            answer = fn(enterprise_id, wanted, today)
        except Exception:
            logger.exception("certificate lookup %r failed for enterprise %s", fn, enterprise_id)
            continue
        for kind, on_file in answer.items():
            found.setdefault(kind, on_file)
    return found
