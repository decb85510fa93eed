"""What limits the router on the gov-messages corpus: learning curve and label ambiguity.

Run from the project root: `python bench/routing_ceiling.py` (about three minutes on two
cores). It trains the production router (qinqing.analytics.ml.router) and prints:

- the learning curve: dev macro-F1 with 25/50/75% of `train` (stratified, three draws
  each) and with all of it;
- near-duplicate label conflicts: pairs of `train` messages whose character TF-IDF cosine
  is at least 0.8 but whose labels differ, and dev messages with such a neighbour in
  `train`;
- the dev errors against the hand judgement in bench/routing_dev_errors.csv (id, the
  label the router predicted, judgement, the taxonomy node that decided it). Each error
  of the router as trained here was read against taxonomy.csv: `model_error` when the
  taxonomy supports only the gold label, `both` when it has a fitting node under the gold
  and the predicted first-level category, `gold_doubtful` when it fits the prediction
  rather than the gold label. One reader's judgement; the file holds no message text.
  The "defensible" figures count a prediction as right when it was judged `both` or
  `gold_doubtful` for that message.
"""

from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from routing import LABELED, figure  # noqa: E402 - bench/routing.py, the same folder

from qinqing.analytics.ml.router import RouterRow, train_router  # noqa: E402

JUDGED = PROJECT_ROOT / "bench" / "routing_dev_errors.csv"
FRACTIONS = (0.25, 0.5, 0.75)
DRAWS = 3
NEAR_DUPLICATE = 0.8


def read_rows(path: Path) -> dict[str, list[tuple[str, RouterRow]]]:
    splits: dict[str, list[tuple[str, RouterRow]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row = (record["留言主题"], record["留言详情"], record["一级标签"])
            splits.setdefault(record["split"], []).append((record["id"], row))
    return splits


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, predicted, average="macro"))


def predict(rows: list[RouterRow], dev: list[RouterRow], seed: int = 0) -> list[str]:
    model = train_router(rows, seed=seed)
    return [ranked[0][0] for ranked in model.predict_many((t, x) for t, x, _ in dev)]


def learning_curve(train: list[RouterRow], dev: list[RouterRow]) -> list[str]:
    from sklearn.model_selection import train_test_split

    truth = [r[2] for r in dev]
    labels = [r[2] for r in train]
    for fraction in FRACTIONS:
        scores = []
        for draw in range(DRAWS):
            part, _ = train_test_split(
                train, train_size=fraction, stratify=labels, random_state=draw
            )
            scores.append(macro_f1(truth, predict(part, dev)))
        pct = int(fraction * 100)
        figure(
            f"router_macro_f1_dev_train_{pct}pct_median_of_{DRAWS}",
            statistics.median(scores),
            "ratio",
        )
        figure(f"router_macro_f1_dev_train_{pct}pct_spread", max(scores) - min(scores), "ratio")
    predicted = predict(train, dev)
    figure("router_macro_f1_dev_train_100pct", macro_f1(truth, predicted), "ratio")
    return predicted


def near_duplicates(train: list[RouterRow], dev: list[RouterRow], predicted: list[str]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qinqing.analytics.ml.text import join_title_text, normalize

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", preprocessor=normalize, ngram_range=(1, 3), min_df=2
    )
    x_train = vectorizer.fit_transform([join_title_text(t, x) for t, x, _ in train])
    x_dev = vectorizer.transform([join_title_text(t, x) for t, x, _ in dev])
    y_train = np.array([r[2] for r in train])
    y_dev = np.array([r[2] for r in dev])

    within = (x_train @ x_train.T).tocoo()
    pairs = [
        (i, j)
        for i, j, s in zip(within.row, within.col, within.data, strict=True)
        if i < j and s >= NEAR_DUPLICATE
    ]
    conflicts = sum(1 for i, j in pairs if y_train[i] != y_train[j])
    figure("train_near_duplicate_pairs", len(pairs), "pairs")
    figure("train_near_duplicate_pairs_with_different_labels", conflicts, "pairs")
    figure("train_near_duplicate_label_conflict_share", conflicts / max(len(pairs), 1), "ratio")

    across = (x_dev @ x_train.T).toarray()
    nearest, similarity = across.argmax(axis=1), across.max(axis=1)
    close = similarity >= NEAR_DUPLICATE
    wrong = np.array(predicted) != y_dev
    figure("dev_with_train_near_duplicate", int(close.sum()), "messages")
    figure(
        "dev_with_train_near_duplicate_other_label",
        int((close & (y_train[nearest] != y_dev)).sum()),
        "messages",
    )
    figure("dev_errors_with_train_near_duplicate", int((close & wrong).sum()), "messages")


def judged_errors(dev: list[tuple[str, RouterRow]], predicted: list[str]) -> None:
    judged: dict[tuple[str, str], str] = {}
    with JUDGED.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            judged[(record["id"], record["predicted"])] = record["judgement"]
    truth = [row[2] for _, row in dev]
    counts = {"model_error": 0, "both": 0, "gold_doubtful": 0, "not_judged": 0}
    lenient = list(predicted)
    for k, ((ident, _row), gold, guess) in enumerate(zip(dev, truth, predicted, strict=True)):
        if gold == guess:
            continue
        verdict = judged.get((ident, guess), "not_judged")
        counts[verdict] += 1
        if verdict in ("both", "gold_doubtful"):
            lenient[k] = gold
    errors = sum(counts.values())
    figure("dev_errors", errors, "messages")
    for verdict, n in counts.items():
        figure(f"dev_errors_judged_{verdict}", n, "messages")
    figure(
        "dev_errors_defensible_share",
        (counts["both"] + counts["gold_doubtful"]) / max(errors, 1),
        "ratio",
    )
    figure(
        "router_accuracy_dev",
        sum(g == p for g, p in zip(truth, predicted, strict=True)) / len(truth),
        "ratio",
    )
    figure(
        "router_accuracy_dev_defensible_counted",
        sum(g == p for g, p in zip(truth, lenient, strict=True)) / len(truth),
        "ratio",
    )
    figure("router_macro_f1_dev_defensible_counted", macro_f1(truth, lenient), "ratio")


def main() -> int:
    if not LABELED.exists():
        print(f"no data at {LABELED}; nothing to measure")
        return 0
    splits = read_rows(LABELED)
    train = [row for _, row in splits["train"]]
    dev = [row for _, row in splits["dev"]]
    print(f"loaded {LABELED}: train={len(train)} dev={len(dev)}", flush=True)
    predicted = learning_curve(train, dev)
    near_duplicates(train, dev, predicted)
    judged_errors(splits["dev"], predicted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
