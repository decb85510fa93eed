"""The bulk core of profile writes: one source's reports about many enterprises (claims
and yearly facts) applied with set-based writes, then the profiles, effective figures and
size classes they touch resolved. services.record_profile, corrections and the import all
come through apply_profile_rows, so every rule is enforced once."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.enterprises import events, hooks, sizeclass
from qinqing.enterprises.bulk import insert, update_rows, update_values, upsert
from qinqing.enterprises.facts import effective_year_facts, resolve_year_facts
from qinqing.enterprises.fields import PROFILE_FIELD_NAMES, claim_to_model, year_value
from qinqing.enterprises.models import (
    PROFILE_PRECEDENCE,
    Enterprise,
    ProfileClaim,
    YearFact,
    YearFigure,
)

PRECEDENCE_RANK = {str(s): i for i, s in enumerate(PROFILE_PRECEDENCE)}


@dataclass
class ProfileRow:
    """One source's report about one enterprise: profile claims (canonical text from
    fields.PROFILE_FIELDS) and, optionally, one year's figures (canonical text)."""

    uscc: str
    source: str
    profile: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    year_values: dict[str, str] = field(default_factory=dict)
    row_no: int = 0


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "Counts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


# --- profiles and yearly facts -----------------------------------------------------


def apply_profile_rows(
    rows: Sequence[ProfileRow], *, actor: Any, as_of: dt.datetime | None = None
) -> Counts:
    """Upsert claims and yearly facts for `rows` in bulk (already validated), resolve
    the profiles, figures and size classes they touch, and write events. A row that
    changes nothing counts as unchanged, so re-importing a file changes nothing.
    Runs in one transaction; callers chunk large inputs."""
    as_of = as_of or timezone.now()
    with transaction.atomic():
        ids, created_ids = _ensure_enterprises(rows)
        changed_claims, claim_rows = _upsert_claims(
            rows, ids, actor=actor, as_of=as_of, created=created_ids
        )
        changed_years, year_rows = _upsert_year_facts(
            rows, ids, actor=actor, as_of=as_of, created=created_ids
        )
        # New enterprises were inserted already resolved (see _create_enterprises).
        profile_changes = _resolve_profiles(
            {ids[u] for u in changed_claims} - created_ids, fresh={}
        )
        touched_pairs = {(ids[u], y) for u, y in changed_years if ids[u] not in created_ids}
        _refresh_figures(touched_pairs)
        size_ids = {eid for eid, _ in touched_pairs} | {
            eid for eid, fields in profile_changes.items() if "industry_code" in fields
        }
        refresh_size_classes(size_ids)
        counts = Counts()
        event_rows = []
        for row in rows:
            eid = ids[row.uscc]
            if row.row_no in claim_rows or row.row_no in year_rows:
                if eid in created_ids:
                    counts.created += 1
                else:
                    counts.updated += 1
            else:
                counts.unchanged += 1
        years_by_uscc: dict[str, set[str]] = defaultdict(set)
        for uscc, year in changed_years:
            years_by_uscc[uscc].add(str(year))
        source_of = {r.uscc: r.source for r in rows}
        for uscc in source_of:
            eid = ids[uscc]
            fields = sorted(changed_claims.get(uscc, set()) | years_by_uscc.get(uscc, set()))
            if fields:
                source = source_of[uscc]
                event_rows.append(
                    events.profile_changed(
                        eid, actor=actor, source=source, fields=fields, created=eid in created_ids
                    )
                )
        events.write_all(event_rows)
        hooks.facts_changed(e.enterprise_id for e in event_rows)
    return counts


_BLANK_ENTERPRISE_FIELDS = (
    "legal_form", "address", "industry_code", "tax_credit_rating", "size_class",
    "contact_name", "contact_phone",
)  # fmt: skip


def _ensure_enterprises(rows: Sequence[ProfileRow]) -> tuple[dict[str, int], set[int]]:
    """(uscc -> id, ids created now). Existing rows are locked, in id order, so
    concurrent imports serialise per enterprise; missing ones are created."""
    usccs = sorted({r.uscc for r in rows})
    existing = dict(
        Enterprise.objects.select_for_update()
        .filter(uscc__in=usccs)
        .order_by("pk")
        .values_list("uscc", "pk")
    )
    missing = [u for u in usccs if u not in existing]
    if missing:
        _create_enterprises([r for r in rows if r.uscc not in existing], missing)
        existing.update(Enterprise.objects.filter(uscc__in=missing).values_list("uscc", "pk"))
        _create_figures(rows, {u: existing[u] for u in missing})
    return existing, {existing[u] for u in missing}


