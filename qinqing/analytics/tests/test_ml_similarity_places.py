"""A complaint copied from one estate to another is not a duplicate; a re-worded report
about the same estate is (the two kinds of error found in the hand-labelled sample)."""

from datetime import date

from qinqing.analytics.ml.similarity import (
    DEFAULT_MIN_SCORE,
    Appeal,
    build_index,
    named_place_tokens,
    score_pair,
)

TEMPLATE = (
    "临街门面几家餐馆油烟直排，晚上营业到凌晨三点，衣服晾在外面都是油烟味，窗户长期不能打开。"
)
FIRST = Appeal(1, TEMPLATE, "A5区劳动东路魅力之城小区底层餐馆油烟扰民", date=date(2024, 9, 10))
OTHER_ESTATE = Appeal(2, TEMPLATE, "A2区南湖路森宇家园餐馆油烟扰民", date=date(2024, 9, 10))
SAME_ESTATE = Appeal(
    3,
    "魅力之城小区临街门面的餐馆油烟直排，营业到凌晨，衣服晾在外面都是油烟味，请环保部门来查。",
    "A5区魅力之城小区夜宵摊油烟扰民",
    date=date(2024, 9, 12),
)
FILLER = [
    Appeal(10 + i, text, title, date=date(2024, 9, 1))
    for i, (title, text) in enumerate(
        [
            ("公积金贷款额度咨询", "请问公积金贷款最高额度是多少。"),
            ("小学课后服务收费", "学校课后服务每月收费三百元是否合理。"),
            ("菜市场占道经营", "菜市场门口商贩占道经营，交通堵塞。"),
            ("医保异地报销流程", "在外地住院医保怎么报销，需要什么材料。"),
        ]
    )
]


def test_the_same_text_about_another_estate_is_not_a_likely_duplicate():
    index = build_index([OTHER_ESTATE, SAME_ESTATE, *FILLER])

    found = {m.id for m in index.query(FIRST.text, title=FIRST.title, on=FIRST.date)}

    assert 2 not in found
    assert 3 in found


def test_different_places_cut_the_score_but_an_address_decides_first():
    copied = score_pair(FIRST, OTHER_ESTATE, text_similarity=0.9)
    assert copied.score < DEFAULT_MIN_SCORE
    # Both at one address: the titles' places no longer count against the pair.
    here = "A5区劳动东路魅力之城小区"
    same_address = score_pair(
        Appeal(1, TEMPLATE, FIRST.title, place=here),
        Appeal(2, TEMPLATE, OTHER_ESTATE.title, place=here),
        text_similarity=0.9,
    )
    assert same_address.score > copied.score


def test_appeals_that_name_no_place_are_never_cut():
    assert (
        named_place_tokens(Appeal(1, "请问公积金贷款最高额度是多少。", "公积金咨询")) == frozenset()
    )
    plain = score_pair(FILLER[0], FILLER[0], text_similarity=1.0)
    assert plain.score >= 0.7
