"""When the registry's facts about an enterprise change, re-decide its matches after
commit. Ids are collected so a bulk import in one transaction enqueues one task."""

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

_pending = threading.local()


def _flush() -> None:
    ids = sorted(getattr(_pending, "ids", set()))
    _pending.ids = set()
    if ids:
        from qinqing.policies.tasks import rematch_enterprises_task

        rematch_enterprises_task(ids)


def facts_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    enterprise_id = getattr(instance, "enterprise_id", None) or getattr(instance, "pk", None)
    if kwargs.get("raw") or enterprise_id is None:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(enterprise_id)
    # every save registers a flush; the first one after commit sends all pending ids
    transaction.on_commit(_flush)


def connect() -> None:
    from qinqing.enterprises.models import Enterprise, Qualification, YearFact

    for model in (Enterprise, YearFact, Qualification):
        post_save.connect(
            facts_changed, sender=model, dispatch_uid=f"policies-facts-{model.__name__}"
        )
    for model in (YearFact, Qualification):
        post_delete.connect(
            facts_changed, sender=model, dispatch_uid=f"policies-facts-del-{model.__name__}"
        )
