"""Routing suggestions (智能分诊): the versioned router model, the routing table and the
operators' corrections.

Model labels are category *names*: a label maps to the active appeals Category with
that name (the one with the lowest code when several share it); the routing table
(RoutingRule: category × division → department) turns the category into a department,
falling back to the category's default department.
"""

from __future__ import annotations

import csv
import logging
import random
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.analytics.intel.models import RouterVersion, RoutingCorrection, RoutingRule
from qinqing.analytics.ml.router import (
    RouterConfig,
    RouterModel,
    evaluate,
    load_router,
    train_router,
)
from qinqing.appeals.models import Appeal, Category, Status

logger = logging.getLogger("qinqing.analytics")

REQUIRED_TRAIN_COLUMNS = ("title", "text", "category")
REQUIRED_CLASSIFY_COLUMNS = ("title", "text")
HELD_OUT_SHARE = 0.2
TOP_SUGGESTIONS = 3
SMALL_CORPUS = 5000

Row = tuple[str, str, str]


# --- CSV input ----------------------------------------------------------------------------
def read_csv(path: str | Path, required: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV, or ValidationError listing (in Chinese) what is wrong:
    a missing column, an empty row, a missing value, with row numbers as in a
    spreadsheet (the header is row 1)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in reader.fieldnames or []]
            missing = [c for c in required if c not in columns]
            if missing:
                raise ValidationError(
                    f"CSV 缺少列：{'、'.join(missing)}（需要的列：{'、'.join(required)}）。"
                )
            rows = [
                {(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader
            ]
    except FileNotFoundError as exc:
        raise ValidationError(f"找不到文件：{path}") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"文件 {path} 不是 UTF-8 编码的 CSV。") from exc
    errors = []
    for number, row in enumerate(rows, start=2):
        if not any(row.get(c) for c in required):
            errors.append(f"第 {number} 行：整行为空。")
        elif not (row.get("title") or row.get("text")):
            errors.append(f"第 {number} 行：title 和 text 不能都为空。")
        elif "category" in required and not row.get("category"):
            errors.append(f"第 {number} 行：category（分类）为空。")
    if errors:
        shown = errors[:20]
        more = f"（另有 {len(errors) - 20} 处错误）" if len(errors) > 20 else ""
        raise ValidationError("\n".join(shown) + more)
    if not rows:
        raise ValidationError("CSV 中没有数据行。")
    return rows


def training_rows_from_csv(path: str | Path) -> list[Row]:
    return [(r["title"], r["text"], r["category"]) for r in read_csv(path, REQUIRED_TRAIN_COLUMNS)]


def training_rows_from_history() -> list[Row]:
    """Closed appeals under their final category, then the operators' corrections
    (an appeal corrected and later closed counts once, under its final category)."""
    rows: dict[str, Row] = {}
    closed = (
        Appeal.objects.filter(status=Status.CLOSED, category__isnull=False)
        .values_list("pk", "title", "description", "category__name")
        .order_by("pk")
    )
    for pk, title, text, label in closed.iterator(chunk_size=2000):
        rows[f"a{pk}"] = (title, text, label)
    corrections = RoutingCorrection.objects.values_list(
        "appeal_id", "title", "text", "chosen_label"
    ).order_by("pk")
    for appeal_id, title, text, label in corrections:
        rows.setdefault(f"a{appeal_id}", (title, text, label))
    return list(rows.values())


# --- training -----------------------------------------------------------------------------
def split_held_out(rows: Sequence[Row], *, seed: int = 0) -> tuple[list[Row], list[Row]]:
    """A stratified split: a fifth of each category with at least five rows is held out;
    smaller categories stay whole in the training part."""
    by_label: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_label[row[2]].append(row)
    rng = random.Random(seed)
    train: list[Row] = []
    held: list[Row] = []
    for label in sorted(by_label):
        items = list(by_label[label])
        rng.shuffle(items)
        n_held = int(len(items) * HELD_OUT_SHARE) if len(items) >= 5 else 0
        held += items[:n_held]
        train += items[n_held:]
    return train, held


def train_and_store(
    rows: Sequence[Row],
    *,
    source: str,
    dev_rows: Sequence[Row] | None = None,
    activate: bool = True,
    actor: Any = None,
    seed: int = 0,
) -> RouterVersion:
    """Train on `rows` (less a held-out fifth unless `dev_rows` are given), evaluate,
    write the model file and record the version. The shipped model is the one that was
    evaluated, so its report describes exactly what runs."""
    counts: dict[str, int] = defaultdict(int)
    for _title, _text, label in rows:
        counts[label] += 1
    if len(counts) < 2:
        raise ValidationError("训练数据至少需要两个分类。")
    too_small = sorted(label for label, n in counts.items() if n < 2)
    if too_small:
        raise ValidationError(f"以下分类的样本少于 2 条，无法训练：{'、'.join(too_small)}")
    if dev_rows is None:
        train_rows, held = split_held_out(rows, seed=seed)
    else:
        train_rows, held = list(rows), list(dev_rows)
    # Worker processes cost seconds to start: below a few thousand rows one process wins.
    config = RouterConfig(train_jobs=1 if len(train_rows) < SMALL_CORPUS else 2)
    model = train_router(train_rows, seed=seed, config=config)
    report = evaluate(model, held, latency_sample=100) if held else None
    if report is not None:
        report["evaluated_on"] = "dev" if dev_rows is not None else "held_out"
    model.metadata["evaluation"] = report
    version = _next_version()
    path = Path(settings.VAR_DIR) / "models" / f"router-v{version}.joblib"
    model.save(path)
    with transaction.atomic():
        record = RouterVersion.objects.create(
            version=version,
            file_path=str(path),
            source=source[:200],
            trained_at=timezone.now(),
            n_train=len(train_rows),
            labels=list(model.labels),
            report=report,
            trained_by=actor if getattr(actor, "pk", None) else None,
        )
        if activate:
            activate_version(record)
    return record


def _next_version() -> int:
    return (RouterVersion.objects.aggregate(m=Max("version"))["m"] or 0) + 1


@transaction.atomic
def activate_version(version: RouterVersion) -> RouterVersion:
    # Lock every version row so that two activations serialise; one stays active.
    list(RouterVersion.objects.select_for_update().values_list("pk", flat=True))
    RouterVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    RouterVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


# --- the loaded model, cached per process ------------------------------------------------
@dataclass
class _Cache:
    key: tuple[Any, ...] | None = None
    model: RouterModel | None = None


_cache = _Cache()
_cache_lock = threading.Lock()


def active_router() -> tuple[RouterVersion | None, RouterModel | None]:
    """The active version and its loaded model. One indexed query per call decides
    whether the cached model is still the active one; a new version is loaded once."""
    version = RouterVersion.objects.filter(is_active=True).first()
    if version is None:
        return None, None
    with _cache_lock:
        key = (version.pk, version.file_path, version.trained_at)
        if _cache.key != key or _cache.model is None:
            try:
                model = load_router(version.file_path)
            except (OSError, ValueError):
                logger.exception("cannot load router %s from %s", version, version.file_path)
                return version, None
            _cache.key, _cache.model = key, model
        return version, _cache.model


def classify_rows(model: RouterModel, rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    items = list(rows)
    ranked = model.predict_many((r.get("title", ""), r.get("text", "")) for r in items)
    out = []
    for row, predictions in zip(items, ranked, strict=True):
        label, confidence = predictions[0] if predictions else ("", 0.0)
        out.append({**row, "category": label, "confidence": f"{confidence:.4f}"})
    return out


# --- from labels to categories and departments ------------------------------------------
def categories_by_label(labels: Iterable[str]) -> dict[str, Category]:
    wanted = set(labels)
    found: dict[str, Category] = {}
    for category in Category.objects.filter(name__in=wanted, is_active=True).order_by("code"):
        found.setdefault(category.name, category)
    return found


def route(category: Category, division: Organisation | None) -> Organisation | None:
    """The department for `category` in `division`: the rule of the nearest division
    (the division itself, then its ancestors), then the rule without a division, then
    the category's default department."""
    ancestors = [int(p) for p in division.path.strip("/").split("/") if p] if division else []
    rules = {
        rule.division_id: rule.department
        for rule in RoutingRule.objects.filter(category=category)
        .filter(Q(division__isnull=True) | Q(division_id__in=ancestors))
        .select_related("department")
    }
    for org_id in reversed(ancestors):
        if org_id in rules:
            return rules[org_id]
    if None in rules:
        return rules[None]
    return category.default_department


def suggest(title: str, text: str, division: Organisation | None) -> list[dict[str, Any]]:
    """Top suggestions, best first: category (or None when the label matches no
    category), its label, the routed department and the confidence."""
    _version, model = active_router()
    if model is None or not (title or text):
        return []
    ranked = model.predict(title, text)[:TOP_SUGGESTIONS]
    categories = categories_by_label(label for label, _ in ranked)
    suggestions = []
    for label, confidence in ranked:
        category = categories.get(label)
        suggestions.append(
            {
                "category": category,
                "label": label,
                "department": route(category, division) if category else None,
                "confidence": round(float(confidence), 4),
            }
        )
    return suggestions


# --- corrections ------------------------------------------------------------------------
def record_correction(appeal_id: int) -> RoutingCorrection | None:
    """Compare the appeal's category with what the active router suggests; when they
    differ, keep the appeal as training data. Safe to run twice (one row per appeal)."""
    appeal = (
        Appeal.objects.filter(pk=appeal_id, category__isnull=False)
        .select_related("category")
        .first()
    )
    if appeal is None or appeal.category is None:
        return None
    version, model = active_router()
    if model is None:
        return None
    label, confidence = model.predict(appeal.title, appeal.description)[0]
    if label == appeal.category.name:
        return None
    try:
        with transaction.atomic():
            return RoutingCorrection.objects.create(
                appeal=appeal,
                title=appeal.title,
                text=appeal.description,
                suggested_label=label,
                suggested_confidence=round(float(confidence), 4),
                chosen_label=appeal.category.name,
                router_version=version,
            )
    except IntegrityError:
        return RoutingCorrection.objects.filter(appeal=appeal).first()
