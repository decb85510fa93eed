import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.appeals.models import Appeal
from qinqing.core.models import Notification
from qinqing.liaison import services, stationing
from qinqing.liaison.models import Difficulty, PolicyPush, Visit
from qinqing.liaison.tests.conftest import close_appeal_through_the_loop
from qinqing.policies.factories import make_item, publish_rule, qualification
from qinqing.policies.models import MatchResult

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def assigned(supervisor, cadre, enterprise_a, today):
    return services.assign_liaison(
        enterprise_a,
        actor=supervisor,
        role="contact",
        cadre=cadre,
        starts_on=today - dt.timedelta(days=60),
    )


def test_cadre_records_a_visit_to_an_assigned_enterprise_with_photos(assigned, cadre, today):
    photo = SimpleUploadedFile("车间.png", PNG, content_type="image/png")
    visit = services.record_visit(
        assigned.enterprise,
        actor=cadre,
        visited_on=today,
        people_met="王总经理",
        discussion="用电增容",
        photos=[photo],
    )
    assert visit.photos.count() == 1
    assert "liaison/visits/" in visit.photos.get().file.name


def test_cadre_cannot_visit_an_enterprise_they_do_not_look_after(cadre, enterprise_b, today):
    with pytest.raises(PermissionDenied):
        services.record_visit(
            enterprise_b, actor=cadre, visited_on=today, people_met="x", discussion="x"
        )
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ", "类型不允许"),
        ("a.png", b"GIF89a", "内容与扩展名不符"),
        ("a.jpg", b"\xff\xd8" + b"0" * (8 * 1024 * 1024), "超过 8 MB"),
        ("empty.jpg", b"", "是空的"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(
    assigned, cadre, today, name, content, message
):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError, match=message):
        services.record_visit(
            assigned.enterprise,
            actor=cadre,
            visited_on=today,
            people_met="x",
            discussion="y",
            photos=[upload],
        )
    assert not Visit.objects.exists()


def test_future_visit_date_and_control_characters(assigned, cadre, today):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.record_visit(
            assigned.enterprise,
            actor=cadre,
            visited_on=today + dt.timedelta(days=1),
            people_met="x",
            discussion="y",
        )
    visit = services.record_visit(
        assigned.enterprise,
        actor=cadre,
        visited_on=today,
        people_met="王\x00总",
        discussion="谈\x07话",
    )
    assert visit.people_met == "王总" and visit.discussion == "谈话"


def test_a_visit_difficulty_raised_by_the_enterprises_cadre_becomes_an_appeal_at_once(
    assigned, cadre, intake, today
):
    """No intake operator's click: appeals accepts the enterprise's own cadre as an intake
    delegate on the 包联 channel (appeals/hooks.py, liaison registers the rule)."""
    visit = services.record_visit(
        assigned.enterprise, actor=cadre, visited_on=today, people_met="王总", discussion="用电"
    )
    difficulty = services.raise_difficulty(
        assigned.enterprise,
        actor=cadre,
        visit=visit,
        title="用电增容审批慢",
        description="等了两个月",
        money="120.5",
    )
    appeal = difficulty.appeal
    assert appeal is not None and appeal.channel == "liaison"
    assert appeal.enterprise_id == assigned.enterprise_id
    assert appeal.requester_name == "刘驻企"
    assert not Notification.objects.filter(recipient=intake, kind="liaison_difficulty").exists()
    assert services.register_difficulty(difficulty, actor=cadre).appeal_id == appeal.pk
    assert services.register_difficulty(difficulty, actor=intake).appeal_id == appeal.pk
    assert Appeal.objects.count() == 1


def test_a_difficulty_raised_by_an_overseer_waits_for_intake(assigned, leader, intake, today):
    leader.phone = "13800000009"
    leader.save(update_fields=["phone"])
    difficulty = services.raise_difficulty(
        assigned.enterprise, actor=leader, title="用地指标", description="缺少用地指标"
    )
    assert difficulty.appeal is None
    assert Notification.objects.filter(recipient=intake, kind="liaison_difficulty").exists()
    with pytest.raises(PermissionDenied):
        services.register_difficulty(difficulty, actor=leader)
    assert services.register_difficulty(difficulty, actor=intake).appeal.channel == "liaison"


