"""The compiled router predicts what scikit-learn's pipeline predicts."""

import numpy as np

from qinqing.analytics.ml.fast_linear import FastPipeline
from qinqing.analytics.ml.router import RouterConfig, _document, train_router
from qinqing.analytics.tests.test_ml_router import CONFIG, CORPUS

PROBES = [
    ("暖气不热", "小区暖气片冰凉，供热公司不来修。"),
    ("", "孩子学校乱收费，请教育局查一查。"),
    ("公交站太远", ""),
]


def _docs() -> list[str]:
    return [_document(title, text, RouterConfig()) for title, text in PROBES]


def test_fast_path_matches_the_pipeline():
    model = train_router(CORPUS, seed=0, config=CONFIG)
    assert model.fast is not None

    expected = model.pipeline.predict_proba(_docs())
    got = model.fast.predict_proba(_docs())

    assert list(model.fast.head.classes) == [str(c) for c in model.pipeline.classes_]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_fast_path_handles_two_categories():
    two = [row for row in CORPUS if row[2] != "交通运输"]
    model = train_router(two, seed=0, config=CONFIG)
    assert model.fast is not None

    np.testing.assert_allclose(
        model.fast.predict_proba(_docs()), model.pipeline.predict_proba(_docs()), atol=1e-5
    )


def test_a_pipeline_of_another_shape_falls_back():
    model = train_router(CORPUS, seed=0, config=CONFIG)
    assert FastPipeline.from_pipeline(model.pipeline[-1:]) is None