def _create_enterprises(rows: Sequence[ProfileRow], missing: list[str]) -> None:
    """Insert new enterprises with their profile already resolved from these rows (all
    the claims they have) and their size class from these rows' figures, so that each
    new row is written once instead of inserted and then updated twice."""
    claims: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for name, value in row.profile.items():
            if value != "":
                claims[row.uscc][name].append((PRECEDENCE_RANK.get(row.source, 99), value))
    lacking = [u for u in missing if "name" not in claims[u]]
    if lacking:
        raise ValidationError({"name": f"新企业须填写企业名称：{lacking[0]}"})
    codes = {v for per in claims.values() for _, v in per.get("division", [])}
    division_ids = dict(
        Organisation.objects.filter(kind=OrgKind.DIVISION, code__in=codes).values_list("code", "pk")
    )
    latest = _latest_figures(rows)
    names = ["created_at", "updated_at", "uscc", "division_id", "size_class", "size_basis_year"]
    resolved_fields = [f for f in PROFILE_FIELD_NAMES if f != "division"]
    now = timezone.now()
    values = []
    for uscc in missing:
        winners = {name: min(candidates)[1] for name, candidates in claims[uscc].items()}
        resolved = {
            name: claim_to_model(name, winners[name]) if name in winners else _blank(name)
            for name in resolved_fields
        }
        year, figures = latest.get(uscc, (None, {}))
        size = sizeclass.classify(str(resolved["industry_code"]), figures)
        values.append(
            (
                now,
                now,
                uscc,
                division_ids.get(winners.get("division", "")),
                size.size_class,
                year if size.size_class else None,
                *[resolved[f] for f in resolved_fields],
            )  # fmt: skip
        )
    upsert(Enterprise, [*names, *resolved_fields], values, conflict=["uscc"])


def _blank(name: str) -> Any:
    return None if name in _NULLABLE_PROFILE_FIELDS else ""


_NULLABLE_PROFILE_FIELDS = {
    "registered_on",
    "registered_capital",
    "is_listed",
    "serious_dishonesty",
}


def _new_fact_frame(rows: Sequence[ProfileRow]) -> pl.DataFrame:
    """The yearly facts in `rows` as year_fact_rows() would return them, keyed by the
    row's credit code (new enterprises have no other facts)."""
    records = []
    for row in rows:
        if row.year is None or not row.year_values:
            continue
        record: dict[str, Any] = {"uscc": row.uscc, "year": row.year, "source": row.source}
        for name in YearFact.NUMERIC_FIELDS:
            text = row.year_values.get(name)
            record[name] = None if text is None else float(year_value(name, text))
        records.append(record)
    schema: dict[str, Any] = {"uscc": pl.String, "year": pl.Int32, "source": pl.String}
    schema.update(dict.fromkeys(YearFact.NUMERIC_FIELDS, pl.Float64))
    frame = pl.DataFrame(records, schema=schema)
    # resolve_year_facts groups by enterprise_id; a dense code number stands in for it
    return frame.with_columns(pl.col("uscc").rank("dense").cast(pl.Int64).alias("enterprise_id"))


def _resolved_new_facts(rows: Sequence[ProfileRow]) -> pl.DataFrame:
    frame = _new_fact_frame(rows)
    if frame.height == 0:
        return frame
    keys = frame.select("enterprise_id", "uscc").unique()
    return resolve_year_facts(frame.drop("uscc")).join(keys, on="enterprise_id")


def _latest_figures(rows: Sequence[ProfileRow]) -> dict[str, tuple[int, dict[str, Any]]]:
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    resolved = _resolved_new_facts(rows)
    if resolved.height == 0:
        return latest
    for row in resolved.sort("year").iter_rows(named=True):
        figures = {
            "employees": row["employees"],
            "revenue": _money(row["revenue"]),
            "total_assets": _money(row["total_assets"]),
        }
        latest[row["uscc"]] = (row["year"], figures)
    return latest


