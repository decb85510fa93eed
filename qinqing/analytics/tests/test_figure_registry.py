"""One definition per figure: every surface that shows a figure (the appeals metrics, the
cockpit's rollup, the assessment, the ratings figures) computes it from the registry's
parts, and they agree on the same data, in total and per department."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings

from qinqing.analytics import cockpit, figure_rollup
from qinqing.appeals import metrics
from qinqing.appeals import services as appeals
from qinqing.appeals.models import Rating as Answer
from qinqing.appeals.models import ReplyResult
from qinqing.assessment import figures as assessment
from qinqing.core import figures as registry
from qinqing.ratings import services as ratings
from qinqing.ratings.metrics import rating_figures
from qinqing.workdays.calendar import CHINA

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 9, 1), dt.date(2025, 10, 1)  # end exclusive
NOW = dt.datetime(2025, 9, 10, 9, tzinfo=CHINA)
LO = dt.datetime.combine(START, dt.time(), tzinfo=CHINA)
HI = dt.datetime.combine(END, dt.time(), tzinfo=CHINA)
# MetricRow attribute -> figure, for the appeals metrics surface
METRIC_ATTRS = {**metrics.RATES, "returned": "appeal_return_rate"}
RATING_ATTRS = {
    "rating_count": "count",
    "rating_good_rate": "good_rate",
    "rating_bad": "bad",
    "rating_rectify_rate": "rectify_rate",
    "rating_callback_rate": "callback_rate",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 9, day, hour, tzinfo=CHINA)


def register(intake: Any, enterprise: Any = None, title: str = "厂区停电三天无人处理") -> Any:
    appeal, _ = appeals.register_appeal(
        actor=intake, channel="phone", title=title, description=f"{title}，请尽快处理。",
        requester_name="刘经理", requester_phone="13812345678", enterprise=enterprise,
    )  # fmt: skip
    return appeal


def handle(appeal: Any, intake: Any, handler: Any, supervisor: Any, dept: Any, answer: str,
           *, solved: bool = True) -> None:  # fmt: skip
    appeals.dispatch_appeal(appeal, actor=intake, to=dept)
    appeals.acknowledge_appeal(appeal, actor=handler)
    appeals.record_contact(appeal, actor=handler, method="phone", person="刘经理")
    appeals.reply_appeal(appeal, actor=handler, result=ReplyResult.SOLVED, text="已处理")
    appeals.call_back_appeal(appeal, actor=supervisor, solved=solved, rating=answer, note="回访")


@pytest.fixture
def history(intake, handler, other_handler, supervisor, district, enterprise_a,
            django_capture_on_commit_callbacks, settings):  # type: ignore[no-untyped-def]  # fmt: skip
    """September 2025, two departments: closed (very satisfied, basic, unsatisfied), one
    reopened, one returned and re-dispatched, one overdue, one duplicate, one window
    service nobody rated. 基本满意 weighs 0.5, so a plain share would differ."""
    settings.APPEAL_SATISFACTION_WEIGHTS = {Answer.BASIC: 0.5}
    with (
        time_machine.travel(at(1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        good = register(intake, enterprise_a)
        handle(good, intake, handler, supervisor, district.dept, Answer.VERY_SATISFIED)
        appeals.close_appeal(good, actor=supervisor)
        so_so = register(intake)
        handle(so_so, intake, handler, supervisor, district.dept, Answer.UNSATISFIED,
                   solved=False)  # fmt: skip
        appeals.reopen_appeal(so_so, actor=supervisor, reason="未解决")
        returned = register(intake, title="营业执照变更跑了三趟")
        appeals.dispatch_appeal(returned, actor=intake, to=district.other_dept)
        appeals.return_appeal(returned, actor=other_handler, reason="非本部门")
        late = register(intake, title="园区道路破损")
        appeals.dispatch_appeal(late, actor=intake, to=district.other_dept)
        twice = register(intake, enterprise_a)
        appeals.mark_duplicate(twice, actor=intake, original=good)
        ratings.record_service_event(
            kind="window", reference="window:2025-09-01:1", department=district.dept
        )
    with (
        time_machine.travel(at(3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        handle(returned, intake, handler, supervisor, district.dept, Answer.BASIC)
        appeals.close_appeal(returned, actor=supervisor)
        bad = register(intake, title="水压不足影响生产")
        handle(bad, intake, other_handler, supervisor, district.other_dept,
                   Answer.VERY_UNSATISFIED, solved=False)  # fmt: skip
        appeals.close_appeal(bad, actor=supervisor)


def by_department(values: dict[Any, Any], district: Any, name: str) -> dict[int, Any]:
    """A department with no rows has the figure of no rows: 0 for a count, None for a rate."""
    empty = registry.figure(name).value({})
    return {pk: values.get(pk, empty) for pk in (district.dept.pk, district.other_dept.pk)}


def test_the_docs_page_is_generated_from_the_registry() -> None:
    page = Path(django_settings.BASE_DIR) / "docs" / "figures.md"
    assert page.read_text(encoding="utf-8") == registry.document(), (
        "docs/figures.md is stale: run manage.py document_figures"
    )


def test_every_figure_names_its_parts_label_and_definition() -> None:
    names = [f.name for f in registry.all_figures()]
    assert {"appeal_satisfied_rate", "appeal_response_on_time_rate", "appeal_close_on_time_rate",
            "rating_participation_rate", "rating_good_rate"} <= set(names)  # fmt: skip
    for fig in registry.all_figures():
        population = registry.population(fig.population)
        assert set(fig.parts()) <= set(population.parts)
        assert fig.label and fig.definition and not fig.label.isascii()
        assert set(fig.list_parts()) <= set(fig.parts())


def test_every_surface_computes_every_figure_alike(history, district, admin_user) -> None:
    with time_machine.travel(NOW, tick=False):
        reference = {
            f.name: registry.compute(f.name, start=LO, end=HI) for f in registry.all_figures()
        }
        per_dept = {
            f.name: by_department(
                registry.compute(f.name, start=LO, end=HI, group_by="department"), district, f.name
            )
            for f in registry.all_figures()
        }
        figure_rollup.refresh_figure_rollup(START, END - dt.timedelta(days=1))
        rolled = figure_rollup.figure_values(
            cockpit.cockpit_scope(admin_user), START, END - dt.timedelta(days=1)
        )
        total_row = metrics.summary(START, END)
        dept_rows = {r.key: r for r in metrics.compute(START, END, group_by="department")}
        everything = rating_figures(start=LO, end=HI, by="all")[0]
        rating_rows = {r.key: r for r in rating_figures(start=LO, end=HI, by="department")}
    # the data is not trivial: weights apply, a rate is neither 0 nor 1
    assert reference["appeal_satisfied_rate"][None] == round((1 + 0.5 + 0) / 3, 4)
    assert reference["rating_participation_rate"][None] == 0.75
    assert reference["appeal_received"][None] == 5  # the duplicate is not counted
    seen = 0
    for fig in registry.all_figures():
        name, expected = fig.name, reference[fig.name][None]
        assert rolled["totals"][name] == expected, f"cockpit rollup differs on {name}"
        assert (
            by_department(
                {int(k): v.get(name) for k, v in rolled["by_department"].items()}, district, name
            )
            == per_dept[name]
        ), f"cockpit per department differs on {name}"
        for attr, figure_name in METRIC_ATTRS.items():
            if figure_name == name:
                assert getattr(total_row, attr) == expected, f"metrics differ on {name}"
                assert {pk: getattr(dept_rows.get(pk), attr, None) for pk in per_dept[name]} == (
                    per_dept[name]
                ), f"metrics per department differ on {name}"
                seen += 1
        if name in RATING_ATTRS:
            attr = RATING_ATTRS[name]
            value = getattr(everything, attr)
            assert (round(value, 4) if isinstance(value, float) else value) == expected
            got = {pk: getattr(rating_rows.get(pk), attr, None) for pk in per_dept[name]}
            got = {pk: round(v, 4) if isinstance(v, float) else v for pk, v in got.items()}
            want = {pk: v for pk, v in per_dept[name].items() if pk in rating_rows or v is not None}
            assert {pk: got[pk] for pk in want} == want, f"ratings figures differ on {name}"
            seen += 1
        if not fig.is_count:
            with time_machine.travel(NOW, tick=False):
                assessed = assessment.compute(
                    name, [district.dept.pk, district.other_dept.pk], LO, HI
                )
            assert by_department(assessed, district, name) == per_dept[name], (
                f"assessment differs on {name}"
            )
            seen += 1
    assert seen >= 20


def test_drill_downs_list_exactly_the_rows_each_figure_counts(history) -> None:
    with time_machine.travel(NOW, tick=False):
        for fig in registry.all_figures():
            counted = registry.grouped_parts(fig.population, start=LO, end=HI)[None]
            for part in fig.parts():
                rows = registry.drill_down(fig.name, start=LO, end=HI, part=part)
                assert rows.count() == counted.get(part, 0), (fig.name, part)
            listed = registry.drill_down(fig.name, start=LO, end=HI).count()
            assert listed == sum(counted.get(p, 0) for p in fig.list_parts()), fig.name


def test_every_cockpit_number_opens_a_list_with_exactly_that_many_rows(
    history, leader, client_for
) -> None:
    import re

    client = client_for(leader)
    with time_machine.travel(NOW, tick=False):
        cockpit.refresh_rollups(START, END - dt.timedelta(days=1))
        body = client.get(
            "/analytics/cockpit/", {"start": START.isoformat(), "end": "2025-09-30"}
        ).content.decode()
        kpis = re.findall(r'data-kpi="([a-z_]+)" href="([^"]+)">([^<]*)<', body)
        assert {name for name, _, _ in kpis} == {f.name for f in registry.cockpit_figures()}
        for name, href, shown in kpis:
            fig = registry.figure(name)
            page = client.get(href.replace("&amp;", "&")).content.decode()
            count = int(re.search(r"data-count>(\d+)<", page).group(1))
            counted = registry.grouped_parts(fig.population, start=LO, end=HI)[None]
            assert count == sum(counted.get(p, 0) for p in fig.list_parts()), name
            if fig.is_count:
                assert shown == str(count), name
