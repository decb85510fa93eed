"""Timeline rows of a project, one function per kind. Services write them in their own
transaction."""

from typing import Any

from qinqing.projects.models import Project, ProjectEvent, ScheduleItem

EVENT_LABELS = {
    "project_created": "项目入库",
    "project_updated": "修改项目信息",
    "matter_linked": "关联办件",
    "stage_finished": "阶段完成",
    "schedule_added": "新增调度事项",
    "schedule_updated": "修改调度事项",
    "schedule_complete": "调度事项完成",
    "schedule_cancel": "调度事项取消",
    "schedule_reopen": "调度事项重新打开",
    "blocker_escalated": "堵点转为诉求",
    "stage_establish": "立项",
    "stage_land": "用地",
    "stage_planning": "规划许可",
    "stage_permit": "施工许可",
    "stage_permit_earthwork": "施工许可（土方开挖和基坑支护）",
    "stage_permit_piling": "施工许可（桩基工程）",
    "stage_permit_main": "施工许可（主体工程）",
    "stage_completion": "竣工验收",
    "stage_production": "投产",
    "stage_done": "已投产",
    "item_open": "推进中",
    "item_done": "已完成",
    "item_cancelled": "已取消",
}


def _record(
    project: Project,
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    **data: Any,
) -> ProjectEvent:
    return ProjectEvent.record(
        kind, actor=actor, from_state=from_state, to_state=to_state, note=note, data=data,
        project=project,
    )  # fmt: skip


def project_created(project: Project, *, actor: Any) -> ProjectEvent:
    return _record(project, "project_created", actor=actor, to_state=f"stage_{project.stage}")


def project_updated(project: Project, *, actor: Any, fields: list[str]) -> ProjectEvent:
    return _record(project, "project_updated", actor=actor, fields=fields)


def matter_linked(project: Project, *, actor: Any, stage: str, number: str) -> ProjectEvent:
    return _record(
        project, "matter_linked", actor=actor, note=f"办件 {number}", stage=stage, matter=number
    )


def stage_finished(project: Project, *, before: str, after: str) -> ProjectEvent:
    return _record(
        project,
        "stage_finished",
        actor=None,
        from_state=f"stage_{before}",
        to_state=f"stage_{after}",
    )


def schedule_added(item: ScheduleItem, *, actor: Any) -> ProjectEvent:
    return _record(item.project, "schedule_added", actor=actor, note=item.next_step, item=item.pk)


def schedule_updated(item: ScheduleItem, *, actor: Any, fields: list[str]) -> ProjectEvent:
    return _record(
        item.project, "schedule_updated", actor=actor, note=item.next_step, item=item.pk,
        fields=fields,
    )  # fmt: skip


def schedule_moved(
    item: ScheduleItem, *, actor: Any, action: str, before: str, note: str = ""
) -> ProjectEvent:
    return _record(
        item.project,
        f"schedule_{action}",
        actor=actor,
        from_state=f"item_{before}",
        to_state=f"item_{item.status}",
        note=note or item.next_step,
        item=item.pk,
    )


def blocker_escalated(item: ScheduleItem, *, actor: Any) -> ProjectEvent:
    number = item.appeal.number if item.appeal else ""
    return _record(
        item.project, "blocker_escalated", actor=actor, note=f"诉求 {number}：{item.blocker}",
        item=item.pk, appeal=item.appeal_id,
    )  # fmt: skip
