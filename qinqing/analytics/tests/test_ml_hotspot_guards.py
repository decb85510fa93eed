"""Hot spots neither split one case into two nor merge two places into one.

The fixtures mirror what happened on the real message set: letters about one fraud case
(the "58车贷" case) worded as police progress in some and as a cover-up in others, and one
template complaint ("油烟扰民") about two different streets.
"""

from datetime import date

import numpy as np

from qinqing.analytics.ml.hotspots import (
    HotSpotSettings,
    Message,
    find_hotspots,
    merge_by_anchor,
    title_place_matrix,
)
from qinqing.analytics.ml.text import place_tokens

PERIOD = (date(2024, 3, 1), date(2024, 3, 31))
NO_ANCHORS = HotSpotSettings(anchor_min_titles=10**6)
NO_PLACE_GUARD = HotSpotSettings(place_conflict_factor=1.0)


def _m(pk: int, title: str, text: str, day: int) -> Message:
    return Message(pk, title, text, date(2024, 3, day), 1, f"u{pk}")


CASE = [
    _m(1, "星河车贷案立案半年毫无进展", "公安分局立案已经半年，没有发布任何案情通报。", 2),
    _m(2, "再次询问星河车贷案侦办进度", "公安分局立案半年了，案情通报一次都没有发布。", 4),
    _m(3, "严惩星河车贷集资诈骗保护伞", "平台老板卷款出逃，背后必有保护伞，请纪委彻查。", 6),
    _m(4, "星河车贷背后保护伞何时查处", "老板卷款出逃至今逍遥法外，请纪委彻查保护伞。", 8),
    _m(5, "星河车贷受害人请求公道", "几千名受害人血汗钱血本无归，恳请主持公道。", 9),
]
FILLER = [
    _m(20, "公积金贷款额度咨询", "请问公积金贷款最高额度是多少。", 3),
    _m(21, "小学课后服务收费", "学校课后服务每月收费三百元是否合理。", 5),
    _m(22, "菜市场占道经营", "菜市场门口商贩占道经营，交通堵塞。", 7),
    _m(23, "公交站台没有遮雨棚", "下雨天等公交全身淋湿，请加装雨棚。", 10),
    _m(24, "医保异地报销流程", "在外地住院医保怎么报销，需要什么材料。", 11),
    _m(25, "新生儿落户办理", "孩子出生后户口怎么上，去哪个派出所。", 12),
]
TWO_STREETS = [
    _m(
        30 + i,
        f"A5区劳动东路魅力之城小区临街门面油烟扰民{suffix}",
        "临街门面餐馆油烟直排，夜宵摊烧烤到凌晨，油烟扰民严重，请环保部门处理。",
        2 + i,
    )
    for i, suffix in enumerate(["", "！", "，请处理"])
] + [
    _m(
        40 + i,
        f"A2区南湖路森宇家园临街门面油烟扰民{suffix}",
        "临街门面餐馆油烟直排，夜宵摊烧烤到凌晨，油烟扰民严重，请环保部门处理。",
        12 + i,
    )
    for i, suffix in enumerate(["", "！", "，请处理"])
]


def _spot_ids(spots) -> list[set]:  # type: ignore[no-untyped-def]
    return [set(spot.member_ids) for spot in spots]


def test_without_anchors_the_case_falls_apart():
    # Guard for the fixture: plain text similarity alone does split the case.
    spots = _spot_ids(find_hotspots(CASE + FILLER, period=PERIOD, settings=NO_ANCHORS))
    assert not any({1, 2, 3, 4} <= ids for ids in spots)


def test_one_case_worded_two_ways_is_one_hot_spot():
    spots = _spot_ids(find_hotspots(CASE + FILLER, period=PERIOD))

    case = [ids for ids in spots if ids & {1, 2, 3, 4, 5}]
    assert case == [{1, 2, 3, 4, 5}]


def test_without_the_place_guard_two_streets_merge():
    # Guard for the fixture: the same template complaint does look like one topic.
    spots = _spot_ids(find_hotspots(TWO_STREETS + FILLER, period=PERIOD, settings=NO_PLACE_GUARD))
    assert {30, 31, 32, 40, 41, 42} in spots


def test_one_complaint_about_two_streets_stays_two_hot_spots():
    spots = _spot_ids(find_hotspots(TWO_STREETS + FILLER, period=PERIOD))

    assert {30, 31, 32} in spots
    assert {40, 41, 42} in spots


def test_a_place_name_is_never_an_anchor():
    titles = [
        "A3区梅溪湖看云路油烟扰民",
        "A3区梅溪湖看云路烧烤摊扰民",
        "A3区梅溪湖看云路公交站安全隐患",
        "A3区梅溪湖看云路公交站改造",
    ]
    messages = [Message(i, title) for i, title in enumerate(titles)]
    labels = np.array([0, 0, 1, 1])
    settings = HotSpotSettings(anchor_min_titles=2)

    merged = merge_by_anchor(titles, labels, title_place_matrix(messages), settings)

    assert merged[0] == merged[1] and merged[2] == merged[3] and merged[0] != merged[2]


def test_a_rare_phrase_does_not_join_clusters_at_different_places():
    titles = [
        "A5区劳动东路星河车贷门店关门",
        "A5区劳动东路星河车贷门店人去楼空",
        "A2区南湖路星河车贷门店关门",
        "A2区南湖路星河车贷门店无人",
    ]
    messages = [Message(i, title) for i, title in enumerate(titles)]
    labels = np.array([0, 0, 1, 1])
    settings = HotSpotSettings(anchor_min_titles=2)

    merged = merge_by_anchor(titles, labels, title_place_matrix(messages), settings)

    assert merged[0] != merged[2]


def test_place_tokens_tie_names_of_one_place_only():
    assert place_tokens("绿地海外滩小区") & place_tokens("绿地海外滩二期小区")
    assert place_tokens("A7县星沙四区凉塘路") & place_tokens("A7县星沙凉塘路")
    assert not place_tokens("魅力之城小区") & place_tokens("丽发新城小区")
    assert not place_tokens("A5区劳动东路") & place_tokens("A3区梅溪湖看云路")
