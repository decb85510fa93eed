"""What projects adds to other screens: the enterprise page's panel and the handler of
catalog's matter-closed hook."""

from typing import Any

from django.utils import timezone

from qinqing.catalog.hooks import ClosedMatter
from qinqing.projects import selectors, services
from qinqing.projects.models import ItemStatus, Project


def enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    """The firm's projects that this viewer may see, with their stage and open items."""
    if not selectors.may_use_projects(user):
        return None
    projects = list(
        selectors.projects_visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("lead_department")
        .order_by("-created_at")[:20]
    )
    if not projects:
        return None
    today = timezone.localdate()
    overdue = {
        p.pk
        for p in Project.objects.filter(
            pk__in=[p.pk for p in projects],
            schedule__status=ItemStatus.OPEN,
            schedule__due_on__lt=today,
        )
    }
    return {"projects": projects, "overdue": overdue}


def matter_closed(closed: ClosedMatter) -> None:
    services.refresh_project_of_matter(closed.matter_id)
