import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.liaison import stationing
from qinqing.liaison.models import Score, Stay
from qinqing.ratings.models import Rating, ServiceEvent

pytestmark = pytest.mark.django_db
ITEMS = {"attitude": 5, "diligence": 4, "solving": 5, "policy": 4}


def test_enterprise_scores_its_cadre_once_and_the_score_becomes_a_rating(
    finished_stay, enterprise_user_a, other_cadre
):
    score = stationing.score_stay(
        finished_stay, actor=enterprise_user_a, items=ITEMS, comment="帮我们解决了用电问题"
    )
    assert score.total == 90  # mean 4.5 of 5 -> 90 of 100
    rating = Rating.objects.get(pk=score.rating_id)
    assert rating.level == 5  # 4.5 rounds half up
    assert rating.handled_by_id == other_cadre.pk
    assert rating.department_id == finished_stay.department_id
    assert (
        ServiceEvent.objects.get(reference=f"liaison-stay:{finished_stay.pk}").kind == "stationing"
    )
    with pytest.raises(ValidationError, match="只能评一次"):
        stationing.score_stay(finished_stay, actor=enterprise_user_a, items=ITEMS)
    assert Score.objects.count() == 1 and Rating.objects.count() == 1


def test_enterprise_cannot_score_another_enterprises_cadre(finished_stay, enterprise_user_b):
    with pytest.raises(PermissionDenied):
        stationing.score_stay(finished_stay, actor=enterprise_user_b, items=ITEMS)
    assert not Score.objects.exists()


def test_the_cadre_cannot_score_themselves(finished_stay, other_cadre):
    with pytest.raises(PermissionDenied):
        stationing.score_stay(finished_stay, actor=other_cadre, items=ITEMS)


def test_scoring_opens_on_the_last_day_of_the_stay(stay, enterprise_user_a):
    with pytest.raises(ValidationError, match="期满"):
        stationing.score_stay(stay, actor=enterprise_user_a, items=ITEMS)


@pytest.mark.parametrize("bad", [0, 6, "x", None, "nan"])
def test_score_items_must_be_one_to_five(finished_stay, enterprise_user_a, bad):
    with pytest.raises(ValidationError, match="1 到 5 分"):
        stationing.score_stay(
            finished_stay, actor=enterprise_user_a, items={**ITEMS, "solving": bad}
        )
    assert not Rating.objects.exists()


def test_extension_approved_moves_the_last_day_and_tells_both(
    stay, enterprise_user_a, supervisor, cadre
):
    request = stationing.file_request(
        stay.round,
        actor=enterprise_user_a,
        kind="extend",
        stay=stay,
        days=7,
        reason="项目投产，需要继续协调",
    )
    before = stay.ends_on
    stationing.decide_request(request, actor=supervisor, approve=True)
    stay.refresh_from_db()
    assert stay.ends_on == before + dt.timedelta(days=7)
    assert cadre.notifications.filter(kind="stay_request_decided").exists()
    assert enterprise_user_a.notifications.filter(kind="stay_request_decided").exists()
    with pytest.raises(ValidationError, match="已同意"):
        stationing.decide_request(request, actor=supervisor, approve=False, note="x")


def test_enterprise_cannot_extend_another_enterprises_stay(stay, enterprise_user_b):
    with pytest.raises(PermissionDenied):
        stationing.file_request(
            stay.round, actor=enterprise_user_b, kind="extend", stay=stay, days=3, reason="x"
        )


def test_refusing_a_named_request_needs_a_reason(stay, enterprise_user_a, supervisor, cadre):
    request = stationing.file_request(
        stay.round,
        actor=enterprise_user_a,
        kind="named",
        cadre_name="刘驻企",
        reason="熟悉我们的情况",
    )
    with pytest.raises(ValidationError, match="审批意见"):
        stationing.decide_request(request, actor=supervisor, approve=False)
    with pytest.raises(PermissionDenied):
        stationing.decide_request(request, actor=cadre, approve=True)
    stationing.decide_request(request, actor=supervisor, approve=False, note="该干部本批次已安排")
    assert Stay.objects.count() == 1


def test_random_sample_is_drawn_from_stays_in_progress_and_results_recorded(
    stay, finished_stay, supervisor, cadre, today
):
    import random

    drawn = stationing.draw_sample(stay.round, actor=supervisor, size=5, rng=random.Random(1))
    assert {v.stay_id for v in drawn} == {stay.pk, finished_stay.pk}
    again = stationing.draw_sample(stay.round, actor=supervisor, size=5)
    assert len(again) == 2  # no stay is drawn twice a day
    with pytest.raises(PermissionDenied):
        stationing.draw_sample(stay.round, actor=cadre)
    with pytest.raises(ValidationError, match="核实说明"):
        stationing.record_verification(drawn[0], actor=supervisor, method="phone", result="absent")
    v = stationing.record_verification(
        drawn[0], actor=supervisor, method="onsite", result="present"
    )
    assert v.verified_by == supervisor
    with pytest.raises(ValidationError, match="不能重复"):
        stationing.record_verification(
            drawn[0], actor=supervisor, method="onsite", result="present"
        )
