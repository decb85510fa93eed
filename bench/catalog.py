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

# Everyday words people type, each with the real Guang'an item(s) they are after (any one
# in the first five is a hit). Written by us against ../shared/data/service-catalog.
WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("开网吧", ("开办互联网上网服务营业场所", "内资设立互联网上网服务营业场所筹建审批")),
    ("养狗要办什么证", ("犬类准养证核发",)),
    ("开个体店", ("个体工商户设立登记",)),
    ("注册公司", ("公司设立登记",)),
    ("公司不干了要注销", ("公司注销登记",)),
    ("开饭店", ("食品(含保健食品)经营许可核发", "食品小经营店备案发放")),
    ("卖烟", ("烟草专卖零售许可证新办",)),
    ("失业了领钱", ("失业保险金申领",)),
    ("社保卡丢了", ("社会保障卡补领、换领、换发", "社会保障卡挂失")),
    ("营业执照丢了", ("证照遗失补领、换发申请",)),
    ("办身份证", ("居民身份证办理（包括临时）",)),
    ("开无犯罪证明", ("无犯罪记录证明",)),
    ("盖房子施工许可", ("建筑工程施工许可证核发",)),
    ("门头招牌", ("规范户外招牌设施设置",)),
    ("立广告牌", ("设置大型户外广告的审批",)),
    ("开完税证明", ("开具税收完税证明（县级行使）",)),
    ("领发票", ("发票领用(县级行使）",)),
    ("办退休", ("企业职工基本养老保险正常退休申请",)),
    ("生孩子的钱", ("生育津贴支付", "生育医疗费支付")),
    ("住院报销", ("住院费用报销",)),
    ("办残疾证", ("残疾人证新办",)),
    ("创业贷款", ("创业担保贷款申请",)),
    ("跑网约车", ("网络预约出租汽车运输证发放（新增）", "网约车车辆信息备案")),
    ("货车营运证", ("道路货物运输车辆道路运输证配发",)),
    ("砍树", ("林木采伐许可证核发（县级权限）",)),
    ("挖马路", ("占用、挖掘城市道路审批",)),
    ("接自来水", ("供水报装",)),
    ("办健康证", ("食品行业从业人员预防性体检合格证办理",)),
    ("稳岗补贴", ("失业保险稳岗返还申领",)),
    ("吃低保", ("最低生活保障",)),
    ("老人补贴", ("80周岁以上老年人高龄津贴发放",)),
    ("开KTV", ("设立歌舞娱乐场所《娱乐经营许可证》核发",)),
    ("办幼儿园", ("幼儿园设立审批", "幼儿园筹设审批")),
    ("上户口", ("户口登记",)),
]
# ../shared/data from the project's root (a worktree sits one folder deeper)
# Written after the synonyms were settled and never tuned on: the honest figure.
HELD_OUT: list[tuple[str, tuple[str, ...]]] = [
    ("想开个小卖部卖烟", ("烟草专卖零售许可证新办",)),
    ("注册个体户", ("个体工商户设立登记",)),
    ("个体户注销", ("个体工商户注销登记",)),
    ("身份证丢了", ("居民身份证挂失申报、丢失招领",)),
    ("残疾证丢了", ("残疾人证挂失补办",)),
    ("医保报销住院", ("住院费用报销",)),
    ("办社保卡", ("社会保障卡申领",)),
    ("交社保 单位", ("单位参保登记", "企业职工参保登记")),
    ("工伤报销", ("工伤医疗（康复）费用申报",)),
    ("提前退休", ("企业职工基本养老保险提前退休申请",)),
    ("网约车公司", ("网络预约出租汽车经营许可",)),
    ("出租车营运证", ("巡游出租汽车道路运输证核发（新增）", "巡游出租汽车车辆经营权变更")),
    ("开驾校", ("机动车驾驶员培训备案",)),
    ("开药店", ("零售药店申请定点协议管理",)),
    ("开诊所", ("中医诊所备案", "内资医疗机构设置审批（县级）")),
    ("燃气许可证到期", ("燃气经营许可证延续",)),
    ("排污水进管网", ("城镇污水排入排水管网许可",)),
    ("迁户口", ("户口迁移审批",)),
    ("养老金领取资格认证", ("养老保险定期待遇领取资格认证",)),
    ("食品经营许可证过期", ("食品(含保健食品)经营许可延续",)),
]
CATALOG_CSV = next(
    (
        p / "shared/data/service-catalog/guangan/guangan_district_service_items.csv"
        for p in PROJECT_ROOT.parents
        if (p / "shared/data").is_dir()
    ),
    Path("/nonexistent"),
)


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
        small, _ = Organisation.objects.get_or_create(  # a department with ~0.01% of matters
            code="BENCH-SMALL",
            defaults={"name": "广安区小局", "kind": OrgKind.DEPARTMENT, "parent": root},
        )
        departments.append(small)
        items.append(
            ServiceItem(
                code="511A9999999999-511602000000-000-115116020000000001-1-00",
                name="古树名木认定",
                item_type="confirmation",
                department=small,
                promised_days=5,
                search_text=index_text("古树名木认定", small.name),
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
                   5, CASE WHEN g %% 8 <> 6 THEN now() - (g %% 700) * interval '1 day' + interval '7 days' END,
                   0, 0, '', '', '', '[]'::jsonb, now(), now(),
                   CASE WHEN g %% 8 < 4 THEN now() - (g %% 700) * interval '1 day' + interval '3 days' END
            FROM generate_series(1, %s) g
            JOIN catalog_serviceitem i ON i.id = %s + (g %% (%s - %s + 1))
            """,
            [n_matters, lo, hi, lo],
        )
        cur.execute("ANALYZE catalog_matter; ANALYZE catalog_serviceitem")
    return [d.pk for d in departments], n_matters


def words_eval() -> None:
    """hit@5 of everyday queries on the real catalog, with the same run's reference: the
    same search without the everyday-word synonyms (pure: no database)."""
    import csv

    from qinqing.catalog import search

    if not CATALOG_CSV.exists():
        print("words: skipped (../shared/data not present)")
        return
    with CATALOG_CSV.open(encoding="utf-8") as fh:
        rows = [
            (
                r["name"],
                search.index_text(
                    r["name"], "" if r["main_item"] == "未分类" else r["main_item"], r["department"]
                ),
                r["name"],
                r["itemCode"],
            )
            for r in csv.DictReader(fh)
        ]

    def hits(
        synonyms: bool, labelled: list[tuple[str, tuple[str, ...]]] = WORDS
    ) -> tuple[int, list[str]]:
        found, missed = 0, []
        for query, expected in labelled:
            wanted = search.query_terms(query, synonyms=synonyms)
            held = [r for r in rows if any(f" {t} " in r[1] for t in wanted)]
            top = search.rank(held, wanted)[:5]
            if set(top) & set(expected):
                found += 1
            else:
                missed.append(query)
        return found, missed

    ours, missed = hits(True)
    ref, _ = hits(False)
    print(f"words_queries: {len(WORDS)} queries")
    print(f"words_hit5: {ours / len(WORDS):.2f} share")
    print(f"words_hit5_no_synonyms: {ref / len(WORDS):.2f} share")
    print(f"words_hit5_ratio: {ours / ref if ref else float('inf'):.2f} x")
    print(f"words_missed: {'、'.join(missed) or '-'}")
    ours, missed = hits(True, HELD_OUT)
    ref, _ = hits(False, HELD_OUT)
    print(f"words_held_out_queries: {len(HELD_OUT)} queries")
    print(f"words_held_out_hit5: {ours / len(HELD_OUT):.2f} share")
    print(f"words_held_out_hit5_no_synonyms: {ref / len(HELD_OUT):.2f} share")
    print(f"words_held_out_hit5_ratio: {ours / ref if ref else float('inf'):.2f} x")
    print(f"words_held_out_missed: {'、'.join(missed) or '-'}")


def loaded(n_items: int, n_matters: int) -> list[int]:
    """The bench departments' ids when the tables already hold this scale, else []."""
    from qinqing.accounts.models import Organisation
    from qinqing.catalog.models import Matter, ServiceItem

    if (
        ServiceItem.objects.count() != n_items + 1
        or not Matter.objects.filter(pk=n_matters).exists()
    ):
        return []
    codes = [f"BENCH-D{d:02d}" for d in range(30)] + ["BENCH-SMALL"]
    found = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    return [found[c] for c in codes] if len(found) == len(codes) else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--words", action="store_true", help="only the everyday-words eval")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the rows of an earlier run of this scale"
    )
    args = parser.parse_args()
    n_items, n_matters = SCALES[args.scale]
    import django

    django.setup()
    words_eval()
    if args.words:
        return
    from django.core.management import call_command
    from django.db import connection

    from qinqing.catalog import search, selectors

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse and loaded(n_items, n_matters):
        departments = loaded(n_items, n_matters)
    else:
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

    bench_worklist(departments)


OPEN_SQL = "status IN ('submitted','accepted','reviewing','correcting')"


def bench_worklist(departments: list[int]) -> None:
    """The worklist of a large department (first page, a page 5,000 rows deep) and of a
    small one, the home card's capped counts, and the OR query the worklist used before."""
    from django.db import connection
    from django.db.models import Q

    from qinqing.accounts.models import Membership, Role, User
    from qinqing.catalog.models import OPEN_MATTER, Matter
    from qinqing.catalog.worklist import encode_cursor, key_of, worklist_counts, worklist_page

    def handler(name: str, department: int) -> User:
        user, _ = User.objects.get_or_create(username=name)
        Membership.objects.get_or_create(user=user, organisation_id=department, role=Role.HANDLER)
        return user

    def raw(sql: str, params: list[object]) -> list[tuple[object, ...]]:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    page_sql = (
        "SELECT m.id, m.number, i.name FROM catalog_matter m JOIN catalog_serviceitem i ON i.id = m.item_id "
        f"WHERE m.department_id = %s AND m.{OPEN_SQL} {{after}} ORDER BY m.due_at, m.id LIMIT 200"
    )
    big, small = handler("bench-handler", departments[0]), handler("bench-small", departments[-1])
    for name, user, dept in (
        ("worklist", big, departments[0]),
        ("worklist_small_dept", small, departments[-1]),
    ):
        report(
            name,
            timed(lambda u=user: worklist_page(User.objects.get(pk=u.pk), size=200), REPS),
            timed(lambda d=dept: raw(page_sql.format(after=""), [d]), REPS),
        )
    deep = list(
        Matter.objects.filter(
            department_id=departments[0], status__in=OPEN_MATTER, due_at__isnull=False
        )
        .order_by("due_at", "pk")
        .values_list("due_at", "pk")[5000:5001]
    )
    if deep:
        cursor = encode_cursor(key_of(*deep[0]))
        report(
            "worklist_deep_page",
            timed(lambda: worklist_page(User.objects.get(pk=big.pk), after=cursor, size=200), REPS),
            timed(
                lambda: raw(
                    page_sql.format(after="AND (m.due_at, m.id) > (%s, %s)"),
                    [departments[0], *deep[0]],
                ),
                REPS,
            ),
        )
    count_sql = f"SELECT count(*) FROM (SELECT 1 FROM catalog_matter WHERE department_id = %s AND {OPEN_SQL} LIMIT 1000) t"
    report(
        "worklist_counts",
        timed(lambda: worklist_counts(User.objects.get(pk=big.pk)), REPS),
        timed(lambda: raw(count_sql, [departments[0]]), REPS),
    )

    def or_query() -> list[Matter]:  # the worklist before keyset paging, for comparison
        ids = [departments[-1]]
        qs = Matter.objects.filter(status__in=OPEN_MATTER).filter(
            Q(department_id__in=ids) | Q(window_id__in=ids)
        )
        return list(
            qs.select_related("item", "department").order_by("due_at", "submitted_at", "id")[:200]
        )

    report(
        "worklist_small_dept_or_query",
        timed(or_query, REPS // 4),
        timed(lambda: raw(page_sql.format(after=""), [departments[-1]]), REPS // 4),
    )


def report(name: str, ours: list[float], ref: list[float]) -> None:
    for q, label in ((0.5, "p50"), (0.99, "p99")):
        a, b = percentile(ours, q), percentile(ref, q)
        print(f"{name}_{label}: {a:.2f} ms")
        print(f"{name}_{label}_raw_sql: {b:.2f} ms")
        print(f"{name}_{label}_ratio: {a / b if b else float('nan'):.2f} x")
    print(f"{name}_mean: {statistics.mean(ours):.2f} ms")


if __name__ == "__main__":
    main()
