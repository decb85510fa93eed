"""Pages: thin adapters from HTTP to selectors and services."""

from qinqing.policies.views.common import POLICY_KINDS
from qinqing.policies.views.desk import (
    desk,
    document_edit,
    document_status,
    item_edit,
    item_status,
    rule_edit,
    rule_export,
    rule_import,
    rule_publish,
)
from qinqing.policies.views.enterprise import (
    application_action,
    application_detail,
    apply,
    mine,
    read_notification,
    upload_material,
)
from qinqing.policies.views.payouts import (
    batch_action,
    batch_create,
    batch_detail,
    disbursement_pay,
    item_matches,
    item_push,
    run_detail,
    run_start,
)
from qinqing.policies.views.public import attachment, item_detail, library

__all__ = [
    "POLICY_KINDS",
    "application_action",
    "application_detail",
    "apply",
    "attachment",
    "batch_action",
    "batch_create",
    "batch_detail",
    "desk",
    "disbursement_pay",
    "document_edit",
    "document_status",
    "item_detail",
    "item_edit",
    "item_matches",
    "item_push",
    "item_status",
    "library",
    "mine",
    "read_notification",
    "rule_edit",
    "rule_export",
    "rule_import",
    "rule_publish",
    "run_detail",
    "run_start",
    "upload_material",
]
