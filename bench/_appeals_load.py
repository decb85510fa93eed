"""Loading the appeals bench's database: a district, departments, people, enterprises and
N appeals with their assignments, events and clocks, generated inside PostgreSQL."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from _appeals_common import figure


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def already_loaded(url: str, n: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM appeals_appeal").fetchone()
            return bool(row and row[0] >= n)
    except psycopg.Error:
        return False


# --- loading ---------------------------------------------------------------------------
TITLES = [
    "厂区停电",
    "供水管道破裂",
    "用工招聘难",
    "贷款审批慢",
    "土地证办理",
    "消防验收",
    "道路积水",
    "网络信号差",
    "账款拖欠",
    "执法检查频繁",
    "税费咨询",
    "政策兑现延迟",
    "天然气报装",
    "排污许可",
    "厂房租金",
    "物流通道拥堵",
    "人才公寓申请",
    "专精特新申报",
    "电力增容",
    "噪音投诉",
]
DETAILS = [
    "已持续三天影响生产",
    "多次反映未解决",
    "请尽快协调",
    "企业损失较大",
    "希望明确办理时限",
    "涉及员工两百人",
    "请相关部门现场查看",
    "需要政策解读",
    "影响订单交付",
    "请求帮助协调",
]


def load(n: int) -> dict[str, object]:
    """Load n appeals (1% of them, at least 100, still open); returns the API key."""
    from django.db import connection

    from qinqing.accounts.models import Membership, Organisation, OrgKind, Role, User
    from qinqing.accounts.services import create_api_token
    from qinqing.enterprises.models import Enterprise
    from qinqing.lib.uscc import make_uscc

    n_open = max(n // 100, 100)
    started = time.perf_counter()
    district = Organisation.objects.create(code="500118", name="永川区", kind=OrgKind.DIVISION)
    streets = [
        Organisation.objects.create(
            code=f"500118{i:03d}", name=f"第{i}街道", kind=OrgKind.DIVISION, parent=district
        )
        for i in range(1, 11)
    ]
    depts = [
        Organisation.objects.create(
            code=f"D{i:02d}", name=f"部门{i}", kind=OrgKind.DEPARTMENT, parent=district
        )
        for i in range(1, 31)
    ]

    def person(username: str, role: str, org: Organisation) -> User:
        user = User.objects.create_user(username=username, password=None, full_name=username)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    person("handler1", Role.HANDLER, depts[0])
    for i, dept in enumerate(depts[1:], start=2):
        person(f"handler{i}", Role.HANDLER, dept)
    supervisor = person("supervisor", Role.SUPERVISOR, district)
    person("leader", Role.LEADER, district)
    intake = person("intake", Role.INTAKE_OPERATOR, district)
    _token, raw_key = create_api_token(intake, name="bench", actor=None)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=make_uscc(f"91500118{i:09d}"),
                name=f"永川企业{i:05d}有限公司",
                division=streets[i % 10],
            )
            for i in range(20_000)
        ],
        batch_size=5000,
    )
    ent_lo, ent_hi = (
        Enterprise.objects.order_by("id").values_list("id", flat=True).first(),
        Enterprise.objects.order_by("-id").values_list("id", flat=True).first(),
    )
    street_ids = "ARRAY[" + ",".join(str(s.pk) for s in streets) + "]"
    dept_ids = "ARRAY[" + ",".join(str(d.pk) for d in depts) + "]"
    titles = "ARRAY[" + ",".join(f"'{t}'" for t in TITLES) + "]"
    details = "ARRAY[" + ",".join(f"'{d}'" for d in DETAILS) + "]"
    open_states = "ARRAY['registered','dispatched','dispatched','dispatched','acknowledged','acknowledged','handling','handling','handling','replied']"
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        # Secondary indexes are built once after the load (much faster than row by row).
        cur.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename IN ('appeals_appeal', 'appeals_appealevent', 'appeals_assignment',
                                'appeals_clock')
              AND indexname NOT IN (SELECT conname FROM pg_constraint)
            """
        )
        secondary = cur.fetchall()
        for name, _definition in secondary:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(
            f"""
            INSERT INTO appeals_appeal (
              id, created_at, updated_at, number, type, channel, category_id, title, description,
              enterprise_id, requester_name, requester_phone, address, lat, lon, division_id,
              lead_department_id, status, suspended_from, duplicate_of_id, created_by_id,
              idempotency_key, next_due_at, reply_result, reply_text, callback_solved, rating,
              ack_on_time, contact_on_time, closed_on_time, reopen_count, return_count,
              replied_at, closed_at, close_workdays, search_text)
            SELECT g, ts, ts,
              '500118' || extract(year FROM ts)::int || lpad(g::text, 8, '0'),
              (ARRAY['appeal','complaint','inquiry','suggestion','help'])[1 + g % 5],
              (ARRAY['phone','portal','window','letter','visit','liaison','api','open311'])[1 + g % 8],
              NULL, title, title || '，' || detail,
              {ent_lo} + (g % ({ent_hi} - {ent_lo} + 1)),
              '联系人' || (g % 1000), '138' || lpad((g % 100000000)::text, 8, '0'), '永川区某路' || (g % 500) || '号',
              NULL, NULL, ({street_ids})[1 + (g / 7) % 10],
              CASE WHEN st = 'registered' THEN NULL ELSE ({dept_ids})[1 + g % 30] END,
              st, '', NULL, {intake.pk}, NULL,
              CASE WHEN st IN ('dispatched','acknowledged','handling','replied')
                   THEN ts + interval '1 day' * (1 + g % 5) END,
              CASE WHEN st IN ('closed','replied') THEN (ARRAY['solved','solved','partly','cannot'])[1 + g % 4] ELSE '' END,
              CASE WHEN st IN ('closed','replied') THEN '已办理' ELSE '' END,
              CASE WHEN st = 'closed' THEN g % 15 <> 0 END,
              CASE WHEN st = 'closed' THEN (ARRAY['very_satisfied','satisfied','satisfied','basic','unsatisfied','very_satisfied','satisfied','very_unsatisfied'])[1 + g % 8] ELSE '' END,
              CASE WHEN st NOT IN ('registered','dispatched') THEN g % 50 <> 0 END,
              CASE WHEN st IN ('closed','replied') THEN g % 20 <> 0 END,
              CASE WHEN st = 'closed' THEN g % 12 <> 0 END,
              (g % 40 = 0)::int, (g % 30 = 0)::int,
              CASE WHEN st IN ('closed','replied') THEN ts + interval '3 days' END,
              CASE WHEN st = 'closed' THEN ts + interval '6 days' END,
              CASE WHEN st = 'closed' THEN 2 + g % 9 END,
              lower('500118' || extract(year FROM ts)::int || lpad(g::text, 8, '0') || ' ' || title || ' ' || title || '，' || detail)
            FROM (
              SELECT g,
                now() - ((({n} - g)::float / {n}) * interval '730 days') AS ts,
                CASE WHEN g > {n - n_open} THEN ({open_states})[1 + g % 10] ELSE 'closed' END AS st,
                ({titles})[1 + g % {len(TITLES)}] || ({titles})[1 + (g / 97) % {len(TITLES)}] AS title,
                ({details})[1 + (g / 13) % {len(DETAILS)}] AS detail
              FROM generate_series(1, {n}) g
            ) s
            """
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('appeals_appeal','id'), (SELECT max(id) FROM appeals_appeal))"
        )
        cur.execute(
            f"""
            INSERT INTO appeals_assignment (created_at, updated_at, appeal_id, department_id, role,
                                            state, reason, assigned_by_id)
            SELECT created_at, created_at, id, lead_department_id, 'lead',
              CASE status WHEN 'closed' THEN 'closed' WHEN 'dispatched' THEN 'pending'
                          WHEN 'replied' THEN 'replied' ELSE 'acknowledged' END, '', {intake.pk}
            FROM appeals_appeal WHERE lead_department_id IS NOT NULL
            """
        )
        cur.execute(
            f"""
            INSERT INTO appeals_appealevent (at, actor_id, kind, from_state, to_state, note, data,
                                             appeal_id, staff_only)
            SELECT created_at, {intake.pk}, 'registered', '', 'registered', '', '{{}}'::jsonb, id, false
              FROM appeals_appeal
            UNION ALL
            SELECT created_at + interval '1 hour', {intake.pk}, 'dispatched', 'registered',
                   'dispatched', '', '{{}}'::jsonb, id, false
              FROM appeals_appeal WHERE status <> 'registered'
            UNION ALL
            SELECT closed_at, {supervisor.pk}, 'closed', 'called_back', 'closed', '', '{{}}'::jsonb, id,
                   false
              FROM appeals_appeal WHERE status = 'closed'
            """
        )
        cur.execute(
            """
            INSERT INTO appeals_clock (appeal_id, kind, cycle, limit_days, started_at, due_at,
                                       paused_at, paused_total, stopped_at, extended_days,
                                       warning_level)
            SELECT id, CASE status WHEN 'dispatched' THEN 'acknowledge' WHEN 'replied' THEN 'callback'
                                   ELSE 'reply' END,
                   0, 5, created_at, next_due_at, NULL, NULL, NULL, 0, 0
            FROM appeals_appeal WHERE next_due_at IS NOT NULL
            """
        )
        for _name, definition in secondary:
            cur.execute(definition)
        cur.execute("VACUUM ANALYZE")
    figure("load_time", time.perf_counter() - started, "s")
    return {"raw_key": raw_key}


def counts() -> None:
    from qinqing.appeals.models import Appeal, AppealEvent, Assignment, Clock

    figure("appeals", Appeal.objects.count(), "rows")
    figure("events", AppealEvent.objects.count(), "rows")
    figure("assignments", Assignment.objects.count(), "rows")
    figure("running_clocks", Clock.objects.filter(stopped_at__isnull=True).count(), "rows")
