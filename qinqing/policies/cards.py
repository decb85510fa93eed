"""Home-page cards (registered in PoliciesConfig.ready)."""

from typing import Any

from qinqing.policies.matching import answers_for
from qinqing.policies.models import Application, ApplicationStatus, Outcome
from qinqing.policies.selectors import enterprise_of


def enterprise_card(user: Any) -> dict[str, Any] | None:
    enterprise = enterprise_of(user)
    if enterprise is None:
        return None
    outcomes = [a.outcome for a in answers_for(enterprise.pk)]
    return {"eligible": outcomes.count(Outcome.ELIGIBLE), "almost": outcomes.count(Outcome.ALMOST)}


def officer_card(user: Any) -> dict[str, Any]:
    return {"waiting": Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()}
