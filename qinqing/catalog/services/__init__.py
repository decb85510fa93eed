"""Writes of matters (办件) and the certificate store: one atomic function per use case,
each checked against the transition table and leaving a timeline row. Bundles are in
`bundles.py`, the catalog import in `imports.py`.

`library` (items, certificates, flag explanations), `applying` (applications and 秒批),
`casework` (受理 → 审查 → 补正 → 办结); this package re-exports their names."""

from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.catalog.services.applying import (
    _apply,
    _attach_materials,
    _auto_decide,
    _notify_department,
    _staff_channel,
    apply_for_item,
)
from qinqing.catalog.services.casework import (
    _accept,
    _close_bundle_if_done,
    _closed,
    _decide,
    _issue_certificate,
    _store_uploads,
    accept_matter,
    decide_matter,
    not_accept_matter,
    request_correction,
    resubmit_matter,
    start_review,
    supply_missing,
    withdraw_matter,
)
from qinqing.catalog.services.common import (
    APPLICANT_ACTIONS,
    MAX_TEXT,
    Uploads,
    _clean,
    _guard,
    _locked,
    _now,
    _save,
)
from qinqing.catalog.services.library import (
    explain_flag,
    index_item,
    replace_materials,
    sync_registry_certificates,
    upload_certificate,
)

__all__ = [
    "APPLICANT_ACTIONS", "MAX_TEXT", "PermissionDenied", "Uploads", "ValidationError",
    "_accept", "_apply", "_attach_materials", "_auto_decide", "_clean", "_close_bundle_if_done",
    "_closed", "_decide", "_guard", "_issue_certificate", "_locked", "_notify_department",
    "_now", "_save", "_staff_channel", "_store_uploads", "accept_matter", "apply_for_item",
    "decide_matter", "explain_flag", "index_item", "not_accept_matter", "replace_materials",
    "request_correction", "resubmit_matter", "start_review", "supply_missing",
    "sync_registry_certificates", "upload_certificate", "withdraw_matter",
]  # fmt: skip
