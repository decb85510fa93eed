"""A calibrated linear router reduced to arrays, for one-appeal-at-a-time prediction.

scikit-learn's CalibratedClassifierCV predicts through one LinearSVC and one sigmoid per
class and fold, validating its input at every step: about 36 ms of checks per appeal on
the router bench against well under one of arithmetic. The same model held as one weight
matrix predicts the same probabilities (to float32 rounding) with two numpy calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack, spmatrix
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import FeatureUnion, Pipeline


@dataclass(frozen=True)
class CalibratedLinear:
    """Per fold and class: decision = x . coef + intercept, probability = sigmoid(-(a *
    decision + b)); normalised over the classes, then averaged over the folds."""

    classes: tuple[str, ...]
    # (n_features, folds * columns), C-contiguous: a sparse row times it touches only
    # the rows of the appeal's own features (a transposed view would be copied per call)
    weights: np.ndarray
    intercept: np.ndarray  # (folds * columns,)
    a: np.ndarray
    b: np.ndarray
    folds: int

    @classmethod
    def from_calibrated(cls, model: CalibratedClassifierCV) -> CalibratedLinear:
        classes = tuple(str(c) for c in model.classes_)
        coefs, intercepts, slopes, offsets = [], [], [], []
        for fold in model.calibrated_classifiers_:
            estimator = fold.estimator
            if tuple(str(c) for c in estimator.classes_) != classes:
                raise ValueError("a calibration fold lacks a class")
            coefs.append(np.asarray(estimator.coef_, dtype=np.float32))
            intercepts.append(np.asarray(estimator.intercept_, dtype=np.float64))
            slopes.append([float(c.a_) for c in fold.calibrators])
            offsets.append([float(c.b_) for c in fold.calibrators])
        return cls(
            classes=classes,
            weights=np.ascontiguousarray(np.vstack(coefs).T),
            intercept=np.concatenate(intercepts),
            a=np.asarray(slopes, dtype=np.float64).ravel(),
            b=np.asarray(offsets, dtype=np.float64).ravel(),
            folds=len(coefs),
        )

    def predict_proba(self, features: spmatrix) -> np.ndarray:
        n, k = features.shape[0], len(self.classes)
        # same dtype on both sides, or scipy would copy the weights to float64 per call
        product = features.astype(np.float32) @ self.weights
        decision = np.asarray(product, dtype=np.float64) + self.intercept
        scores = expit(-(self.a * decision + self.b)).reshape(n, self.folds, -1)
        if k == 2:  # a binary SVM has one column, for the second class
            scores = np.concatenate([1.0 - scores, scores], axis=2)
        total = scores.sum(axis=2, keepdims=True)
        proba = np.divide(scores, total, out=np.full_like(scores, 1.0 / k), where=total != 0)
        return proba.mean(axis=1)


@dataclass(frozen=True)
class FastPipeline:
    """The router pipeline's feature union and calibrated SVM, called without joblib or
    per-step validation."""

    vectorizers: tuple[object, ...]
    head: CalibratedLinear

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> FastPipeline | None:
        features, classifier = pipeline.named_steps.get("features"), pipeline[-1]
        if not isinstance(features, FeatureUnion) or not isinstance(
            classifier, CalibratedClassifierCV
        ):
            return None
        try:
            head = CalibratedLinear.from_calibrated(classifier)
        except (AttributeError, ValueError):
            return None
        vectorizers = tuple(step for _, step in features.transformer_list)
        return cls(vectorizers=vectorizers, head=head)

    def features(self, docs: list[str]) -> spmatrix:
        return hstack([v.transform(docs) for v in self.vectorizers], format="csr")  # type: ignore[attr-defined]

    def predict_proba(self, docs: list[str]) -> np.ndarray:
        return self.head.predict_proba(self.features(docs))
