"""Where a policy document stands on the officer's way to publication (the guided page):
document → items → eligibility rule → preview → publish. Reads only."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qinqing.policies.models import PolicyDocument, PolicyItem, PublishStatus, RuleStatus

DONE, CURRENT, TODO = "done", "current", "todo"


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    state: str  # done | current | todo
    detail: Any = ""
    url: str = ""
    action: Any = ""  # the link's words


@dataclass
class ItemProgress:
    item: PolicyItem
    steps: list[Step] = field(default_factory=list)
    draft_id: int | None = None

    @property
    def ready_to_publish(self) -> bool:
        return self.item.status != PublishStatus.PUBLISHED and self.item.current_rule_id is not None


def item_progress(item: PolicyItem) -> ItemProgress:
    draft = next((v for v in item.rule_versions.all() if v.status == RuleStatus.DRAFT), None)
    has_rule = item.current_rule_id is not None
    rule_url = reverse("policies:rule", args=[item.pk])
    if draft is not None:
        rule = Step(
            "rule", _("Eligibility rule"), DONE, _("a draft is written"), rule_url, _("Edit")
        )
        preview = Step(
            "preview",
            _("Preview and publish the rule"),
            CURRENT,
            _("see who would qualify before the rule takes effect"),
            rule_url + "?preview=1",
            _("Preview the effect"),
        )
    elif has_rule:
        rule = Step("rule", _("Eligibility rule"), DONE, _("published"), rule_url, _("Edit"))
        preview = Step("preview", _("Preview and publish the rule"), DONE, _("published"))
    else:
        rule = Step(
            "rule", _("Eligibility rule"), CURRENT, _("not written yet"), rule_url, _("Write it")
        )
        preview = Step("preview", _("Preview and publish the rule"), TODO)
    if item.status == PublishStatus.PUBLISHED:
        publish = Step("publish", _("Publish the item"), DONE, item.get_status_display())
    elif has_rule:
        publish = Step("publish", _("Publish the item"), CURRENT, item.get_status_display())
    else:
        publish = Step("publish", _("Publish the item"), TODO, _("publish the rule first"))
    return ItemProgress(item, [rule, preview, publish], draft.pk if draft else None)


def document_progress(document: PolicyDocument) -> tuple[list[Step], list[ItemProgress]]:
    """The document's steps (the stepper at the top) and each item's own steps."""
    items = list(
        document.items.select_related("current_rule")
        .prefetch_related("rule_versions")
        .order_by("id")
    )
    progress = [item_progress(item) for item in items]
    doc_url = reverse("policies:document_edit", args=[document.pk])
    new_item_url = reverse("policies:item_new") + f"?document={document.pk}"

    def all_done(key: str) -> bool:
        return bool(progress) and all(
            s.state == DONE for p in progress for s in p.steps if s.key == key
        )

    steps = [
        Step(
            "document",
            _("Policy document"),
            DONE,
            document.get_status_display(),
            doc_url,
            _("Edit"),
        )
    ]
    steps.append(
        Step(
            "items",
            _("Policy items"),
            DONE if items else CURRENT,
            _("%(n)s item(s)") % {"n": len(items)} if items else _("no item yet"),
            new_item_url,
            _("Add an item"),
        )
    )
    for key, label in (
        ("rule", _("Eligibility rules")),
        ("preview", _("Preview")),
        ("publish", _("Publish")),
    ):
        steps.append(Step(key, label, DONE if all_done(key) else TODO))
    # the first step not done is where the document stands
    for i, step in enumerate(steps):
        if step.state != DONE:
            steps[i] = Step(step.key, step.label, CURRENT, step.detail, step.url, step.action)
            break
    if document.status != PublishStatus.PUBLISHED and all(s.state == DONE for s in steps[:-1]):
        last = steps[-1]
        steps[-1] = Step(last.key, last.label, CURRENT, _("publish the document"))
    return steps, progress
