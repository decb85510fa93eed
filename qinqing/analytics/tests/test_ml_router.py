from pathlib import Path

import joblib
import pytest

from qinqing.analytics.ml.router import (
    MODEL_VERSION,
    RouterConfig,
    evaluate,
    load_router,
    train_router,
)

# One process, no workers: the corpus is tiny and pytest should stay quick.
CONFIG = RouterConfig(train_jobs=1)

CORPUS = [
    (
        "小区暖气不热",
        "入冬以来我们小区暖气一直不热，室内温度只有十度，请供热公司检修管网。",
        "城乡建设",
    ),
    ("供暖温度不达标", "供热公司收了供暖费，但暖气片冰凉，家里老人孩子都冻病了。", "城乡建设"),
    ("物业不作为", "小区物业长期不维修电梯，楼道垃圾无人清理，业主多次反映无果。", "城乡建设"),
    (
        "老旧小区改造",
        "我们小区是老旧小区，下水管道经常堵塞，希望纳入老旧小区改造计划。",
        "城乡建设",
    ),
    ("房屋漏水", "新交房的房屋墙体漏水开裂，开发商拒不维修，请住建部门督促。", "城乡建设"),
    ("违章搭建", "邻居在楼顶违章搭建彩钢房，存在安全隐患，请城管部门拆除。", "城乡建设"),
    ("学校乱收费", "孩子所在小学以兴趣班名义乱收费，每学期要交八百元，请教育局调查。", "教育文体"),
    (
        "幼儿园学位不足",
        "小区配套幼儿园迟迟不开办，孩子入园难，请教育部门解决学位问题。",
        "教育文体",
    ),
    ("教师补课", "中学老师在校外开办补习班，强迫学生参加有偿补课，违反师德规定。", "教育文体"),
    ("学生午餐质量差", "学校食堂午餐质量很差，学生吃不饱，家长要求教育局加强监管。", "教育文体"),
    ("体育馆不开放", "县体育馆长期关门，学生和市民无法锻炼，希望体育局开放场馆。", "教育文体"),
    ("招生不公平", "今年初中招生划片不合理，学生上学要跨越半个城区，请教育局调整。", "教育文体"),
    (
        "公交线路调整",
        "公交车线路调整后站点太远，居民出行不便，请交通运输局恢复原线路。",
        "交通运输",
    ),
    ("出租车拒载", "火车站出租车司机拒载短途乘客还乱收费，请交通部门整治。", "交通运输"),
    ("道路拥堵", "早晚高峰这条路严重拥堵，红绿灯时间不合理，请交警部门优化信号灯。", "交通运输"),
    ("网约车管理", "网约车在机场违规揽客，乘客安全没有保障，希望交通部门加强管理。", "交通运输"),
    ("客运班车停运", "乡镇客运班车突然停运，村民进城只能坐黑车，请交通局恢复班线。", "交通运输"),
    ("驾校收费", "驾校考试补考费用过高，学车的人怨声载道，请运管部门规范收费。", "交通运输"),
]


@pytest.fixture(scope="module")
def model():
    return train_router(CORPUS, seed=0, config=CONFIG)


def test_heating_complaint_routes_to_urban_construction(model):
    ranked = model.predict("暖气片冰凉", "我家暖气今年一直不热，供热公司不来维修，请督促供暖。")

    assert ranked[0][0] == "城乡建设"
    assert ranked[0][1] > ranked[1][1]


def test_confidences_are_sorted_and_sum_to_one(model):
    ranked = model.predict(None, "公交车站点取消后出行不便")

    confidences = [confidence for _, confidence in ranked]
    assert [label for label, _ in ranked][0] == "交通运输"
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert {label for label, _ in ranked} == {"城乡建设", "教育文体", "交通运输"}


def test_predict_many_keeps_order(model):
    results = model.predict_many(
        [("学校收费", "小学乱收费"), ("出租车", "出租车拒载乘客"), ("", "")]
    )

    assert [ranked[0][0] for ranked in results[:2]] == ["教育文体", "交通运输"]
    assert len(results) == 3
    assert model.predict_many([]) == []


def test_save_and_load_round_trip_keeps_metadata(model, tmp_path: Path):
    report = evaluate(model, CORPUS)
    model.metadata["evaluation"] = report
    path = model.save(tmp_path / "models" / "router.joblib")

    loaded = load_router(path)

    assert loaded.metadata["version"] == MODEL_VERSION
    assert loaded.metadata["n_train"] == len(CORPUS)
    assert loaded.metadata["labels"] == ["交通运输", "城乡建设", "教育文体"]
    assert loaded.metadata["trained_at"].endswith("+00:00")
    assert loaded.metadata["evaluation"]["accuracy"] == report["accuracy"]
    text = ("供暖", "暖气不热")
    assert loaded.predict(*text) == model.predict(*text)


def test_load_rejects_other_files_and_old_versions(model, tmp_path: Path):
    stranger = tmp_path / "stranger.joblib"
    joblib.dump({"weights": [1, 2, 3]}, stranger)
    with pytest.raises(ValueError, match="not a qinqing router"):
        load_router(stranger)

    old = tmp_path / "old.joblib"
    joblib.dump(
        {
            "format": "qinqing.router",
            "pipeline": model.pipeline,
            "metadata": {**model.metadata, "version": "0"},
        },
        old,
    )
    with pytest.raises(ValueError, match="retrain"):
        load_router(old)


def test_evaluate_reports_scores_and_latency(model):
    report = evaluate(model, CORPUS)

    assert report["n"] == len(CORPUS)
    assert report["accuracy"] >= 0.9
    assert set(report["per_category_f1"]) == {"城乡建设", "教育文体", "交通运输"}
    assert 0.0 <= report["macro_f1"] <= 1.0
    assert report["ms_per_item"] > 0


def test_training_needs_two_categories_with_two_rows_each():
    with pytest.raises(ValueError, match="two categories"):
        train_router(CORPUS[:6], config=CONFIG)
    with pytest.raises(ValueError, match="fewer than two"):
        train_router(CORPUS[:6] + [("公交", "公交线路", "交通运输")], config=CONFIG)
