from datetime import date

import pytest

from qinqing.analytics.ml.hotspots import HotSpotSettings, Message, cluster_messages, find_hotspots
from qinqing.analytics.ml.text import extract_places, place_key

HEATING = [
    Message(
        1,
        "A3区阳光小区暖气不热",
        "阳光小区暖气一直不热，室温只有十二度。",
        date(2024, 11, 3),
        5,
        "u1",
    ),
    Message(
        2,
        "阳光小区暖气不热谁来管",
        "A3区阳光小区暖气不热，供热公司不接电话。",
        date(2024, 11, 20),
        12,
        "u2",
    ),
    Message(
        3,
        "A3区阳光小区暖气温度不达标",
        "阳光小区暖气不热，老人孩子都冻感冒了。",
        date(2024, 11, 21),
        3,
        "u3",
    ),
    Message(
        4, "投诉阳光小区暖气不热", "我们阳光小区暖气不热已经两周了。", date(2024, 11, 25), 8, "u4"
    ),
    Message(
        5,
        "阳光小区暖气不热问题",
        "A3区阳光小区暖气不热，请供热公司检修。",
        date(2024, 11, 28),
        1,
        "u5",
    ),
]
OTHERS = [
    Message(6, "东六路夜间施工扰民", "东六路工地晚上施工噪音太大。", date(2024, 11, 5), 2, "u6"),
    Message(
        7,
        "东六路工地夜间施工噪音",
        "东六路道路施工到凌晨，渣土车很吵。",
        date(2024, 11, 6),
        0,
        "u7",
    ),
    Message(8, "公积金贷款额度咨询", "请问公积金贷款最高额度是多少。", date(2024, 11, 10), 0, "u8"),
    Message(
        9, "小学课后服务收费", "学校课后服务每月收费三百元是否合理。", date(2024, 11, 12), 0, "u9"
    ),
    Message(
        10, "菜市场占道经营", "菜市场门口商贩占道经营，交通堵塞。", date(2024, 11, 2), 0, "u10"
    ),
]
PERIOD = (date(2024, 11, 1), date(2024, 11, 30))


def test_heating_messages_form_the_top_hot_spot():
    spots = find_hotspots(HEATING + OTHERS, period=PERIOD)

    top = spots[0]
    assert sorted(top.member_ids) == [1, 2, 3, 4, 5]
    assert "暖气" in top.label
    assert top.count == 5 and top.authors == 5
    assert top.likes == 29
    assert (top.first_date, top.last_date) == (date(2024, 11, 3), date(2024, 11, 28))
    assert top.places[0] == "A3区阳光小区"
    assert "暖气" in top.keywords


def test_growth_compares_second_half_with_first_half():
    top = find_hotspots(HEATING + OTHERS, period=PERIOD)[0]

    # One message before 15 November, four after: (4 + 1) / (1 + 1).
    assert top.growth == pytest.approx(2.5)


def test_second_topic_is_found_and_singletons_are_dropped():
    spots = find_hotspots(HEATING + OTHERS, period=PERIOD)

    assert [sorted(s.member_ids) for s in spots] == [[1, 2, 3, 4, 5], [6, 7]]
    assert spots[0].score > spots[1].score


def test_reposts_by_one_author_rank_below_many_authors():
    one_author = [
        Message(
            20 + i,
            "东六路夜间施工扰民",
            "东六路工地晚上施工噪音太大。",
            date(2024, 11, 5),
            0,
            "same",
        )
        for i in range(6)
    ]

    spots = find_hotspots(HEATING + one_author, period=PERIOD)

    assert sorted(spots[0].member_ids) == [1, 2, 3, 4, 5]
    assert spots[1].count == 6 and spots[1].authors == 1


def test_cluster_messages_returns_one_label_per_message():
    labels = cluster_messages(HEATING + OTHERS)

    assert len(labels) == 10
    assert len({labels[i] for i in range(5)}) == 1
    assert labels[0] != labels[7]
    assert find_hotspots([], period=PERIOD) == []
    assert find_hotspots(HEATING, settings=HotSpotSettings(min_size=6)) == []


def test_place_extraction_finds_estates_and_roads():
    places = extract_places("举报A市A3区柏家塘小区私营KTV扰民，位于万家丽北路附近")

    assert places == ["A市A3区柏家塘小区", "万家丽北路"]
    assert place_key("A市A3区柏家塘小区") == "柏家塘小区"
    assert extract_places("请政府部门关注") == []
