"""One function per timeline event; each writes an append-only PolicyEvent row and must
run inside the caller's transaction. Each is announced to the listeners of
policies/hooks.py after commit."""

from typing import Any

from qinqing.policies import hooks
from qinqing.policies.models import PolicyEvent


def record(
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    **targets: Any,
) -> PolicyEvent:
    event = PolicyEvent.objects.create(
        kind=kind,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        **targets,
    )
    hooks.announce(kind, event.pk)
    return event


def document_status_changed(
    document: Any, *, actor: Any, old: str, new: str, note: str = ""
) -> PolicyEvent:
    return record(
        f"document_{new}", actor=actor, from_state=old, to_state=new, note=note, document=document
    )


def item_status_changed(
    item: Any, *, actor: Any, old: str, new: str, note: str = ""
) -> PolicyEvent:
    return record(f"item_{new}", actor=actor, from_state=old, to_state=new, note=note, item=item)


def item_saved(item: Any, *, actor: Any, created: bool) -> PolicyEvent:
    return record("item_created" if created else "item_edited", actor=actor, item=item)


def rule_drafted(version: Any, *, actor: Any) -> PolicyEvent:
    return record(
        "rule_drafted",
        actor=actor,
        item=version.item,
        rule_version=version,
        data={"number": version.number},
    )


def rule_published(
    version: Any, *, actor: Any, previous: Any, effect: dict[str, Any]
) -> PolicyEvent:
    return record(
        "rule_published",
        actor=actor,
        item=version.item,
        rule_version=version,
        from_state=f"v{previous.number}" if previous else "",
        to_state=f"v{version.number}",
        data=effect,
    )


def application_changed(
    application: Any,
    *,
    actor: Any,
    action: str,
    old: str,
    new: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> PolicyEvent:
    return record(
        f"application_{action}",
        actor=actor,
        from_state=old,
        to_state=new,
        note=note,
        data=data,
        application=application,
        item=application.item,
    )


def batch_changed(
    batch: Any, *, actor: Any, action: str, old: str, new: str, data: dict[str, Any] | None = None
) -> PolicyEvent:
    return record(
        f"batch_{action}",
        actor=actor,
        from_state=old,
        to_state=new,
        data=data,
        batch=batch,
        item=batch.item,
    )


def disbursement_changed(
    disbursement: Any, *, actor: Any, action: str, old: str, new: str, note: str = ""
) -> PolicyEvent:
    return record(
        f"disbursement_{action}",
        actor=actor,
        from_state=old,
        to_state=new,
        note=note,
        disbursement=disbursement,
        item=disbursement.item,
    )
