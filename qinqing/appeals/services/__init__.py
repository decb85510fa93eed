"""Writes on appeals: one atomic function per step. Each locks the appeal row, checks
the transition table and the actor's rights, writes the timeline event in the same
transaction and notifies (SMS after commit)."""

from qinqing.appeals.services.common import (
    ACTION_ZH,
    ALLOWED_SUFFIXES,
    CLOCK_ZH,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
)
from qinqing.appeals.services.intake import (
    add_attachments,
    content_key,
    idempotency_key_for,
    register_appeal,
)
from qinqing.appeals.services.intake_input import (
    IntakeInput,
    category_by_id,
    division_by_id,
    enterprise_by_name_or_code,
    enterprise_by_uscc,
)
from qinqing.appeals.services.loop import (
    CONTACT_METHODS,
    acknowledge_appeal,
    call_back_appeal,
    close_appeal,
    dispatch_appeal,
    mark_duplicate,
    merge_appeals,
    record_contact,
    reopen_appeal,
    reply_appeal,
    request_reopen,
    resume_appeal,
    return_appeal,
    suspend_appeal,
    withdraw_appeal,
)
from qinqing.appeals.services.oversight import (
    SWEEP_BATCH,
    consult_appeal,
    decide_extension,
    request_extension,
    sweep_deadlines,
    urge_appeal,
)

__all__ = [
    "ACTION_ZH",
    "ALLOWED_SUFFIXES",
    "CLOCK_ZH",
    "CONTACT_METHODS",
    "IntakeInput",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "SWEEP_BATCH",
    "acknowledge_appeal",
    "add_attachments",
    "call_back_appeal",
    "category_by_id",
    "close_appeal",
    "consult_appeal",
    "content_key",
    "decide_extension",
    "dispatch_appeal",
    "division_by_id",
    "enterprise_by_name_or_code",
    "enterprise_by_uscc",
    "idempotency_key_for",
    "mark_duplicate",
    "merge_appeals",
    "record_contact",
    "register_appeal",
    "reopen_appeal",
    "reply_appeal",
    "request_extension",
    "request_reopen",
    "resume_appeal",
    "return_appeal",
    "suspend_appeal",
    "sweep_deadlines",
    "urge_appeal",
    "withdraw_appeal",
]