def _create_figures(rows: Sequence[ProfileRow], new_ids: dict[str, int]) -> None:
    resolved = _resolved_new_facts([r for r in rows if r.uscc in new_ids])
    if resolved.height == 0:
        return
    upsert(
        YearFigure,
        ["enterprise_id", "year", "employees", "revenue", "total_assets", "revenue_source"],
        [
            (
                new_ids[row["uscc"]],
                row["year"],
                None if row["employees"] is None else int(row["employees"]),
                _money(row["revenue"]),
                _money(row["total_assets"]),
                row["revenue_source"] or "",
            )  # fmt: skip
            for row in resolved.iter_rows(named=True)
        ],
        conflict=["enterprise_id", "year"],
        update=["employees", "revenue", "total_assets", "revenue_source"],
    )


def _upsert_claims(
    rows: Sequence[ProfileRow],
    ids: dict[str, int],
    *,
    actor: Any,
    as_of: dt.datetime,
    created: set[int],
) -> tuple[dict[str, set[str]], set[int]]:
    """Write new or changed claims. Returns (uscc -> changed fields, row numbers that
    changed something)."""
    wanted: dict[tuple[int, str, str], tuple[str, int]] = {}
    for row in rows:
        for name, value in row.profile.items():
            wanted[(ids[row.uscc], name, row.source)] = (value, row.row_no)
    if not wanted:
        return {}, set()
    current = {
        (eid, f, s): v
        for eid, f, s, v in ProfileClaim.objects.filter(
            enterprise_id__in={k[0] for k in wanted} - created
        ).values_list("enterprise_id", "field", "source", "value")
    }
    by_id = {v: k for k, v in ids.items()}
    changed: dict[str, set[str]] = defaultdict(set)
    changed_rows: set[int] = set()
    new_claims = []
    actor_id = getattr(actor, "pk", None)
    for (eid, name, source), (value, row_no) in wanted.items():
        if current.get((eid, name, source)) == value:
            continue
        changed[by_id[eid]].add(name)
        changed_rows.add(row_no)
        new_claims.append((eid, name, value, source, as_of, actor_id))
    columns = ["enterprise_id", "field", "value", "source", "as_of", "recorded_by_id"]
    # Enterprises created in this transaction have no claims to conflict with.
    insert(ProfileClaim, columns, [c for c in new_claims if c[0] in created])
    upsert(
        ProfileClaim,
        columns,
        [c for c in new_claims if c[0] not in created],
        conflict=["enterprise_id", "field", "source"],
        update=["value", "as_of", "recorded_by_id"],
    )
    return changed, changed_rows


def _upsert_year_facts(
    rows: Sequence[ProfileRow],
    ids: dict[str, int],
    *,
    actor: Any,
    as_of: dt.datetime,
    created: set[int],
) -> tuple[set[tuple[str, int]], set[int]]:
    """Merge each row's figures into its (enterprise, year, source) fact; a blank cell
    keeps the stored figure. Returns changed (uscc, year) pairs and row numbers."""
    reported = [r for r in rows if r.year is not None and r.year_values]
    if not reported:
        return set(), set()
    keys = {(ids[r.uscc], r.year, r.source) for r in reported}
    current: dict[tuple[int, int, str], dict[str, Any]] = {}
    fields = list(YearFact.NUMERIC_FIELDS)
    for values in YearFact.objects.filter(
        enterprise_id__in={k[0] for k in keys} - created, year__in={k[1] for k in keys}
    ).values("enterprise_id", "year", "source", *fields):
        key = (values["enterprise_id"], values["year"], values["source"])
        if key in keys:
            current[key] = {f: values[f] for f in fields}
    changed_pairs: set[tuple[str, int]] = set()
    changed_rows: set[int] = set()
    out: dict[tuple[int, int, str], dict[str, Any]] = {}
    for row in reported:
        assert row.year is not None
        key = (ids[row.uscc], row.year, row.source)
        merged = dict(out.get(key) or current.get(key) or dict.fromkeys(fields))
        for name, text in row.year_values.items():
            merged[name] = year_value(name, text)
        if merged != (current.get(key) or dict.fromkeys(fields)):
            out[key] = merged
            changed_pairs.add((row.uscc, row.year))
            changed_rows.add(row.row_no)
    actor_id = getattr(actor, "pk", None)
    columns = ["enterprise_id", "year", "source", *fields, "recorded_at", "recorded_by_id"]
    facts = [
        (eid, year, source, *[values[f] for f in fields], as_of, actor_id)
        for (eid, year, source), values in out.items()
    ]
    insert(YearFact, columns, [f for f in facts if f[0] in created])
    upsert(
        YearFact,
        columns,
        [f for f in facts if f[0] not in created],
        conflict=["enterprise_id", "year", "source"],
        update=[*fields, "recorded_at", "recorded_by_id"],
    )
    return changed_pairs, changed_rows


