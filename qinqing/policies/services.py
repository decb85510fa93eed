"""Every write of the policies app: one atomic function per use case, the object first,
the actor named, an event row in the same transaction, side effects after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.accounts.models import User
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.policies import events
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import (
    Compiled,
    active_items,
    compile_version,
    decide,
    match,
    store,
)
from qinqing.policies.models import (
    Application,
    ApplicationStatus,
    Disbursement,
    EnterpriseMaterial,
    GrantBatch,
    GrantLine,
    ItemMode,
    MatchResult,
    MatchRun,
    MaterialType,
    Outcome,
    PolicyDocument,
    PolicyItem,
    PublishStatus,
    RuleStatus,
    RuleVersion,
)
from qinqing.policies.rules import RuleError, parse
from qinqing.policies.selectors import search_tokens
from qinqing.policies.transitions import APPLICATION, BATCH, DISBURSEMENT, PUBLISH, check

RULE_FILE_FORMAT = "qinqing.policy-rule/1"


def _money(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


# --- library ----------------------------------------------------------------------


def save_document(document: PolicyDocument, *, actor: Any) -> PolicyDocument:
    """Create or update a document from a validated (unsaved or changed) instance."""
    created = document.pk is None
    with transaction.atomic():
        document.save()
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
    created = item.pk is None
    with transaction.atomic():
        if not created:
            PolicyItem.objects.select_for_update().filter(pk=item.pk).first()
        item.save()
        _refresh_search(item)
        events.item_saved(item, actor=actor, created=created)
    return item


def set_item_status(item: PolicyItem, *, actor: Any, action: str, note: str = "") -> PolicyItem:
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
    if not isinstance(data, dict) or data.get("format") != RULE_FILE_FORMAT or "rule" not in data:
        raise ValidationError(
            {
                "file": _("Not a rule file: it needs “format”: “%(format)s” and “rule”.")
                % {"format": RULE_FILE_FORMAT}
            }
        )
    return draft_rule(item, actor=actor, tree=data["rule"], note=_("imported from a file"))


# --- matching ---------------------------------------------------------------------------


def start_full_match(*, actor: Any) -> MatchRun:
    with transaction.atomic():
        run = MatchRun.objects.create(scope="full", requested_by=actor)
        transaction.on_commit(lambda: _enqueue_full(run.pk))
    return run


def _enqueue_full(run_id: int) -> None:
    from qinqing.policies.tasks import run_full_match_task

    run_full_match_task(run_id)


def _enqueue_item_rematch(item_id: int) -> None:
    from qinqing.policies.tasks import rematch_items_task

    rematch_items_task([item_id])


def run_full_match(run_id: int) -> MatchRun:
    """Match every active item over every enterprise; safe to run twice (it replaces)."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now()
    )
    run = MatchRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        items = active_items()
        MatchRun.objects.filter(pk=run_id).update(total=len(items))

        def progress(done: int) -> None:
            MatchRun.objects.filter(pk=run_id).update(done=done)

        results = match(items, progress=progress)
        store(results)
        eligible = int((results["outcome"] == 1).sum())
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.DONE,
            done=len(items),
            eligible=eligible,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    run.refresh_from_db()
    return run


