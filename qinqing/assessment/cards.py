"""The home card: the latest frozen ranking (top and bottom of each unit type) for the
oversight, and the unit's own total and rank for its head."""

from typing import Any

from qinqing.assessment import scoring, selectors
from qinqing.assessment.models import ScoreSheet


def latest_card(user: Any) -> dict[str, Any] | None:
    scheme = scoring.default_scheme()
    if scheme is None or not selectors.may_view(user):
        return None
    sheet = ScoreSheet.objects.filter(scheme=scheme).order_by("-period", "-version").first()
    if sheet is None:
        return None
    ids = set(selectors.assessed_units(user, scheme).values_list("pk", flat=True))
    results = selectors.sheet_results(sheet, ids, lines=False)
    own = [r for r in results if selectors.may_see_breakdown(user, r.department)]
    groups = [
        {"label": label, "top": rows[0], "bottom": rows[-1] if len(rows) > 1 else None}
        for label, rows in scoring.by_unit_type(results)
    ]
    return {
        "sheet": sheet,
        "groups": groups if selectors.sees_all(user) else [],
        "own": own[:3] if not selectors.sees_all(user) else [],
    }
