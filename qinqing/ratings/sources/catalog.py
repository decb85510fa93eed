"""Closed matters (办件) of the service catalog become rateable service events, rated by
the applicant, per item, window and person who handled them. Registered at start-up."""

from qinqing.accounts.models import Organisation, User
from qinqing.catalog.hooks import ClosedMatter, register_matter_closed
from qinqing.ratings.models import ServiceKind
from qinqing.ratings.services import record_service_event


def on_matter_closed(closed: ClosedMatter) -> None:
    """Idempotent on the reference "matter:<id>"; withdrawn matters are not a service."""
    if closed.status == "withdrawn":
        return
    department = Organisation.objects.get(pk=closed.department_id)
    record_service_event(
        kind=ServiceKind.ONLINE if closed.channel == "online" else ServiceKind.WINDOW,
        reference=f"matter:{closed.matter_id}",
        department=department,
        window=Organisation.objects.filter(pk=closed.window_id).first()
        if closed.window_id
        else None,
        matter=closed.item_name,
        handled_by=User.objects.filter(pk=closed.handled_by_id).first()
        if closed.handled_by_id
        else None,
        served_user=User.objects.filter(pk=closed.applicant_id).first()
        if closed.applicant_id
        else None,
        served_phone=closed.applicant_phone,
        occurred_at=closed.closed_at,
    )


def register() -> None:
    register_matter_closed(on_matter_closed)
