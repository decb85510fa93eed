from datetime import date

from qinqing.analytics.ml.similarity import (
    REASON_ENTERPRISE,
    REASON_PLACE,
    REASON_RECENT,
    REASON_TEXT,
    Appeal,
    build_index,
    duplicate_pairs,
    find_duplicate_groups,
    find_duplicates,
)

POOL = [
    Appeal(
        id=1,
        title="A3区柏家塘小区私营KTV严重扰民",
        text="柏家塘小区一楼开了一家私营KTV，每天营业到凌晨三点，噪音很大，居民无法休息，请尽快查处。",
        enterprise_id="91430100MA4L000001",
        date=date(2024, 3, 1),
    ),
    Appeal(
        id=2,
        title="园区企业用电增容审批太慢",
        text="我公司在经开区新建厂房，申请用电增容已经三个月，供电公司一直没有审批结果，影响投产。",
        enterprise_id="91430100MA4L000002",
        date=date(2024, 2, 10),
    ),
    Appeal(
        id=3,
        title="中小企业稳岗补贴何时发放",
        text="去年申请的稳岗补贴至今没有到账，人社部门说在走流程，请问具体什么时候发放。",
        enterprise_id="91430100MA4L000003",
        date=date(2023, 11, 5),
    ),
    Appeal(
        id=4,
        title="东六路夜间施工噪音扰民",
        text="东六路道路改造工地每天晚上十一点以后还在施工，渣土车来回，附近居民无法入睡。",
        date=date(2024, 2, 28),
    ),
]


def test_near_duplicate_is_ranked_first_with_reasons():
    matches = find_duplicates(
        "柏家塘小区一楼的私营KTV每天营业到凌晨三点，噪音太大，居民没法休息，请查处。",
        POOL,
        title="柏家塘小区KTV扰民",
        enterprise_id="91430100MA4L000001",
        on=date(2024, 3, 4),
    )

    assert matches[0].id == 1
    assert {REASON_TEXT, REASON_ENTERPRISE, REASON_PLACE, REASON_RECENT} <= set(matches[0].reasons)
    assert "柏家塘小区" in matches[0].shared_places
    assert matches[0].days_apart == 3
    assert matches[0].score > 0.6


def test_unrelated_appeal_is_not_flagged_even_from_the_same_enterprise():
    matches = find_duplicates(
        "我公司的出口退税申报系统一直提示错误，税务局热线打不通。",
        POOL,
        enterprise_id="91430100MA4L000002",
        on=date(2024, 2, 12),
    )

    assert [m.id for m in matches] == []


def test_explicit_place_is_matched_by_containment():
    index = build_index(POOL)

    matches = index.query(
        "东六路工地晚上施工太吵，渣土车很多，居民睡不着。",
        place="A7县东六路",
        limit=3,
        min_score=0.0,
    )

    assert matches[0].id == 4
    assert REASON_PLACE in matches[0].reasons


def test_query_can_exclude_the_appeal_itself():
    index = build_index(POOL)
    own = POOL[1]

    matches = index.query(own.text, title=own.title, exclude_id=own.id, min_score=0.3)

    assert own.id not in [m.id for m in matches]


def test_duplicate_groups_collect_reposts_only():
    reposts = [
        Appeal(id=f"r{i}", title="反对在诺亚山林小区门口设置医院", text=body)
        for i, body in enumerate(
            [
                "坚决反对在诺亚山林小区门口设置医院，医院离住宅太近，影响居民健康和出行。",
                "坚决反对在诺亚山林小区门口设置医院，医院离住宅太近，影响居民的健康和出行！",
                "坚决反对在诺亚山林小区门口设置医院。医院离住宅太近，影响居民健康与出行。",
            ]
        )
    ]
    batch = [*reposts, *POOL]

    groups = find_duplicate_groups(batch, threshold=0.7)
    pairs = duplicate_pairs(batch, threshold=0.7)

    assert groups == [["r0", "r1", "r2"]]
    assert len(pairs) == 3
    assert all(i < j for i, j, _ in pairs)


def test_empty_pool_and_tiny_batches():
    assert find_duplicates("任何内容", []) == []
    assert find_duplicate_groups(POOL[:1]) == []
