"""Projects, linking matters, the weekly schedule, notifications and escalation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinqing.appeals.models import Appeal
from qinqing.core.models import AuditEvent, Notification
from qinqing.projects import services
from qinqing.projects.models import ProjectEvent, ScheduleItem
from qinqing.projects.tests.conftest import at


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "总投资应为数字"),
        ("NaN", "总投资应大于 0"),
        ("1e30", "总投资应大于 0"),
        ("-5", "总投资应大于 0"),
        ("1.234", "两位小数"),
    ],
)
def test_investment_is_validated(make_project, value, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        make_project(investment=value)
    assert message in str(exc.value.message_dict["investment"])


def test_control_characters_and_duplicate_codes_are_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        make_project(name="项目\x00名称")
    assert "U+0000" in exc.value.message_dict["name"][0]
    project = make_project()
    with pytest.raises(ValidationError) as exc:
        make_project(code=project.code)
    assert "已在项目库中" in exc.value.message_dict["code"][0]


def test_other_department_cannot_register_a_project_it_does_not_lead(
    make_project, other_handler
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        make_project(actor=other_handler)
    assert AuditEvent.objects.filter(detail__action="projects:create_project").exists()


def test_link_matter_checks_owner_and_stage(
    make_project,
    items,
    run_matter,
    enterprise_user_b,
    handler,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    foreign = run_matter(items.establish, at(2026, 1, 5), user=enterprise_user_b)
    with pytest.raises(ValidationError) as exc:
        services.link_matter(project, stage="establish", matter=foreign, actor=handler)
    assert "不是项目业主" in exc.value.message_dict["matter"][0]
    own = run_matter(items.establish, at(2026, 1, 5))
    with pytest.raises(ValidationError):  # one-permit project has no staged permit
        services.link_matter(project, stage="permit_piling", matter=own, actor=handler)
    services.link_matter(project, stage="establish", matter=own, actor=handler)
    with pytest.raises(ValidationError) as exc:
        services.link_matter(project, stage="establish", matter=own, actor=handler)
    assert "已关联" in exc.value.message_dict["matter"][0]
    assert ProjectEvent.objects.filter(project=project, kind="matter_linked").count() == 1


def test_closing_a_linked_matter_moves_the_stage_through_the_catalog_hook(
    make_project,
    items,
    run_matter,
    handler,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    matter = run_matter(items.establish, at(2026, 1, 5), at(2026, 1, 6))
    services.link_matter(project, stage="establish", matter=matter, actor=handler)
    project.refresh_from_db()
    assert project.stage == "establish"
    from qinqing.catalog import services as catalog

    with django_capture_on_commit_callbacks(execute=True):
        catalog.decide_matter(matter, actor=handler, approve=True)
    project.refresh_from_db()
    assert project.stage == "land"
    assert ProjectEvent.objects.filter(project=project, kind="stage_finished").exists()


def test_owner_is_notified_when_assigned_and_once_when_overdue(
    make_project,
    district,
    handler,
    dept_head,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.add_schedule_item(
            project,
            actor=handler,
            next_step="完成用地规划许可",
            blocker="征地补偿未谈妥",
            owner_unit=district.dept,
            owner_person=dept_head,
            due_on=yesterday,
        )
    assert Notification.objects.filter(recipient=dept_head, kind="project_assigned").count() == 1
    assert services.notify_overdue_items() == 1
    assert services.notify_overdue_items() == 0  # safe to run twice
    note = Notification.objects.get(recipient=dept_head, kind="project_overdue")
    assert note.url.endswith(f"#item-{item.pk}")


def test_owner_person_must_belong_to_the_owner_unit(
    make_project, district, handler, other_handler
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.add_schedule_item(
            make_project(),
            actor=handler,
            next_step="报审",
            owner_unit=district.dept,
            owner_person=other_handler,
            due_on=timezone.localdate(),
        )
    assert "不在" in exc.value.message_dict["owner_person"][0]


def test_schedule_transitions(make_project, district, handler, other_handler) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    item = services.add_schedule_item(
        project, actor=handler, next_step="报审", owner_unit=district.other_dept,
        due_on=timezone.localdate(),
    )  # fmt: skip
    item = services.move_schedule_item(item, actor=other_handler, action="complete")
    assert item.status == "done" and item.on_time
    with pytest.raises(ValidationError):
        services.move_schedule_item(item, actor=other_handler, action="complete")
    item = services.move_schedule_item(item, actor=handler, action="reopen")
    with pytest.raises(ValidationError) as exc:
        services.move_schedule_item(
            item,
            actor=handler,
            action="complete",
            done_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert "不能晚于今天" in exc.value.message_dict["done_on"][0]
    item.refresh_from_db()
    assert item.status == "open"


def test_blocker_escalates_once_as_an_appeal_on_the_window_channel(
    make_project,
    district,
    handler,
    supervisor,
    enterprise_a,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    item = services.add_schedule_item(
        project, actor=handler, next_step="办理施工许可", blocker="施工图审查意见迟迟未出",
        owner_unit=district.dept, due_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.escalate_blocker(item, actor=handler)  # departments do not register appeals
    with pytest.raises(ValidationError):
        services.escalate_blocker(
            item, actor=supervisor, requester_name="王经理", requester_phone="电话\x07"
        )
    appeal = services.escalate_blocker(
        item, actor=supervisor, requester_name="王经理", requester_phone="13800000000"
    )
    assert appeal.channel == "window" and appeal.enterprise_id == enterprise_a.pk
    assert "施工图审查意见" in appeal.description
    again = services.escalate_blocker(item, actor=supervisor)
    assert again.pk == appeal.pk and Appeal.objects.count() == 1
    assert ScheduleItem.objects.get(pk=item.pk).appeal_id == appeal.pk
