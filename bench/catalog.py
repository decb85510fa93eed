"""Service catalog benchmark: search, the guide and a department's worklist.

Run from the project root: `python bench/catalog.py [--scale small|full]`. DATABASE_URL
defaults to postgres://postgres:postgres@127.0.0.1:5432/qinqing_catalog; the catalog's
tables there are emptied and reloaded.

Scales: small (default, about a minute): 2,000 items and 50,000 matters; full: 10,000
items and 1,000,000 matters. Items are variations of the demo district's 55 real-shaped
items over 30 departments, indexed with jieba as the import does; matters are generated
inside PostgreSQL (INSERT ... SELECT generate_series).

Printed, one figure per line (`name: value unit`): p50 and p99 of catalog search for a
mix of everyday queries, of the guide, and of a department's worklist (first 200 rows),
each with a reference measured in the same run, the same rows fetched by one raw SQL
query (LIKE on the stored terms, no ranking / the worklist's plain SELECT), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/qinqing_catalog")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")

SCALES = {"small": (2_000, 50_000), "full": (10_000, 1_000_000)}
QUERIES = [
    "我想开饭店",
    "营业执照",
    "招人 社保",
    "盖厂房",
    "食品经营许可",
    "注销",
    "排污",
    "高新技术企业",
    "卖酒",
    "道路运输",
]
GUIDE = [
    ("enterprise", "food", ""),
    ("enterprise", "hire", "新员工"),
    ("enterprise", "build", ""),
    ("person", "open", "开店"),
]
REPS = 40


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def load(n_items: int, n_matters: int) -> tuple[list[int], int]:
    from django.db import connection, transaction

    from qinqing.accounts.models import Organisation, OrgKind
    from qinqing.catalog.models import ServiceItem
    from qinqing.catalog.search import index_text
    from qinqing.demo.catalog import ITEMS

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE catalog_watchflag, catalog_mattermaterial, catalog_matterevent, catalog_matter, "
            "catalog_bundleapplication, catalog_bundleitem, catalog_bundle, catalog_material, "
            "catalog_serviceitem RESTART IDENTITY CASCADE"
        )
    with transaction.atomic():
        root, _ = Organisation.objects.get_or_create(
            code="511602", defaults={"name": "广安区", "kind": OrgKind.DIVISION}
        )
        departments = []
        for d in range(30):
            org, _ = Organisation.objects.get_or_create(
                code=f"BENCH-D{d:02d}",
                defaults={"name": f"广安区第{d + 1}局", "kind": OrgKind.DEPARTMENT, "parent": root},
            )
            departments.append(org)
        places = [
            "",
            "（市级）",
            "（县级）",
            "（新办）",
            "（变更）",
            "（延续）",
            "（注销）",
            "（补证）",
        ]
        items = []
        for i in range(n_items):
            row = ITEMS[i % len(ITEMS)]
            name = f"{row[1]}{places[(i // len(ITEMS)) % len(places)]}"
            if i >= len(ITEMS) * len(places):
                name += f"（第{i // (len(ITEMS) * len(places))}类）"
            dept = departments[i % len(departments)]
            items.append(
                ServiceItem(
                    code=f"511A{i:010d}-511602000000-000-115116020000000001-1-00",
                    name=name,
                    item_type=row[3],
                    department=dept,
                    legal_days=row[4],
                    promised_days=row[5],
                    is_instant=row[6],
                    visits=row[7],
                    online_depth=row[8],
                    keywords=row[16],
                    audience="enterprise",
                    search_text=index_text(name, row[16], dept.name),
                )
            )
        ServiceItem.objects.bulk_create(items, batch_size=1000)
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM catalog_serviceitem")
        lo, hi = cur.fetchone()
        cur.execute(
            """
            INSERT INTO catalog_matter (number, item_id, department_id, applicant_name, applicant_phone,
                channel, status, form_data, submitted_at, accepted_at, limit_days, due_at, paused_days,
                correction_count, missing_material, reason, legal_ground, auto_decision, created_at, updated_at,
                decided_at)
            SELECT 'BJ' || lpad(g::text, 12, '0'), i.id, i.department_id, '企业' || (g %% 20000), '',
                   'online', (ARRAY['approved','approved','approved','refused','accepted','reviewing','submitted','correcting'])[1 + g %% 8],
                   '{}'::jsonb, now() - (g %% 700) * interval '1 day', now() - (g %% 700) * interval '1 day',
                   5, now() - (g %% 700) * interval '1 day' + interval '7 days', 0, 0, '', '', '', '[]'::jsonb, now(), now(),
                   CASE WHEN g %% 8 < 4 THEN now() - (g %% 700) * interval '1 day' + interval '3 days' END
            FROM generate_series(1, %s) g
            JOIN catalog_serviceitem i ON i.id = %s + (g %% (%s - %s + 1))
            """,
            [n_matters, lo, hi, lo],
        )
        cur.execute("ANALYZE catalog_matter; ANALYZE catalog_serviceitem")
    return [d.pk for d in departments], n_matters


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    args = parser.parse_args()
    n_items, n_matters = SCALES[args.scale]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qinqing.accounts.models import Membership, Role, User
    from qinqing.catalog import search, selectors

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    departments, _ = load(n_items, n_matters)
    print(f"load_seconds: {time.perf_counter() - started:.1f} s")
    print(f"items: {n_items} items")
    print(f"matters: {n_matters} matters")

    def raw_search(query: str) -> list[tuple[object, ...]]:
        terms = search.query_terms(query)
        where = " OR ".join(["search_text LIKE %s"] * len(terms))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id, name, search_text FROM catalog_serviceitem WHERE is_active AND ({where}) LIMIT 2000",
                [f"% {t} %" for t in terms],
            )
            return cur.fetchall()

    ours = [t for q in QUERIES for t in timed(lambda q=q: selectors.search_items(q), REPS // 4)]
    ref = [t for q in QUERIES for t in timed(lambda q=q: raw_search(q), REPS // 4)]
    report("search", ours, ref)

    guide_ours = [t for g in GUIDE for t in timed(lambda g=g: selectors.guide(*g), REPS // 4)]
    guide_ref = [t for g in GUIDE for t in timed(lambda g=g: raw_search(f"{g[2]} 餐饮"), REPS // 4)]
    report("guide", guide_ours, guide_ref)

    user, _ = User.objects.get_or_create(username="bench-handler")
    Membership.objects.get_or_create(user=user, organisation_id=departments[0], role=Role.HANDLER)

    def worklist() -> list[object]:
        fresh = User.objects.get(pk=user.pk)
        return list(selectors.worklist_for(fresh)[:200])

    def raw_worklist() -> list[tuple[object, ...]]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT m.id, m.number, i.name FROM catalog_matter m JOIN catalog_serviceitem i ON i.id = m.item_id "
                "WHERE m.department_id = %s AND m.status IN ('submitted','accepted','reviewing','correcting') "
                "ORDER BY m.due_at, m.submitted_at, m.id LIMIT 200",
                [departments[0]],
            )
            return cur.fetchall()

    report("worklist", timed(worklist, REPS), timed(raw_worklist, REPS))


def report(name: str, ours: list[float], ref: list[float]) -> None:
    for q, label in ((0.5, "p50"), (0.99, "p99")):
        a, b = percentile(ours, q), percentile(ref, q)
        print(f"{name}_{label}: {a:.2f} ms")
        print(f"{name}_{label}_raw_sql: {b:.2f} ms")
        print(f"{name}_{label}_ratio: {a / b if b else float('nan'):.2f} x")
    print(f"{name}_mean: {statistics.mean(ours):.2f} ms")


if __name__ == "__main__":
    main()