def _resolve_profiles(
    enterprise_ids: set[int], *, fresh: dict[int, dict[str, dict[str, str]]]
) -> dict[int, list[str]]:
    """Set each claimed field of these enterprises to the winning source's value.
    `fresh` holds the claims of enterprises created in this transaction (all their
    claims, so they need not be read back). Returns enterprise id -> changed fields."""
    if not enterprise_ids:
        return {}
    claims: dict[int, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for eid, per_field in fresh.items():
        for name, by_source in per_field.items():
            for source, value in by_source.items():
                if value != "":
                    claims[eid][name].append((PRECEDENCE_RANK.get(source, 99), value))
    stored = enterprise_ids - set(fresh)
    for eid, name, source, value in ProfileClaim.objects.filter(
        enterprise_id__in=stored, field__in=PROFILE_FIELD_NAMES
    ).values_list("enterprise_id", "field", "source", "value"):
        if value != "":
            claims[eid][name].append((PRECEDENCE_RANK.get(source, 99), value))
    codes = {value for per in claims.values() for _, value in per.get("division", [])}
    division_ids = dict(
        Organisation.objects.filter(kind=OrgKind.DIVISION, code__in=codes).values_list("code", "pk")
    )
    changes: dict[int, list[str]] = {}
    to_update = []
    update_fields: set[str] = set()
    for enterprise in Enterprise.objects.filter(pk__in=enterprise_ids).only(
        "pk", *[f if f != "division" else "division_id" for f in PROFILE_FIELD_NAMES]
    ):
        changed = []
        for name, candidates in claims.get(enterprise.pk, {}).items():
            winner = min(candidates)[1]
            if name == "division":
                new_value: Any = division_ids.get(winner)
                attr = "division_id"
            else:
                new_value = claim_to_model(name, winner)
                attr = name
            if getattr(enterprise, attr) != new_value:
                setattr(enterprise, attr, new_value)
                changed.append(name)
                update_fields.add(attr)
        if changed:
            changes[enterprise.pk] = changed
            to_update.append(enterprise)
    if to_update:
        for enterprise in to_update:
            enterprise.updated_at = timezone.now()
        update_rows(Enterprise, to_update, sorted(update_fields | {"updated_at"}))
    return changes


def _refresh_figures(pairs: set[tuple[int, int]]) -> None:
    """Recompute YearFigure for these (enterprise, year) pairs from every source's facts,
    with the precedence of facts.resolve_year_facts."""
    if not pairs:
        return
    frame = effective_year_facts(
        sorted({eid for eid, _ in pairs}), sorted({year for _, year in pairs})
    )
    figures = [
        (
            row["enterprise_id"],
            row["year"],
            row["employees"],
            _money(row["revenue"]),
            _money(row["total_assets"]),
            row["revenue_source"] or "",
        )  # fmt: skip
        for row in frame.iter_rows(named=True)
        if (row["enterprise_id"], row["year"]) in pairs
    ]
    upsert(
        YearFigure,
        ["enterprise_id", "year", "employees", "revenue", "total_assets", "revenue_source"],
        figures,
        conflict=["enterprise_id", "year"],
        update=["employees", "revenue", "total_assets", "revenue_source"],
    )


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def refresh_size_classes(enterprise_ids: Iterable[int]) -> int:
    """Classify these enterprises from their latest year with figures (the basis year).
    Returns how many changed."""
    ids = set(enterprise_ids)
    if not ids:
        return 0
    latest: dict[int, tuple[int, dict[str, Any]]] = {}
    for eid, year, employees, revenue, assets in (
        YearFigure.objects.filter(enterprise_id__in=ids)
        .order_by("enterprise_id", "year")
        .values_list("enterprise_id", "year", "employees", "revenue", "total_assets")
    ):
        latest[eid] = (year, {"employees": employees, "revenue": revenue, "total_assets": assets})
    changes = []
    for eid, industry, size, basis in Enterprise.objects.filter(pk__in=ids).values_list(
        "pk", "industry_code", "size_class", "size_basis_year"
    ):
        year, figures = latest.get(eid, (None, {}))
        result = sizeclass.classify(industry, figures)
        new_basis = year if result.size_class else None
        if (size, basis) != (result.size_class, new_basis):
            changes.append((eid, result.size_class, new_basis))
    update_values(Enterprise, ["id", "size_class", "size_basis_year"], changes)
    return len(changes)
