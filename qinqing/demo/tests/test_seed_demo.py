"""The demo at a small scale: every main screen has something to show, as the role that
uses it, and a second run adds nothing. The seed takes a while, so one test seeds twice
and then looks at each screen (the checks below, one per screen)."""

import pytest
from django.core.management import call_command
from django.test import Client

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.accounts.permissions import roles_of
from qinqing.analytics.intel.models import Hotspot, MonthlyTopic
from qinqing.appeals.models import Appeal, AppealEvent, Clock, Status
from qinqing.assessment.models import ManualEntry, ScoreSheet
from qinqing.core.models import Notification
from qinqing.enterprises.models import (
    EarlyWarning,
    Enterprise,
    IndicatorValue,
    Qualification,
    YearFact,
)
from qinqing.lib.uscc import is_valid_uscc
from qinqing.policies.models import (
    Application,
    Disbursement,
    GrantBatch,
    MatchResult,
    Outcome,
    PolicyItem,
    PublishStatus,
)
from qinqing.ratings.models import Channel, Rating, Rectification, RectificationStatus

pytestmark = pytest.mark.django_db

SMALL = ["--enterprises", "40", "--appeals", "90", "--ratings", "8", "--monitored", "20"]
COUNTED = (
    Organisation, User, Membership, Enterprise, YearFact, Qualification, IndicatorValue,
    EarlyWarning, Appeal, AppealEvent, Clock, Rating, Rectification, PolicyItem, MatchResult,
    GrantBatch, Disbursement, Application, Hotspot, MonthlyTopic, ManualEntry, Notification,
)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_main_screen_has_data_and_a_second_run_adds_nothing() -> None:
    call_command("seed_demo", *SMALL, verbosity=0)
    first = counts()
    call_command("seed_demo", *SMALL, verbosity=0)
    assert counts() == first
    the_people_and_enterprises_of_the_district()
    the_history_has_every_stage_of_the_loop()
    the_leaders_cockpit_shows_figures()
    the_ledger_and_the_handlers_worklist_have_rows()
    ratings_come_from_every_channel_and_bad_ones_are_rectified()
    policies_find_enterprises_and_money_is_paid()
    hot_spots_a_monthly_topic_warnings_and_assessment()
    the_task_list_is_a_year_in_progress()
    projects_run_along_the_approval_chain()


