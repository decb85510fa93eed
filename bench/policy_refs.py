"""References for bench/policies.py, on the same synthetic rules and facts in memory:

- `random_rule`: a rule drawn from the shapes of the 13 Hangzhou programmes;
- `synthetic_frame`: the wide fact frame `policies.facts.fact_frame` would load, drawn
  from the same distributions as the database load of bench/policies.py;
- `plain_polars`: every item's conditions as one Kleene AND, all items in one `select`
  (no outcome codes, no long result: the floor of what Polars can do with these rules);
- `openfisca_run`: the same rules as an OpenFisca-Core tax-benefit system: one input
  variable per fact column, one formula variable per distinct condition (OpenFisca caches
  each, so shared conditions are computed once), one formula variable per item giving
  the four outcomes (eligible / almost / cannot decide / not eligible) with the same
  three-valued logic (numpy int8: 0 false, 1 unknown, 2 true; and = min, or = max).

OpenFisca-Core is the optional `bench` extra (`pip install -e '.[bench]'`), never a
runtime dependency; without it `openfisca_run` returns None."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl

YEAR_FIELDS = (
    "employees", "rd_staff", "revenue", "total_assets", "rd_spending", "tax_paid",
    "invention_patents", "utility_patents", "design_patents", "software_copyrights",
)  # fmt: skip
QUAL_SHARES = {"high_tech": 0.15, "tech_centre": 0.05, "srdi": 0.05, "tech_sme": 0.2}


def random_rule(rng: random.Random, item_no: int) -> dict:
    on = "2026-06-30"
    pool = [
        lambda: {
            "type": "industry_prefix",
            "prefixes": [rng.choice("CIMLF") + str(rng.randint(1, 8))],
        },
        lambda: {
            "type": "size_class_in",
            "values": rng.sample(["large", "medium", "small", "micro"], rng.randint(1, 3)),
        },
        lambda: {
            "type": "qualification",
            "kind": rng.choice(["high_tech", "tech_centre", "srdi", "tech_sme"]),
            "on": on,
        },
        lambda: {
            "type": "registration_age",
            "on": on,
            "op": rng.choice([">=", "<"]),
            "years": rng.randint(1, 10),
        },
        lambda: {
            "type": "threshold",
            "field": rng.choice(["revenue", "employees", "tax_paid", "total_assets"]),
            "year": 2025,
            "op": ">=",
            "value": rng.choice([100, 500, 1000, 2000, 5000, 20000]),
        },
        lambda: {
            "type": "threshold",
            "label": "专利折算分值",
            "op": ">=",
            "value": rng.choice([10, 20, 30]),
            "terms": [
                {"field": "invention_patents", "year": 2025, "weight": 5},
                {"field": "utility_patents", "year": 2025, "weight": 2},
                {"field": "design_patents", "year": 2025, "weight": 1},
            ],
        },
        lambda: {
            "type": "ratio",
            "numerator": "rd_spending",
            "denominator": "revenue",
            "years": [2023, 2024, 2025],
            "op": ">=",
            "band_year": 2025,
            "bands": [
                {"upto": 5000, "value": 5},
                {"upto": 20000, "value": 4},
                {"upto": None, "value": 3},
            ],
        },
        lambda: {
            "type": "ratio",
            "numerator": "rd_staff",
            "denominator": "employees",
            "years": [2025],
            "op": ">=",
            "value": rng.choice([10, 15, 20]),
        },
        lambda: {
            "type": "growth",
            "field": "revenue",
            "year": 2025,
            "span": rng.choice([1, 2]),
            "op": ">=",
            "value": rng.choice([5, 10, 15]),
        },
        lambda: {"type": "tax_credit_in", "values": ["A", "B"]},
        lambda: {"type": "division_prefix", "prefixes": [f"330106{rng.randint(1, 10):03d}"]},
    ]
    # who the item is for (惠及对象), then 2–4 conditions, as in the Hangzhou programmes
    letter = rng.choice("CIMLFE")
    scope = rng.choices(
        [
            [{"type": "industry_prefix", "prefixes": [letter + str(rng.randint(1, 8))]}],
            [{"type": "industry_prefix", "prefixes": [letter]}],
            [
                {"type": "division_prefix", "prefixes": [f"330106{rng.randint(1, 10):03d}"]},
                {"type": "size_class_in", "values": rng.sample(["medium", "small", "micro"], 2)},
            ],
        ],
        weights=[4, 3, 3],
    )[0]
    clauses = scope + [pick() for pick in rng.sample(pool[2:-1], rng.randint(2, 4))]
    clauses.append({"type": "flag", "field": "serious_dishonesty", "value": False})
    clauses.append({"type": "not_awarded", "period": "2025"})
    return {"all": clauses}


def synthetic_frame(n: int, seed: int, qual_columns: dict[str, str]) -> pl.DataFrame:
    """One row per enterprise with every column the bench rules read (about 2% of the
    yearly figures and of the dishonesty flags missing). `qual_columns`: column -> kind."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGIJKLMNOPQRS"))
    industry = np.char.add(
        rng.choice(letters, n), np.char.zfill(rng.integers(1, 90, n).astype(str), 2)
    )
    division = np.char.add("330106", np.char.zfill(rng.integers(1, 11, n).astype(str), 3))

    def gap(values: Any, share: float = 0.02) -> pl.Series:
        return pl.Series(values).scatter(np.flatnonzero(rng.random(n) < share), None)

    columns: dict[str, Any] = {
        "enterprise_id": np.arange(1, n + 1),
        "division_code": division,
        "industry_code": industry,
        "size_class": pl.Series(
            rng.choice(
                ["large", "medium", "small", "micro", ""], n, p=[0.02, 0.08, 0.3, 0.55, 0.05]
            )
        ).replace("", None),
        "tax_credit_rating": rng.choice(["A", "B", "M", "C", "D"], n),
        "registered_on": pl.Series(rng.integers(0, 365 * 25, n)).cast(pl.Int32),
        "registered_capital": np.round(rng.lognormal(5, 1.2, n), 2),
        "serious_dishonesty": gap(rng.random(n) < 0.01),
        "is_listed": rng.random(n) < 0.01,
    }
    size = rng.lognormal(7, 1.5, n)
    for year, factor in ((2023, 0.8), (2024, 0.9), (2025, 1.0)):
        revenue = np.round(size * factor * rng.uniform(0.85, 1.15, n), 2)
        employees = np.maximum(1, revenue / 50 * rng.uniform(0.5, 1.5, n)).astype(np.int64)
        values = {
            "employees": employees,
            "rd_staff": (employees * rng.uniform(0, 0.3, n)).astype(np.int64),
            "revenue": revenue,
            "total_assets": np.round(revenue * 1.3, 2),
            "rd_spending": np.round(revenue * rng.uniform(0.0, 0.09, n), 2),
            "tax_paid": np.round(revenue * 0.03, 2),
            "invention_patents": rng.poisson(0.6, n),
            "utility_patents": rng.poisson(2, n),
            "design_patents": rng.poisson(1, n),
            "software_copyrights": rng.poisson(2, n),
        }
        for name in YEAR_FIELDS:
            columns[f"y{year}_{name}"] = gap(values[name])
    for column, kind in qual_columns.items():
        columns[column] = rng.random(n) < QUAL_SHARES.get(kind, 0.1)
    frame = pl.DataFrame(columns, strict=False)
    return frame.with_columns(
        (pl.date(2001, 1, 1) + pl.duration(days=pl.col("registered_on"))).alias("registered_on")
    )


