"""What an action on an appeal did, in the words the person who did it wants to read
("已签收，答复时限 12月5日", "已派单至 经信局"), read back from the appeal after the
service has changed it."""

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qinqing.appeals.models import Appeal


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def outcome_message(action: str, appeal: Appeal, data: dict[str, Any]) -> str:
    appeal.refresh_from_db()
    facts = {
        "number": appeal.number,
        "due": _when(appeal.next_due_at),
        "department": appeal.lead_department.name if appeal.lead_department_id else "—",
        "reason": data.get("reason") or data.get("note") or "—",
    }
    messages = {
        "dispatch": _("Dispatched to %(department)s; to be acknowledged by %(due)s."),
        "acknowledge": _("Acknowledged; reply due by %(due)s."),
        "return": _("Returned; reason: %(reason)s"),
        "contact": _("Contact with the enterprise recorded; reply due by %(due)s."),
        "reply": _("Replied to the enterprise; it is called back and rates the handling next."),
        "call_back": _("Call-back recorded."),
        "close": _("Appeal %(number)s closed."),
        "reopen": _("Reopened for handling by %(department)s; due by %(due)s."),
        "suspend": _("Suspended; the clock stops. Reason: %(reason)s"),
        "resume": _("Resumed; due by %(due)s."),
        "withdraw": _("Appeal %(number)s withdrawn."),
        "mark_duplicate": _("Marked as a duplicate of %(original)s."),
        "urge": _("Urged %(department)s; it has been notified."),
        "supervise": _("Formally supervised %(department)s (督办); it has been notified."),
        "request_extension": _("Asked for %(days)s more working day(s); the supervisor decides."),
        "consult": _("Consultation recorded."),
        "attach": _("%(n)s file(s) attached."),
    }
    facts["original"] = str(data.get("original") or "").strip()
    facts["days"] = data.get("days") or ""
    facts["n"] = len(data.get("attachments") or [])
    return messages.get(action, _("Done.")) % facts


def extension_message(approve: bool, appeal: Appeal) -> str:
    appeal.refresh_from_db()
    if approve:
        return _("Extension approved; now due by %(due)s.") % {"due": _when(appeal.next_due_at)}
    return _("Extension refused; the deadline stays %(due)s.") % {"due": _when(appeal.next_due_at)}