def test_the_cadre_delegate_rule_is_narrow(assigned, cadre, other_cadre, enterprise_b):
    """Only the enterprise's own cadre, only on the 包联 channel, only for that firm."""
    from qinqing.appeals.services import register_appeal

    fields = {
        "title": "t",
        "description": "d",
        "requester_name": "刘驻企",
        "requester_phone": "13800000001",
    }
    with pytest.raises(PermissionDenied):
        register_appeal(
            actor=other_cadre, channel="liaison", enterprise=assigned.enterprise, **fields
        )
    with pytest.raises(PermissionDenied):
        register_appeal(actor=cadre, channel="phone", enterprise=assigned.enterprise, **fields)
    with pytest.raises(PermissionDenied):
        register_appeal(actor=cadre, channel="liaison", enterprise=enterprise_b, **fields)
    with pytest.raises(PermissionDenied):
        register_appeal(actor=cadre, channel="liaison", enterprise=None, **fields)
    assert not Appeal.objects.exists()


def test_money_must_be_a_sane_number(assigned, cadre):
    for bad in ("nan", "-1", "1e20", "abc"):
        with pytest.raises(ValidationError, match="涉及金额"):
            services.raise_difficulty(
                assigned.enterprise, actor=cadre, title="t", description="d", money=bad
            )
    assert not Difficulty.objects.exists()


def test_matched_policy_is_pushed_from_a_visit_once(
    assigned, cadre, policy_officer, district, enterprise_user_a, today
):
    from qinqing.policies.factories import year_fact

    enterprise = assigned.enterprise
    qualification(enterprise, "high_tech", dt.date(2025, 1, 1))
    year_fact(enterprise, 2025, revenue=5000)
    item = make_item(actor=policy_officer, department=district.dept)
    publish_rule(
        item,
        {"all": [{"type": "qualification", "kind": "high_tech", "on": "2026-06-30"}]},
        actor=policy_officer,
    )
    assert MatchResult.objects.filter(enterprise=enterprise, item=item).exists()
    visit = services.record_visit(
        enterprise, actor=cadre, visited_on=today, people_met="x", discussion="y"
    )
    services.push_policy(enterprise, item, actor=cadre, visit=visit)
    services.push_policy(enterprise, item, actor=cadre, visit=visit)
    assert PolicyPush.objects.count() == 1
    assert enterprise_user_a.notifications.filter(kind="policy_match").count() == 1


def test_an_unmatched_policy_cannot_be_pushed(assigned, cadre, policy_officer, district):
    item = make_item(actor=policy_officer, department=district.dept)
    publish_rule(
        item,
        {"all": [{"type": "qualification", "kind": "high_tech", "on": "2026-06-30"}]},
        actor=policy_officer,
    )
    with pytest.raises(ValidationError, match="不符合"):
        services.push_policy(assigned.enterprise, item, actor=cadre)


def test_stay_problem_counts_only_when_its_appeal_is_closed(
    stay, cadre, supervisor, handler, district
):
    from qinqing.liaison.figures import checklist

    d = services.raise_difficulty(
        stay.enterprise, actor=cadre, stay=stay, title="t", description="d"
    )
    d = services.register_difficulty(d, actor=supervisor)
    stationing.record_evidence(stay, actor=cadre, task="problem", difficulty=d)
    rows = {r["task"]: r["done"] for r in checklist(stay)}
    assert rows["problem"] is False
    close_appeal_through_the_loop(
        d.appeal, office=supervisor, department=district.dept, handler=handler
    )
    assert {r["task"]: r["done"] for r in checklist(stay)}["problem"] is True


def test_evidence_rules(stay, cadre, today):
    with pytest.raises(ValidationError, match="驻企期内"):
        stationing.record_evidence(
            stay,
            actor=cadre,
            task="frontline",
            on_date=today - dt.timedelta(days=30),
            text="装配线",
        )
    stationing.record_evidence(stay, actor=cadre, task="frontline", on_date=today, text="装配线")
    stationing.record_evidence(stay, actor=cadre, task="suggestion", text="优化排班")
    with pytest.raises(ValidationError, match="PDF"):
        stationing.record_evidence(
            stay, actor=cadre, task="report", upload=SimpleUploadedFile("r.pdf", b"nope")
        )
    stationing.record_evidence(
        stay, actor=cadre, task="report", upload=SimpleUploadedFile("体验报告.pdf", b"%PDF-1.4 x")
    )
    assert io  # keep the import for readers of the upload helpers