def plain_polars(frame: pl.DataFrame, items: Sequence[Any]) -> pl.DataFrame:
    """Each item's top-level conditions ANDed (Kleene), every item in one select. Award
    columns the frame lacks read as not awarded, as in matching."""
    present = set(frame.columns)
    exprs = []
    for compiled in items:
        tops = [
            top.expr()
            for top in compiled.tops
            if all(n.column in present for n in top.needs())  # an absent award: always true
        ]
        exprs.append(pl.all_horizontal(tops).alias(f"i{compiled.item_id}"))
    return frame.select(exprs)


# --- OpenFisca ---------------------------------------------------------------------

FALSE, UNKNOWN, TRUE = 0, 1, 2


def _tri(value: np.ndarray, known: np.ndarray) -> np.ndarray:
    out = np.where(value, TRUE, FALSE).astype(np.int8)
    out[~known] = UNKNOWN
    return out


def _compare(op: str, left: np.ndarray, right: Any) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return {
            ">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
            "==": np.equal,
        }[op](left, right)  # fmt: skip


def clause_formula(spec: dict[str, Any]) -> Callable[..., np.ndarray]:
    """numpy three-valued evaluation of one bench clause (the rules.py semantics)."""
    kind = spec["type"]

    def formula(entity: Any, period: Any, parameters: Any = None) -> np.ndarray:
        def col(name: str) -> np.ndarray:
            return entity(name, period)

        if kind in ("industry_prefix", "division_prefix"):
            codes = col("industry_code" if kind == "industry_prefix" else "division_code")
            codes = codes.astype(str)
            hit = np.zeros(len(codes), dtype=bool)
            for prefix in spec["prefixes"]:
                hit |= np.strings.startswith(codes, prefix)
            return _tri(hit, codes != "")
        if kind in ("size_class_in", "tax_credit_in"):
            values = col("size_class" if kind == "size_class_in" else "tax_credit_rating")
            values = values.astype(str)
            return _tri(np.isin(values, spec["values"]), values != "")
        if kind == "qualification":
            held = col(f"q_{spec['kind']}_{spec['on'].replace('-', '')}_0")
            return _tri(held, np.ones(len(held), dtype=bool))
        if kind == "registration_age":
            on = dt.date.fromisoformat(spec["on"])
            pivot = (on.replace(year=on.year - spec["years"]) - dt.date(1970, 1, 1)).days
            days = col("registered_on")
            flipped = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}[spec["op"]]
            return _tri(_compare(flipped, days, pivot), ~np.isnan(days))
        if kind == "threshold":
            terms = spec.get("terms") or [
                {"field": spec["field"], "year": spec["year"], "weight": 1}
            ]
            values = [col(f"y{t['year']}_{t['field']}") * t["weight"] for t in terms]
            known_all = np.logical_and.reduce([~np.isnan(v) for v in values])
            total = np.round(np.sum([np.nan_to_num(v) for v in values], axis=0), 6)
            passed = _compare(spec["op"], total, spec["value"])
            out = _tri(passed, known_all)
            if spec["op"] in (">=", ">"):
                out[~known_all & passed] = TRUE
            else:
                out[~known_all & ~passed] = FALSE
            return out
        if kind == "ratio":
            years = spec["years"]
            num = np.sum([col(f"y{y}_{spec['numerator']}") for y in years], axis=0)
            den = np.sum([col(f"y{y}_{spec['denominator']}") for y in years], axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(den > 0, np.round(num * 100 / den, 6), np.nan)
            if spec.get("bands"):
                base = col(f"y{spec['band_year']}_{spec['denominator']}")
                required = np.full(len(base), float(spec["bands"][-1]["value"]))
                for band in reversed(spec["bands"][:-1]):
                    required = np.where(base <= band["upto"], float(band["value"]), required)
                required[np.isnan(base)] = np.nan
            else:
                required = float(spec["value"])
            known = ~np.isnan(ratio) & ~np.isnan(required)
            return _tri(_compare(spec["op"], ratio, required), known)
        if kind == "growth":
            ratios = []
            for i in range(spec["span"]):
                cur = col(f"y{spec['year'] - i}_{spec['field']}")
                prev = col(f"y{spec['year'] - i - 1}_{spec['field']}")
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratios.append(np.where(prev > 0, cur / prev, np.nan))
            growth = np.round((np.sum(ratios, axis=0) / len(ratios) - 1) * 100, 6)
            return _tri(_compare(spec["op"], growth, spec["value"]), ~np.isnan(growth))
        if kind == "flag":
            value = col(spec["field"])  # float: 1.0 / 0.0 / nan
            return _tri(value == float(spec["value"]), ~np.isnan(value))
        if kind == "not_awarded":  # nothing awarded in the bench
            return np.full(entity.count, TRUE, dtype=np.int8)
        raise ValueError(kind)

    return formula


def _key(spec: dict[str, Any]) -> str:
    import json

    return json.dumps(spec, sort_keys=True)


SCOPE = {"division_prefix", "industry_prefix", "size_class_in"}


def openfisca_run(
    frame: pl.DataFrame, trees: Sequence[dict[str, Any]]
) -> tuple[float, np.ndarray] | None:
    """(seconds to compute every item, outcome codes items × enterprises: 0 N, 1 E, 2 A,
    3 U) or None without OpenFisca-Core. Loading the inputs is not timed."""
    import time

    try:
        from openfisca_core.entities import build_entity
        from openfisca_core.periods import DateUnit
        from openfisca_core.simulations import SimulationBuilder
        from openfisca_core.taxbenefitsystems import TaxBenefitSystem
        from openfisca_core.variables import Variable
    except ImportError:
        return None

    entity = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
    system = TaxBenefitSystem([entity])

    def add(name: str, value_type: type, formula: Any = None) -> None:
        attrs: dict[str, Any] = {
            "value_type": value_type, "entity": entity, "definition_period": DateUnit.YEAR,
            "label": name,
        }  # fmt: skip
        if formula is not None:
            attrs["formula"] = formula
        system.add_variable(type(name, (Variable,), attrs))

    inputs: dict[str, np.ndarray] = {}
    for name, dtype in frame.schema.items():
        if name == "enterprise_id":
            continue
        series = frame[name]
        if dtype == pl.String:
            add(name, str)
            inputs[name] = series.fill_null("").to_numpy().astype(object)
        elif dtype == pl.Date:
            add(name, float)
            inputs[name] = series.cast(pl.Int32).cast(pl.Float64).to_numpy()
        else:
            add(name, float)
            inputs[name] = series.cast(pl.Float64).to_numpy()  # null -> nan
    clause_names: dict[str, str] = {}
    item_names = []
    for number, tree in enumerate(trees):
        tops = []
        for spec in tree["all"]:
            key = _key(spec)
            if key not in clause_names:
                clause_names[key] = f"clause_{len(clause_names)}"
                add(clause_names[key], int, clause_formula(spec))
            tops.append((clause_names[key], spec["type"] in SCOPE))
        name = f"item_{number}"
        add(name, int, _item_formula(tops))
        item_names.append(name)
    simulation = SimulationBuilder().build_default_simulation(system, frame.height)
    for name, values in inputs.items():
        simulation.set_input(name, "2025", values)
    started = time.perf_counter()
    codes = np.stack([simulation.calculate(name, "2025") for name in item_names])
    return time.perf_counter() - started, codes


def _item_formula(tops: list[tuple[str, bool]]) -> Callable[..., np.ndarray]:
    def formula(entity: Any, period: Any, parameters: Any = None) -> np.ndarray:
        values = np.stack([entity(name, period) for name, _ in tops])
        fails = (values == FALSE).sum(axis=0)
        unknown = (values == UNKNOWN).sum(axis=0)
        scope_fail = np.zeros(values.shape[1], dtype=bool)
        for row, (_name, is_scope) in zip(values, tops, strict=True):
            if is_scope:
                scope_fail |= row == FALSE
        code = np.zeros(values.shape[1], dtype=np.int8)
        code[(fails == 0) & (unknown == 0)] = 1
        code[(fails == 1) & (unknown == 0) & ~scope_fail & (len(tops) > 1)] = 2
        code[(fails == 0) & (unknown > 0)] = 3
        return code

    return formula
