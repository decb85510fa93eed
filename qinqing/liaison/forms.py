"""Shapes of input; the rules live in services."""

from typing import Any

from django import forms
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.enterprises.models import Enterprise
from qinqing.liaison.models import (
    SCORE_ITEMS,
    ActivityKind,
    ActivitySeries,
    LiaisonRole,
    OutcomeKind,
    RequestKind,
    TaskKind,
    VerifyMethod,
    VerifyResult,
)

DATE = forms.DateInput(attrs={"type": "date"})


class EnterpriseField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Enterprise.objects.order_by("name"), label="企业", **kwargs)


class StaffField(forms.ModelChoiceField):
    def __init__(self, label: str = "干部", **kwargs: Any) -> None:
        super().__init__(
            queryset=User.objects.filter(is_active=True, uscc="", memberships__isnull=False)
            .distinct()
            .order_by("full_name"),
            label=label,
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class LiaisonForm(forms.Form):
    enterprise = EnterpriseField()
    role = forms.ChoiceField(label="包联角色", choices=LiaisonRole.choices)
    cadre = StaffField(label="包联干部", required=False)
    organisation = forms.ModelChoiceField(
        Organisation.objects.exclude(kind=OrgKind.WINDOW),
        label="包联单位（部门或镇街）",
        required=False,
    )
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class TeamForm(forms.Form):
    enterprise = EnterpriseField()
    name = forms.CharField(label="小组名称", max_length=100)
    lead = StaffField(label="组长")
    members = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True, uscc="", memberships__isnull=False).distinct(),
        label="成员",
        required=False,
    )
    plan = forms.CharField(label="一企一策方案", widget=forms.Textarea(attrs={"rows": 4}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due_on = forms.DateField(label="计划完成", widget=DATE)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    people_met = forms.CharField(label="见面人员", max_length=200)
    discussion = forms.CharField(label="交流内容", widget=forms.Textarea(attrs={"rows": 5}))


class DifficultyForm(forms.Form):
    title = forms.CharField(label="问题标题", max_length=200)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    money = forms.DecimalField(
        label="涉及金额（万元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )


class RoundForm(forms.Form):
    name = forms.CharField(label="批次名称", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    radius_m = forms.IntegerField(label="打卡范围（米）", initial=500, min_value=50, max_value=5000)
    sample_size = forms.IntegerField(label="每日抽查数", initial=3, min_value=0, max_value=100)


class StayForm(forms.Form):
    cadre = StaffField(label="驻企干部")
    enterprise = EnterpriseField()
    starts_on = forms.DateField(label="进驻日期", widget=DATE)
    days = forms.IntegerField(label="天数", initial=14, min_value=1, max_value=60)


class NoteForm(forms.Form):
    text = forms.CharField(label="今日工作动态", widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    task = forms.ChoiceField(label="五个一任务", choices=TaskKind.choices)
    difficulty = forms.IntegerField(required=False, widget=forms.HiddenInput)
    push = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on_date = forms.DateField(label="日期", required=False, widget=DATE)
    upload = forms.FileField(label="体验报告", required=False)


class VerificationForm(forms.Form):
    method = forms.ChoiceField(label="核实方式", choices=VerifyMethod.choices)
    result = forms.ChoiceField(label="核实结果", choices=VerifyResult.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label="评语", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SCORE_ITEMS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=[(i, f"{i} 分") for i in range(5, 0, -1)],
                widget=forms.RadioSelect,
            )
        self.order_fields([*SCORE_ITEMS, "comment"])


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="申请类型", choices=RequestKind.choices)
    stay = forms.IntegerField(required=False, widget=forms.HiddenInput)
    days = forms.IntegerField(label="加期天数", required=False, min_value=1, max_value=30)
    cadre_name = forms.CharField(label="希望进驻的干部", max_length=50, required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices)
    series = forms.ModelChoiceField(ActivitySeries.objects.all(), label="所属系列", required=False)
    title = forms.CharField(label="活动名称", max_length=200)
    organiser = forms.ModelChoiceField(
        Organisation.objects.exclude(kind=OrgKind.WINDOW), label="主办单位"
    )
    held_on = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200, required=False)
    invited = forms.ModelMultipleChoiceField(
        Enterprise.objects.order_by("name"), label="邀请企业", required=False
    )


class OutcomeForm(forms.Form):
    enterprise = EnterpriseField()
    kind = forms.ChoiceField(label="成果类型", choices=OutcomeKind.choices)
    bank = forms.CharField(label="银行或对方单位", max_length=100, required=False)
    amount = forms.DecimalField(
        label="金额（万元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    count = forms.IntegerField(label="数量", initial=1, min_value=1, max_value=10000)
