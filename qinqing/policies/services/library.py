"""The policy library (政策库): documents, items and their eligibility rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.policies import events
from qinqing.policies.matching import (
    compile_version,
    match,
)
from qinqing.policies.models import (
    PolicyAttachment,
    PolicyDocument,
    PolicyItem,
    RuleStatus,
    RuleVersion,
)
from qinqing.policies.rules import RuleError, parse
from qinqing.policies.selectors import ensure_manager, search_tokens
from qinqing.policies.services.rematch import _enqueue_item_rematch
from qinqing.policies.transitions import PUBLISH, check

RULE_FILE_FORMAT = "qinqing.policy-rule/1"


# --- library ----------------------------------------------------------------------


def save_document(
    document: PolicyDocument, *, actor: Any, attachment: Any = None
) -> PolicyDocument:
    """Create or update a document from a validated (unsaved or changed) instance, with an
    uploaded file to attach when one is given."""
    ensure_manager(None, actor, "policies:save_document")
    created = document.pk is None
    with transaction.atomic():
        document.save()
        if attachment is not None:
            PolicyAttachment.objects.create(
                document=document, name=(attachment.name or "file")[:200], file=attachment
            )
        events.record(
            "document_created" if created else "document_edited", actor=actor, document=document
        )
        if not created:
            for item in document.items.all():
                _refresh_search(item)
    return document


def set_document_status(
    document: PolicyDocument, *, actor: Any, action: str, note: str = ""
) -> PolicyDocument:
    ensure_manager(None, actor, "policies:set_document_status")
    with transaction.atomic():
        document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
        old = document.status
        document.status = check(PUBLISH, old, action)
        document.save(update_fields=["status", "updated_at"])
        events.document_status_changed(
            document, actor=actor, old=old, new=document.status, note=note
        )
    return document


def _refresh_search(item: PolicyItem) -> None:
    text = " ".join(
        [
            item.title,
            item.summary,
            item.document.title,
            item.document.issuer,
            item.document.doc_number,
            item.document.full_text,
            item.department.name,
        ]
    )
    item.search_text = " ".join(search_tokens(text))
    PolicyItem.objects.filter(pk=item.pk).update(search_text=item.search_text)


def save_item(item: PolicyItem, *, actor: Any) -> PolicyItem:
    ensure_manager(None, actor, "policies:save_item")
    created = item.pk is None
    with transaction.atomic():
        if not created:
            PolicyItem.objects.select_for_update().filter(pk=item.pk).first()
        item.save()
        _refresh_search(item)
        events.item_saved(item, actor=actor, created=created)
    return item


def set_item_status(item: PolicyItem, *, actor: Any, action: str, note: str = "") -> PolicyItem:
    ensure_manager(None, actor, "policies:set_item_status")
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=item.pk)
        old = item.status
        item.status = check(PUBLISH, old, action)
        item.save(update_fields=["status", "updated_at"])
        events.item_status_changed(item, actor=actor, old=old, new=item.status, note=note)
        transaction.on_commit(lambda: _enqueue_item_rematch(item.pk))
    return item


# --- rules --------------------------------------------------------------------------


def validate_tree(item: PolicyItem, tree: Any) -> None:
    try:
        parse(tree, own_item=item.pk)
    except RuleError as exc:
        raise ValidationError({"tree": str(exc)}) from exc


def draft_rule(item: PolicyItem, *, actor: Any, tree: Any, note: str = "") -> RuleVersion:
    """Save `tree` as the item's draft: the open draft is updated, else a new version."""
    ensure_manager(None, actor, "policies:draft_rule")
    validate_tree(item, tree)
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=item.pk)
        draft = item.rule_versions.filter(status=RuleStatus.DRAFT).order_by("-number").first()
        if draft is None:
            number = (item.rule_versions.aggregate(n=Max("number"))["n"] or 0) + 1
            draft = RuleVersion.objects.create(
                item=item, number=number, tree=tree, note=note, created_by=actor
            )
        else:
            draft.tree, draft.note = tree, note
            draft.save(update_fields=["tree", "note"])
        events.rule_drafted(draft, actor=actor)
    return draft


def preview_rule(version: RuleVersion) -> dict[str, Any]:
    """The effect of publishing `version`: who gains or loses eligibility, and money."""
    item = version.item
    new = compile_version(version, item)
    candidates = [new]
    current = item.current_rule if item.current_rule_id else None
    if current is not None:
        old = compile_version(current, item)
        old.item_id = -1  # tell the two apart in one pass
        candidates.append(old)
    results = match(candidates)
    new_rows = results.filter(results["item_id"] == item.pk)
    old_rows = results.filter(results["item_id"] == -1)
    new_e = set(new_rows.filter(new_rows["outcome"] == 1)["enterprise_id"].to_list())
    old_e = set(old_rows.filter(old_rows["outcome"] == 1)["enterprise_id"].to_list())

    def total(rows: Any) -> float:
        value = rows.filter(rows["outcome"] == 1)["amount"].sum()
        return round(float(value or 0), 2)

    return {
        "eligible": len(new_e),
        "almost": int((new_rows["outcome"] == 2).sum()),
        "unknown": int((new_rows["outcome"] == 3).sum()),
        "gain": len(new_e - old_e),
        "lose": len(old_e - new_e),
        "amount": total(new_rows),
        "amount_before": total(old_rows) if current is not None else 0.0,
        "eligible_before": len(old_e),
    }


def publish_rule(version: RuleVersion, *, actor: Any) -> RuleVersion:
    ensure_manager(None, actor, "policies:publish_rule")
    effect = preview_rule(version)
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=version.item_id)
        version = RuleVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != RuleStatus.DRAFT:
            raise ValidationError(_("Only a draft rule can be published."))
        previous = item.current_rule
        if previous is not None:
            RuleVersion.objects.filter(pk=previous.pk).update(status=RuleStatus.RETIRED)
        version.status = RuleStatus.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        item.current_rule = version
        item.save(update_fields=["current_rule", "updated_at"])
        events.rule_published(version, actor=actor, previous=previous, effect=effect)
        transaction.on_commit(lambda: _enqueue_item_rematch(item.pk))
    return version


def export_rule(version: RuleVersion) -> dict[str, Any]:
    return {
        "format": RULE_FILE_FORMAT,
        "item": version.item.title,
        "version": version.number,
        "status": version.status,
        "rule": version.tree,
    }


def import_rule(item: PolicyItem, *, actor: Any, data: Any) -> RuleVersion:
    """Make a draft from an exported rule file (see docs/policy-rules.md)."""
    ensure_manager(None, actor, "policies:import_rule")
    if not isinstance(data, dict) or data.get("format") != RULE_FILE_FORMAT or "rule" not in data:
        raise ValidationError(
            {
                "file": _("Not a rule file: it needs “format”: “%(format)s” and “rule”.")
                % {"format": RULE_FILE_FORMAT}
            }
        )
    return draft_rule(item, actor=actor, tree=data["rule"], note=_("imported from a file"))