def rematch_enterprises(enterprise_ids: Sequence[int]) -> int:
    """Re-decide every active item for these enterprises (their facts changed)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return 0
    results = match(active_items(), ids)
    store(results, enterprise_ids=ids)
    return results.height


def rematch_items(item_ids: Sequence[int]) -> int:
    """Re-decide these items for every enterprise (a rule was published or withdrawn)."""
    ids = sorted(set(item_ids))
    compiled = active_items(ids)
    results = match(compiled) if compiled else None
    store(results if results is not None else match([], []), item_ids=ids)
    return 0 if results is None else results.height


# --- push (政策找人) -----------------------------------------------------------------------


def enterprise_users(enterprise_ids: Sequence[int]) -> dict[int, list[User]]:
    usccs = dict(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("uscc", "pk"))
    by_enterprise: dict[int, list[User]] = {}
    for user in User.objects.filter(uscc__in=list(usccs), is_active=True):
        by_enterprise.setdefault(usccs[user.uscc], []).append(user)
    return by_enterprise


def push_item(item: PolicyItem, *, actor: Any, sms: bool = True) -> int:
    """Tell every eligible enterprise about the item (once per item and rule version)."""
    item = PolicyItem.objects.get(pk=item.pk)
    if item.status != PublishStatus.PUBLISHED or item.current_rule_id is None:
        raise ValidationError(_("Only a published item with a published rule can be pushed."))
    ids = list(
        MatchResult.objects.filter(item=item, outcome=Outcome.ELIGIBLE).values_list(
            "enterprise_id", flat=True
        )
    )
    sent = 0
    with transaction.atomic():
        for users in enterprise_users(ids).values():
            sent += len(
                notify(
                    users,
                    kind="policy_match",
                    title=_("You may qualify for “%(title)s”") % {"title": item.title},
                    body=_("Open “My policies” to see why and what to do next."),
                    url=f"/policies/items/{item.pk}/",
                    dedupe_key=f"policy:{item.pk}:v{item.current_rule_id}",
                    sms=sms,
                )
            )
        events.record(
            "item_pushed", actor=actor, item=item, data={"enterprises": len(ids), "messages": sent}
        )
    return sent


# --- 免申即享 grants ------------------------------------------------------------------------


def _committed(item: PolicyItem, *, exclude_batch: int | None = None) -> Decimal:
    """Money already promised: uncancelled disbursements plus lines of open batches."""
    paid = Disbursement.objects.filter(item=item).exclude(
        status=Disbursement.Status.CANCELLED
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    pending = GrantLine.objects.filter(
        batch__item=item, batch__status=GrantBatch.Status.DRAFT, status=GrantLine.Status.INCLUDED
    )
    if exclude_batch is not None:
        pending = pending.exclude(batch_id=exclude_batch)
    return paid + (pending.aggregate(s=Sum("amount"))["s"] or Decimal(0))


def create_grant_batch(
    item: PolicyItem, *, actor: Any, period: str, idempotency_key: str
) -> GrantBatch:
    """A grant list of eligible enterprises for review, within the budget left. The same
    key returns the same batch (retries are safe)."""
    existing = GrantBatch.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    period = (period or "").strip()
    if not period:
        raise ValidationError({"period": _("Give the award period, e.g. 2025.")})
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=item.pk)
        if (
            item.mode != ItemMode.AUTO
            or item.status != PublishStatus.PUBLISHED
            or item.current_rule is None
        ):
            raise ValidationError(
                _("Grant lists are only for published no-application items with a rule.")
            )
        compiled = compile_version(item.current_rule, item)
        candidates = list(
            MatchResult.objects.filter(item=item, outcome=Outcome.ELIGIBLE)
            .order_by("enterprise_id")
            .values_list("enterprise_id", flat=True)
        )
        facts = facts_for(candidates)
        paid = set(
            Disbursement.objects.filter(item=item, period=period, enterprise_id__in=candidates)
            .exclude(status=Disbursement.Status.CANCELLED)
            .values_list("enterprise_id", flat=True)
        )
        listed = set(
            GrantLine.objects.filter(
                batch__item=item,
                batch__period=period,
                status=GrantLine.Status.INCLUDED,
                batch__status=GrantBatch.Status.DRAFT,
            ).values_list("enterprise_id", flat=True)
        )
        left = None if item.budget is None else item.budget - _committed(item)
        batch = GrantBatch.objects.create(
            item=item, period=period, created_by=actor, idempotency_key=idempotency_key
        )
        lines, total = [], Decimal(0)
        for enterprise_id in candidates:
            if enterprise_id not in facts or enterprise_id in listed:
                continue
            answer = decide(compiled, facts[enterprise_id])
            if answer.outcome != Outcome.ELIGIBLE:
                continue  # facts changed since the last run
            amount = _money(answer.amount) or Decimal(0)
            if enterprise_id in paid:
                status = GrantLine.Status.ALREADY_PAID
            elif left is not None and total + amount > left:
                status = GrantLine.Status.OVER_BUDGET
            else:
                status = GrantLine.Status.INCLUDED
                total += amount
            lines.append(
                GrantLine(
                    batch=batch,
                    enterprise_id=enterprise_id,
                    amount=amount,
                    status=status,
                    rule_version_id=compiled.version_id,
                    decision=answer.snapshot(),
                )
            )
        GrantLine.objects.bulk_create(lines)
        batch.total = total
        batch.save(update_fields=["total"])
        events.batch_changed(
            batch,
            actor=actor,
            action="created",
            old="",
            new=batch.status,
            data={"lines": len(lines), "total": str(total)},
        )
    return batch


def remove_grant_line(line: GrantLine, *, actor: Any, note: str = "") -> GrantLine:
    with transaction.atomic():
        batch = GrantBatch.objects.select_for_update().get(pk=line.batch_id)
        line = GrantLine.objects.select_for_update().get(pk=line.pk)
        if batch.status != GrantBatch.Status.DRAFT or line.status != GrantLine.Status.INCLUDED:
            raise ValidationError(_("Only included lines of a list under review can be removed."))
        line.status = GrantLine.Status.REMOVED
        line.save(update_fields=["status"])
        batch.total -= line.amount
        batch.save(update_fields=["total", "updated_at"])
        events.batch_changed(
            batch,
            actor=actor,
            action="line_removed",
            old="",
            new="",
            data={"enterprise": line.enterprise_id, "note": note},
        )
    return line


def approve_grant_batch(batch: GrantBatch, *, actor: Any) -> GrantBatch:
    """Approve the list: one pending disbursement per included line. The item row lock
    serialises approvals of one item; the budget and the once-per-period rule are
    checked again under it (and the unique constraint backs the latter)."""
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=batch.item_id)
        batch = GrantBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == GrantBatch.Status.APPROVED:
            return batch  # a retry
        new_status = check(BATCH, batch.status, "approve")
        left = (
            None if item.budget is None else item.budget - _committed(item, exclude_batch=batch.pk)
        )
        spent = Decimal(0)
        for line in batch.lines.filter(status=GrantLine.Status.INCLUDED).select_for_update():
            already = Disbursement.objects.filter(
                item=item, enterprise_id=line.enterprise_id, period=batch.period
            )
            if already.exclude(status=Disbursement.Status.CANCELLED).exists():
                line.status = GrantLine.Status.ALREADY_PAID
            elif left is not None and spent + line.amount > left:
                line.status = GrantLine.Status.OVER_BUDGET
            else:
                disbursement = Disbursement.objects.create(
                    item=item,
                    enterprise_id=line.enterprise_id,
                    period=batch.period,
                    amount=line.amount,
                    grant_line=line,
                )
                spent += line.amount
                events.disbursement_changed(
                    disbursement, actor=actor, action="created", old="", new="pending"
                )
                continue
            line.save(update_fields=["status"])
        old = batch.status
        batch.status, batch.approved_by, batch.total = new_status, actor, spent
        batch.save(update_fields=["status", "approved_by", "total", "updated_at"])
        events.batch_changed(
            batch,
            actor=actor,
            action="approve",
            old=old,
            new=new_status,
            data={"total": str(spent)},
        )
        _notify_grants(batch)
    return batch


def _notify_grants(batch: GrantBatch) -> None:
    ids = list(
        batch.lines.filter(disbursement__isnull=False).values_list("enterprise_id", flat=True)
    )
    for enterprise_id, users in enterprise_users(ids).items():
        notify(
            users,
            kind="policy_grant",
            title=_("“%(title)s” will be paid to you without an application")
            % {"title": batch.item.title},
            url="/policies/mine/",
            dedupe_key=f"grant:{batch.item_id}:{batch.period}:{enterprise_id}",
            sms=True,
        )


def cancel_grant_batch(batch: GrantBatch, *, actor: Any) -> GrantBatch:
    with transaction.atomic():
        batch = GrantBatch.objects.select_for_update().get(pk=batch.pk)
        old = batch.status
        batch.status = check(BATCH, old, "cancel")
        batch.save(update_fields=["status", "updated_at"])
        events.batch_changed(batch, actor=actor, action="cancel", old=old, new=batch.status)
    return batch


def mark_disbursement_paid(
    disbursement: Disbursement, *, actor: Any, paid_on: dt.date
) -> Disbursement:
    """Record the payment; paying an already paid disbursement again changes nothing."""
    with transaction.atomic():
        disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if disbursement.status == Disbursement.Status.PAID:
            return disbursement
        old = disbursement.status
        disbursement.status = check(DISBURSEMENT, old, "pay")
        disbursement.paid_on = paid_on
        disbursement.save(update_fields=["status", "paid_on", "updated_at"])
        events.disbursement_changed(
            disbursement, actor=actor, action="pay", old=old, new=disbursement.status
        )
        if disbursement.application_id:
            application = Application.objects.select_for_update().get(
                pk=disbursement.application_id
            )
            _move(application, actor=actor, action="pay", fields={"paid_at": timezone.now()})
    return disbursement


# --- materials and applications (一窗兑现) -------------------------------------------------


def save_material(
    enterprise: Enterprise,
    *,
    actor: Any,
    material_type: str,
    file: Any,
    valid_to: dt.date | None = None,
) -> EnterpriseMaterial:
    if material_type not in MaterialType.values:
        raise ValidationError({"material_type": _("Unknown material type.")})
    with transaction.atomic():
        material = EnterpriseMaterial.objects.create(
            enterprise=enterprise,
            material_type=material_type,
            file=file,
            valid_to=valid_to,
            uploaded_by=actor,
        )
        events.record(
            "material_uploaded",
            actor=actor,
            data={"enterprise": enterprise.pk, "type": material_type},
        )
    return material


def material_checklist(
    item: PolicyItem, enterprise: Enterprise, today: dt.date
) -> list[tuple[str, str, EnterpriseMaterial | None]]:
    """(type, label, the valid material on file or None) for each required material."""
    on_file: dict[str, EnterpriseMaterial] = {}
    for material in EnterpriseMaterial.objects.filter(
        enterprise=enterprise, material_type__in=list(item.required_materials or [])
    ):
        if material.is_valid_on(today) and material.material_type not in on_file:
            on_file[material.material_type] = material
    return [
        (
            code,
            str(MaterialType(code).label) if code in MaterialType.values else code,
            on_file.get(code),
        )
        for code in item.required_materials or []
    ]


def submit_application(
    item: PolicyItem,
    *,
    actor: Any,
    enterprise: Enterprise,
    idempotency_key: str,
    amount_requested: Decimal | None = None,
    note: str = "",
) -> Application:
    """Apply for an item. Materials on file are attached (not asked again); the payout
    clock starts now, in working days. The same key returns the same application."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    today = timezone.localdate()
    if not item.is_open_for_applications(today):
        raise ValidationError(_("This item does not take applications now."))
    checklist = material_checklist(item, enterprise, today)
    missing = [label for _code, label, material in checklist if material is None]
    if missing:
        raise ValidationError(
            {"materials": _("Please upload first: %(missing)s.") % {"missing": "、".join(missing)}}
        )
    answer = None
    if item.current_rule is not None:
        facts = facts_for([enterprise.pk]).get(enterprise.pk)
        if facts is not None:
            answer = decide(compile_version(item.current_rule, item), facts)
            if answer.outcome == Outcome.INELIGIBLE:
                raise ValidationError(
                    _("By the data on file your enterprise does not meet this item's conditions.")
                )
    from qinqing.workdays.services import deadline_after

    try:
        with transaction.atomic():
            application = Application.objects.create(
                item=item,
                enterprise=enterprise,
                period=item.period or str(today.year),
                applicant=actor,
                status=ApplicationStatus.SUBMITTED,
                note=note,
                amount_requested=amount_requested,
                submitted_at=now,
                due_at=deadline_after(now, item.payout_days),
                rule_version_id=item.current_rule_id,
                decision=answer.snapshot() if answer else {},
                idempotency_key=idempotency_key,
            )
            application.materials.set([m for _c, _l, m in checklist if m is not None])
            events.application_changed(
                application, actor=actor, action="submit", old="", new=application.status
            )
    except IntegrityError:
        raise ValidationError(
            _("Your enterprise already has an application for this item and period.")
        ) from None
    return application


