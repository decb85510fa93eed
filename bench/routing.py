"""Router benchmark on the gov-messages corpus.

Run from the project root: `python bench/routing.py` (add `--quick` to skip the
100k-row training timing). Trains on the `train` split, reports on `dev`.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data from the project root; a git worktree sits one level deeper, so the
# nearest ancestor that has shared/data wins.
DATA_DIR = next(
    (p / "shared" / "data" for p in PROJECT_ROOT.parents if (p / "shared" / "data").is_dir()),
    PROJECT_ROOT.parent / "shared" / "data",
)
LABELED = DATA_DIR / "gov-messages" / "labeled.csv"
SYNTHETIC_ROWS = 100_000

sys.path.insert(0, str(PROJECT_ROOT))

from qinqing.analytics.ml.router import (  # noqa: E402
    RouterRow,
    evaluate,
    load_router,
    train_router,
)


def read_split(path: Path) -> dict[str, list[RouterRow]]:
    splits: dict[str, list[RouterRow]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row = (record["留言主题"], record["留言详情"], record["一级标签"])
            splits.setdefault(record["split"], []).append(row)
    return splits


def perturb(text: str, rng: random.Random) -> str:
    # Drop ~10% of characters and rotate the text so the synthetic rows are not
    # byte-identical copies (identical rows would make vectorising unrealistically cheap).
    kept = "".join(ch for ch in text if rng.random() > 0.1)
    cut = rng.randrange(len(kept)) if kept else 0
    return kept[cut:] + kept[:cut]


def synthesise(rows: list[RouterRow], n: int, seed: int = 0) -> list[RouterRow]:
    rng = random.Random(seed)
    out: list[RouterRow] = []
    for _ in range(n):
        title, text, category = rng.choice(rows)
        out.append((perturb(title or "", rng), perturb(text or "", rng), category))
    return out


def figure(name: str, value: float | int, unit: str) -> None:
    shown = f"{value:.4f}" if isinstance(value, float) and unit == "ratio" else value
    if isinstance(value, float) and unit != "ratio":
        shown = f"{value:.2f}"
    print(f"{name}: {shown} {unit}", flush=True)


# The best published figure for this split we know of (a competitor's, not re-run here).
PEER_MACRO_F1 = 0.897


def reference_macro_f1(train: list[RouterRow], dev: list[RouterRow]) -> float:
    """Plain TF-IDF + SVM in the same run: jieba word TF-IDF and a default LinearSVC."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.svm import LinearSVC

    from qinqing.analytics.ml.text import join_title_text, tokenize

    def docs(rows: list[RouterRow]) -> list[str]:
        return [join_title_text(title, text) for title, text, _ in rows]

    vectorizer = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, min_df=2)
    svm = LinearSVC(random_state=0).fit(
        vectorizer.fit_transform(docs(train)), [r[2] for r in train]
    )
    predicted = svm.predict(vectorizer.transform(docs(dev)))
    return float(f1_score([r[2] for r in dev], predicted, average="macro"))


def sklearn_ms_per_appeal(model, rows: list[RouterRow], sample: int = 200) -> float:  # type: ignore[no-untyped-def]
    """The same model predicting through scikit-learn's pipeline (the path before the
    compiled one), one appeal at a time: the latency reference."""
    from qinqing.analytics.ml.router import RouterConfig, _document

    config = RouterConfig(**model.metadata.get("config", {}))
    started = time.perf_counter()
    for title, text, _ in rows[:sample]:
        model.pipeline.predict_proba([_document(title, text, config)])
    return (time.perf_counter() - started) * 1000 / min(sample, len(rows))


def main() -> int:
    if not LABELED.exists():
        print(f"no data at {LABELED}; nothing to benchmark")
        return 0
    splits = read_split(LABELED)
    train, dev = splits["train"], splits["dev"]
    print(f"loaded {LABELED}: train={len(train)} dev={len(dev)}", flush=True)

    started = time.perf_counter()
    model = train_router(train, seed=0)
    figure("router_train_seconds", time.perf_counter() - started, "s")

    report = evaluate(model, dev)
    reference = reference_macro_f1(train, dev)
    figure("router_accuracy_dev", report["accuracy"], "ratio")
    figure("router_macro_f1_dev", report["macro_f1"], "ratio")
    figure("router_macro_f1_dev_reference_tfidf_svm", reference, "ratio")
    figure("router_macro_f1_dev_ratio_to_tfidf_svm", report["macro_f1"] / reference, "ratio")
    figure("router_macro_f1_dev_peer_published", PEER_MACRO_F1, "ratio")
    figure("router_macro_f1_dev_ratio_to_peer", report["macro_f1"] / PEER_MACRO_F1, "ratio")
    for label, score in sorted(report["per_category_f1"].items()):
        figure(f"router_f1_{label}", score, "ratio")
    figure("router_ms_per_appeal", report["ms_per_item"], "ms")
    slow = sklearn_ms_per_appeal(model, dev)
    figure("router_ms_per_appeal_reference_sklearn_path", slow, "ms")
    figure("router_ms_per_appeal_ratio", report["ms_per_item"] / slow, "ratio")

    with tempfile.TemporaryDirectory() as tmp:
        model.metadata["evaluation"] = report
        path = model.save(Path(tmp) / "router.joblib")
        figure("router_model_size", path.stat().st_size / 1e6, "MB")
        started = time.perf_counter()
        load_router(path)
        figure("router_load_seconds", time.perf_counter() - started, "s")

    if "--quick" not in sys.argv:
        synthetic = synthesise(train, SYNTHETIC_ROWS)
        print(f"synthesised {len(synthetic)} perturbed rows from train", flush=True)
        started = time.perf_counter()
        train_router(synthetic, seed=0)
        figure("router_train_seconds_100k", time.perf_counter() - started, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
