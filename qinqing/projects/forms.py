"""Shapes of input; the rules live in services."""

from typing import Any

from django import forms

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.projects.models import DONE, FLAGS, STAGE_NAMES, PermitMode, ProjectType, Stage

STAGE_CHOICES = [(s.value, STAGE_NAMES[s]) for s in Stage]
TYPE_CHOICES = [
    (ProjectType.GOVERNMENT.value, "政府投资"),
    (ProjectType.ENTERPRISE.value, "企业投资"),
]
MODE_CHOICES = [
    (PermitMode.ONE.value, "一次办理"),
    (PermitMode.THREE.value, "分三阶段办理（土方开挖和基坑支护、桩基工程、主体工程）"),
]

DATE = forms.DateInput(attrs={"type": "date"})


class StaffField(forms.ModelChoiceField):
    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            queryset=User.objects.filter(is_active=True, uscc="", memberships__isnull=False)
            .distinct()
            .order_by("full_name"),
            label=label,
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def departments() -> Any:
    return Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by("code")


def units() -> Any:
    return Organisation.objects.exclude(kind=OrgKind.WINDOW).filter(is_active=True)


class ProjectForm(forms.Form):
    code = forms.CharField(label="项目代码", max_length=40)
    name = forms.CharField(label="项目名称", max_length=200)
    enterprise_uscc = forms.CharField(label="项目业主统一社会信用代码", max_length=18)
    project_type = forms.ChoiceField(label="项目类型", choices=TYPE_CHOICES)
    lead_department = forms.ModelChoiceField(departments(), label="牵头单位")
    division = forms.ModelChoiceField(
        Organisation.objects.filter(kind=OrgKind.DIVISION, depth__gte=1),
        label="所在街道（镇）",
        required=False,
    )
    investment = forms.CharField(label="总投资（万元）", max_length=20)
    permit_mode = forms.ChoiceField(label="施工许可", choices=MODE_CHOICES)
    standard_land = forms.BooleanField(label="标准地", required=False)
    commitment = forms.BooleanField(label=FLAGS["commitment"], required=False)
    shared_assessment = forms.BooleanField(label=FLAGS["shared_assessment"], required=False)
    tolerance = forms.BooleanField(label=FLAGS["tolerance"], required=False)
    build_first = forms.BooleanField(label=FLAGS["build_first"], required=False)
    green_channel = forms.BooleanField(label=FLAGS["green_channel"], required=False)
    parallel = forms.BooleanField(label=FLAGS["parallel"], required=False)

    def flags(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in FLAGS}


class LinkMatterForm(forms.Form):
    stage = forms.ChoiceField(label="审批阶段", choices=STAGE_CHOICES)
    number = forms.CharField(label="办件编号", max_length=24)

    def __init__(self, *args: Any, chain: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chain:
            field = self.fields["stage"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(s, STAGE_NAMES[s]) for s in chain]


class ScheduleItemForm(forms.Form):
    next_step = forms.CharField(label="下一步工作", max_length=300)
    blocker = forms.CharField(
        label="堵点问题（没有可不填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_unit = forms.ModelChoiceField(units(), label="责任单位")
    owner_person = StaffField("责任人", required=False)
    due_on = forms.DateField(label="完成时限", widget=DATE)


class MoveItemForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("complete", "完成"), ("cancel", "取消"), ("reopen", "重新打开")]
    )
    done_on = forms.DateField(label="完成日期", widget=DATE, required=False)
    result = forms.CharField(label="完成情况", max_length=500, required=False)


class PoolFilter(forms.Form):
    q = forms.CharField(label="项目名称或代码", required=False, max_length=100)
    project_type = forms.ChoiceField(
        label="类型", choices=[("", "全部"), *TYPE_CHOICES], required=False
    )
    stage = forms.ChoiceField(
        label="当前阶段",
        choices=[("", "全部"), *STAGE_CHOICES, (DONE, STAGE_NAMES[DONE])],
        required=False,
    )
    flag = forms.ChoiceField(
        label="改革举措", choices=[("", "全部"), *FLAGS.items()], required=False
    )
    lead = forms.ModelChoiceField(
        departments(), label="牵头单位", required=False, empty_label="全部"
    )