def _move(
    application: Application,
    *,
    actor: Any,
    action: str,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> Application:
    old = application.status
    application.status = check(APPLICATION, old, action)
    updates = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(application, name, value)
        updates.append(name)
    application.save(update_fields=updates)
    events.application_changed(
        application, actor=actor, action=action, old=old, new=application.status, note=note
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("item", "enterprise")
        .get(pk=application.pk)
    )


def _tell_applicant(application: Application, title: str) -> None:
    notify(
        [application.applicant],
        kind="policy_application",
        title=title,
        url=f"/policies/applications/{application.pk}/",
        sms=True,
    )


def return_application(application: Application, *, actor: Any, note: str) -> Application:
    if not note.strip():
        raise ValidationError({"note": _("Say what needs correcting.")})
    with transaction.atomic():
        application = _move(_locked(application), actor=actor, action="return", note=note)
        _tell_applicant(
            application,
            _("Your application for “%(title)s” needs correction")
            % {"title": application.item.title},
        )
    return application


def resubmit_application(application: Application, *, actor: Any, note: str = "") -> Application:
    """The corrected application starts a new payout clock (补正后重新计时)."""
    from qinqing.workdays.services import deadline_after

    now = timezone.now()
    with transaction.atomic():
        application = _locked(application)
        today = timezone.localdate()
        missing = [
            label
            for _c, label, m in material_checklist(application.item, application.enterprise, today)
            if m is None
        ]
        if missing:
            raise ValidationError(
                {
                    "materials": _("Please upload first: %(missing)s.")
                    % {"missing": "、".join(missing)}
                }
            )
        application.materials.set(
            [
                m
                for _c, _l, m in material_checklist(application.item, application.enterprise, today)
                if m
            ]
        )
        application = _move(
            application,
            actor=actor,
            action="resubmit",
            note=note,
            fields={
                "submitted_at": now,
                "due_at": deadline_after(now, application.item.payout_days),
            },
        )
    return application


def approve_application(
    application: Application, *, actor: Any, amount: Decimal | None = None, note: str = ""
) -> Application:
    with transaction.atomic():
        application = _locked(application)
        item = PolicyItem.objects.select_for_update().get(pk=application.item_id)
        if amount is None:
            amount = _money(application.decision.get("amount")) or application.amount_requested
        if amount is None:
            facts = facts_for([application.enterprise_id]).get(application.enterprise_id)
            amount = _money(item.benefit().amount_for(facts)) if facts else None
        if amount is None or amount < 0:
            raise ValidationError({"amount": _("Give the approved amount (10k yuan).")})
        if item.per_enterprise_cap is not None and amount > item.per_enterprise_cap:
            raise ValidationError(
                {
                    "amount": _("The amount exceeds the cap per enterprise of %(cap)s.")
                    % {"cap": item.per_enterprise_cap}
                }
            )
        if item.budget is not None and _committed(item) + amount > item.budget:
            raise ValidationError(
                {"amount": _("The amount exceeds the budget left for this item.")}
            )
        application = _move(
            application,
            actor=actor,
            action="approve",
            note=note,
            fields={"amount_approved": amount, "decided_at": timezone.now()},
        )
        try:
            with transaction.atomic():
                disbursement = Disbursement.objects.create(
                    item=item,
                    enterprise=application.enterprise,
                    period=application.period,
                    amount=amount,
                    application=application,
                )
        except IntegrityError:
            raise ValidationError(
                _("This enterprise has already been awarded this item for the period.")
            ) from None
        events.disbursement_changed(
            disbursement, actor=actor, action="created", old="", new="pending"
        )
        _tell_applicant(
            application, _("Your application for “%(title)s” was approved") % {"title": item.title}
        )
    return application


def reject_application(application: Application, *, actor: Any, note: str) -> Application:
    if not note.strip():
        raise ValidationError({"note": _("Give the reason.")})
    with transaction.atomic():
        application = _move(
            _locked(application),
            actor=actor,
            action="reject",
            note=note,
            fields={"decided_at": timezone.now()},
        )
        _tell_applicant(
            application,
            _("Your application for “%(title)s” was not approved")
            % {"title": application.item.title},
        )
    return application


def withdraw_application(application: Application, *, actor: Any) -> Application:
    with transaction.atomic():
        return _move(_locked(application), actor=actor, action="withdraw")


def compiled_for(item: PolicyItem) -> Compiled | None:
    return compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
