"""One function per registry timeline event (EnterpriseEvent rows, append-only)."""

import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from qinqing.enterprises.bulk import insert
from qinqing.enterprises.models import Enterprise, EnterpriseEvent


def profile_changed(
    enterprise_id: int, *, actor: Any, source: str, fields: list[str], created: bool
) -> EnterpriseEvent:
    return EnterpriseEvent(
        enterprise_id=enterprise_id,
        actor=actor,
        kind="profile_created" if created else "profile_changed",
        data={"source": source, "fields": fields},
    )


def write_all(events: Iterable[EnterpriseEvent]) -> None:
    """Append many events at once (COPY on PostgreSQL)."""
    now = timezone.now()
    insert(
        EnterpriseEvent,
        ["at", "actor_id", "kind", "from_state", "to_state", "note", "data", "enterprise_id"],
        [
            (
                now,
                e.actor_id,
                e.kind,
                e.from_state,
                e.to_state,
                e.note,
                json.dumps(e.data, ensure_ascii=False),
                e.enterprise_id,
            )  # fmt: skip
            for e in events
        ],
    )


def record(
    enterprise: Enterprise | None,
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    **data: Any,
) -> EnterpriseEvent:
    return EnterpriseEvent.objects.create(
        enterprise=enterprise,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data,
    )


def qualification_recorded(enterprise: Enterprise, *, actor: Any, kind: str, valid_to: str) -> None:
    record(enterprise, "qualification_recorded", actor=actor, qualification=kind, valid_to=valid_to)


def tags_changed(
    enterprise: Enterprise, *, actor: Any, added: list[str], removed: list[str]
) -> None:
    record(enterprise, "tags_changed", actor=actor, added=added, removed=removed)


def pool_entered(enterprise: Enterprise, *, actor: Any, pool: str, reason: str) -> None:
    record(enterprise, "pool_entered", actor=actor, note=reason, pool=pool)


def pool_exited(enterprise: Enterprise, *, actor: Any, pool: str, reason: str) -> None:
    record(enterprise, "pool_exited", actor=actor, note=reason, pool=pool)


def warning_handled(
    enterprise: Enterprise,
    *,
    actor: Any,
    warning_id: int,
    from_state: str,
    to_state: str,
    note: str,
) -> None:
    record(
        enterprise, "warning_handled", actor=actor, from_state=from_state, to_state=to_state,
        note=note, warning=warning_id,
    )  # fmt: skip


def correction_requested(
    enterprise: Enterprise, *, actor: Any, request_id: int, field: str
) -> None:
    record(
        enterprise, "correction_requested", actor=actor, to_state="pending",
        request=request_id, field=field,
    )  # fmt: skip


def correction_reviewed(
    enterprise: Enterprise, *, actor: Any, request_id: int, to_state: str, note: str
) -> None:
    record(
        enterprise, "correction_reviewed", actor=actor, from_state="pending", to_state=to_state,
        note=note, request=request_id,
    )  # fmt: skip


def import_finished(*, actor: Any, job_id: int, status: str, counts: dict[str, int]) -> None:
    record(None, "import_finished", actor=actor, to_state=status, job=job_id, **counts)