def the_people_and_enterprises_of_the_district() -> None:
    held = set().union(*(roles_of(u) for u in User.objects.all()))
    assert held == {r.value for r in Role}
    assert Enterprise.objects.count() == 40
    assert all(is_valid_uscc(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(Enterprise.objects.values_list("name", flat=True))) == 40
    enterprise = Enterprise.objects.get(uscc=User.objects.get(username="enterprise").uscc)
    assert enterprise.year_facts.filter(year=2025).exists()
    assert enterprise.qualifications.filter(kind="high_tech").exists()


def the_history_has_every_stage_of_the_loop() -> None:
    # the liaison demo adds the appeals its cadres and activities raised on top of the 90
    from qinqing.liaison.models import Difficulty
    from qinqing.projects.models import ScheduleItem

    raised = Difficulty.objects.filter(appeal__isnull=False).values("appeal_id")
    escalated = ScheduleItem.objects.filter(appeal__isnull=False).values("appeal_id")
    assert Appeal.objects.exclude(pk__in=raised).exclude(pk__in=escalated).count() == 90
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert Status.CLOSED in statuses
    assert statuses & {Status.DISPATCHED, Status.HANDLING, Status.REPLIED}  # still open
    months = {a.created_at.strftime("%Y-%m") for a in Appeal.objects.all()}
    assert len(months) >= 12
    kinds = set(AppealEvent.objects.values_list("kind", flat=True))
    assert {"registered", "dispatched", "acknowledged", "replied", "called_back", "closed"} <= kinds
    assert kinds & {"returned", "reopened", "urged", "extension_requested"}
    # events happened at their own moments, not all at the time of the seed
    closed = Appeal.objects.filter(status=Status.CLOSED).order_by("created_at").first()
    assert closed is not None and closed.closed_at > closed.created_at
    assert (Appeal.objects.latest("created_at").created_at - closed.created_at).days > 200


def the_leaders_cockpit_shows_figures() -> None:
    response = login("leader").get("/analytics/cockpit/")
    assert response.status_code == 200
    overview = response.context["o"]
    assert overview["appeals"]["received"] > 0
    assert overview["ratings"]["count"] > 0
    assert overview["monthly"]


def the_ledger_and_the_handlers_worklist_have_rows() -> None:
    response = login("supervisor").get("/appeals/ledger/")
    assert response.status_code == 200 and response.context["rows"]
    waiting = Appeal.objects.filter(
        status__in=[Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLING]
    ).first()
    assert waiting is not None
    handler = Membership.objects.filter(
        organisation=waiting.lead_department, role=Role.HANDLER
    ).first()
    assert handler is not None
    response = login(handler.user.username).get("/appeals/worklist/")
    assert response.status_code == 200 and response.context["items"]


def ratings_come_from_every_channel_and_bad_ones_are_rectified() -> None:
    channels = set(Rating.objects.values_list("channel", flat=True))
    assert {Channel.WEB, Channel.QR, Channel.PHONE, Channel.API} <= channels
    assert Rectification.objects.filter(status=RectificationStatus.CLOSED).exists()
    response = login("supervisor").get("/ratings/")
    assert response.status_code == 200 and response.context["total"].count > 0
    assert len(response.context["page"]) > 0


def policies_find_enterprises_and_money_is_paid() -> None:
    assert PolicyItem.objects.filter(status=PublishStatus.PUBLISHED).count() == 13
    assert PolicyItem.objects.filter(mode="auto").exists()
    assert MatchResult.objects.filter(outcome=Outcome.ELIGIBLE).exists()
    assert Disbursement.objects.filter(status="paid").exists()
    assert len(set(Application.objects.values_list("status", flat=True))) >= 4
    response = login("enterprise").get("/policies/mine/")
    assert response.status_code == 200
    assert response.context["grouped"][Outcome.ELIGIBLE]  # the portal shows what it qualifies for


def hot_spots_a_monthly_topic_warnings_and_assessment() -> None:
    assert Hotspot.objects.exists()
    assert MonthlyTopic.objects.exists()
    assert EarlyWarning.objects.exists()
    assert ManualEntry.objects.exists()
    response = login("leader").get("/assessment/")
    assert response.status_code == 200 and response.context["results"]
    assert any(line.points for result in response.context["results"] for line in result.lines)
    versions = set(ScoreSheet.objects.values_list("scheme__name", "version"))
    assert len({name for name, _ in versions}) == 2 and any(v == 2 for _, v in versions)


def the_task_list_is_a_year_in_progress() -> None:
    from django.utils import timezone

    from qinqing.demo.tasklist import demo_year
    from qinqing.tasklist.models import Comment, Finding, Indicator, Task, TaskEscalation

    year = demo_year(timezone.localdate())
    assert Indicator.objects.filter(year=year).count() == 18
    tasks = Task.objects.filter(indicator__year=year)
    assert tasks.count() == 50
    assert tasks.filter(status="done").exists()
    assert tasks.filter(status="active", due_at__lt=timezone.now()).exists()  # overdue
    assert TaskEscalation.objects.exists() and Comment.objects.exists()
    assert {"accepted", "open"} <= set(Finding.objects.values_list("status", flat=True))
    response = login("leader").get(f"/tasklist/monthly/?year={year}&month=3")
    assert response.status_code == 200 and response.context["blocks"]
    assert login("h-fgj").get("/tasklist/mine/").context["page"].paginator.count > 0


def projects_run_along_the_approval_chain() -> None:
    from qinqing.projects.models import Project, ScheduleItem

    assert Project.objects.count() == 20
    stages = set(Project.objects.values_list("stage", flat=True))
    assert len(stages) >= 4 and "done" in stages
    assert ScheduleItem.objects.filter(appeal__isnull=False).count() == 2
    response = login("leader").get("/projects/figures/")
    assert response.status_code == 200 and response.context["headline"].count > 0
    assert login("handler").get("/projects/").context["count"] > 0
