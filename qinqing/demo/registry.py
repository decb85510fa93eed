"""The demo's enterprise registry, written through the registry's own paths: profiles
from market regulation and yearly figures from statistics and tax (the import's
`apply_profile_rows`), qualifications (`record_qualification`), monthly operating
indicators (the indicator import's `apply_indicator_rows`), the warning pass and a few
warnings already handled. Figures are invented but shaped by industry: a software firm
spends on R&D and holds copyrights, a food processor does not."""

import datetime as dt
import math
import random
from decimal import Decimal

from qinqing.accounts.models import Organisation, User
from qinqing.demo import district as d
from qinqing.enterprises import services
from qinqing.enterprises.imports import IndicatorRow, apply_indicator_rows
from qinqing.enterprises.models import (
    EarlyWarning,
    Enterprise,
    IndicatorValue,
    Metric,
    QualificationKind,
    Source,
    WarningRule,
    WarningStatus,
)
from qinqing.enterprises.monitoring import run_warning_pass
from qinqing.enterprises.profiles import ProfileRow, apply_profile_rows
from qinqing.lib.uscc import make_uscc

FACT_YEARS = (2023, 2024, 2025)
TECH = ("C38", "C39", "I65", "I64", "M73", "C36")  # R&D-intensive 大类
# The two enterprises with portal accounts are technology firms, so that the enterprise
# portal shows policies it qualifies for and why.
SHOWCASE = {0: ("C3825", "光电"), 1: ("C3670", "汽车配件")}
CHUNK = 500


def enterprise_profiles(count: int, divisions: list[Organisation]) -> list[ProfileRow]:
    rng = random.Random(2026)
    names: set[str] = set()
    rows = []
    for i in range(count):
        industry, word, _ = d.INDUSTRIES[i % len(d.INDUSTRIES)]
        industry, word = SHOWCASE.get(i, (industry, word))
        surname = d.SURNAMES[rng.randrange(len(d.SURNAMES))]
        registered = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        capital = round(math.exp(rng.uniform(math.log(50), math.log(20000))), -1)
        profile = {
            "name": _unique(
                f"广安{d.NAME_WORDS[(i * 7) % len(d.NAME_WORDS)]}{word}有限公司", names
            ),
            "legal_form": rng.choice(d.LEGAL_FORMS),
            "registered_on": registered.isoformat(),
            "registered_capital": f"{capital:.2f}",
            "address": f"广安区{rng.choice(d.NAME_WORDS)}路{rng.randrange(1, 300)}号",
            "division": rng.choice(divisions).code,
            "industry_code": industry,
            "tax_credit_rating": rng.choice("AAABBM"),
            "contact_name": surname + d.GIVEN[rng.randrange(len(d.GIVEN))],
            "contact_phone": f"13{rng.randrange(10)}{rng.randrange(10**8):08d}",
        }
        uscc = make_uscc(f"91511602{i:09d}")  # 9 market regulation, 1 company, the division
        rows.append(ProfileRow(uscc, Source.MARKET, profile, row_no=i + 1))
    return rows


def seed_enterprises(count: int, divisions: list[Organisation], actor: User | None) -> int:
    """Create the enterprises as market regulation reports them (an import would)."""
    rows = enterprise_profiles(count, divisions)
    created = 0
    for start in range(0, len(rows), CHUNK):
        created += apply_profile_rows(rows[start : start + CHUNK], actor=actor).created
    return created


def _is_tech(industry: str) -> bool:
    return industry[:3] in TECH


def year_fact_rows(enterprises: list[Enterprise]) -> list[ProfileRow]:
    """Statistics' yearly figures for three years; tax reports the tax paid."""
    rows = []
    for index, e in enumerate(enterprises):
        rng = random.Random(e.uscc)
        tech = _is_tech(e.industry_code) or index in SHOWCASE
        revenue = math.exp(rng.uniform(math.log(150), math.log(60000 if not tech else 25000)))
        if index in SHOWCASE:
            revenue = 4200.0 if index == 0 else 26000.0
        employees = max(5, int(revenue / rng.uniform(40, 120)))
        rd_share = rng.uniform(0.03, 0.09) if tech else rng.uniform(0.0, 0.018)
        growth = rng.uniform(-0.05, 0.3)
        patents = {
            "invention_patents": rng.randint(0, 8) if tech else rng.choice([0, 0, 0, 1]),
            "utility_patents": rng.randint(0, 25) if tech else rng.randint(0, 3),
            "design_patents": rng.randint(0, 6),
            "software_copyrights": rng.randint(0, 18) if tech else 0,
        }
        if index in SHOWCASE:
            patents = {"invention_patents": 6, "utility_patents": 14, "design_patents": 3,
                       "software_copyrights": 9}  # fmt: skip
            rd_share, growth = 0.065, 0.18
        for back, year in enumerate(reversed(FACT_YEARS)):
            scale = (1 + growth) ** -back
            year_revenue = revenue * scale
            values = {
                "employees": str(int(employees * (1 - 0.04 * back))),
                "rd_staff": str(int(employees * (rng.uniform(0.12, 0.3) if tech else 0.02))),
                "revenue": f"{year_revenue:.2f}",
                "total_assets": f"{year_revenue * rng.uniform(0.8, 1.6):.2f}",
                "rd_spending": f"{year_revenue * rd_share:.2f}",
                **{k: str(max(0, v - back)) for k, v in patents.items()},
            }
            rows.append(ProfileRow(e.uscc, Source.STATS, year=year, year_values=values))
            rows.append(
                ProfileRow(
                    e.uscc,
                    Source.TAX,
                    year=year,
                    year_values={"tax_paid": f"{year_revenue * rng.uniform(0.025, 0.06):.2f}"},
                )
            )
    for n, row in enumerate(rows, start=1):
        row.row_no = n
    return rows


def seed_year_facts(enterprises: list[Enterprise], actor: User | None) -> int:
    rows = year_fact_rows(enterprises)
    changed = 0
    for start in range(0, len(rows), CHUNK):
        counts = apply_profile_rows(rows[start : start + CHUNK], actor=actor)
        changed += counts.created + counts.updated
    return changed


def seed_qualifications(enterprises: list[Enterprise], actor: User | None) -> int:
    """高新技术, 专精特新, 科技型中小企业, 规上 and technology centres for some."""
    created = 0
    for index, e in enumerate(enterprises):
        rng = random.Random(f"q{e.uscc}")
        tech = _is_tech(e.industry_code) or index in SHOWCASE
        kinds: list[tuple[str, str, int]] = []  # kind, level, year recognised
        if tech and (index in SHOWCASE or rng.random() < 0.35):
            kinds.append((QualificationKind.HIGH_TECH, "national", rng.choice([2022, 2023, 2024])))
        if tech and (index == 1 or rng.random() < 0.15):
            kinds.append((QualificationKind.SRDI, "provincial", rng.choice([2023, 2024])))
        if tech and rng.random() < 0.4:
            kinds.append((QualificationKind.TECH_SME, "provincial", 2025))
        if e.industry_code.startswith("C") and rng.random() < 0.3:
            kinds.append((QualificationKind.ABOVE_SCALE, "", rng.choice([2019, 2021, 2023])))
        if tech and (index == 1 or rng.random() < 0.08):
            kinds.append((QualificationKind.TECH_CENTRE, "city", 2023))
        if index == 1:
            kinds.append((QualificationKind.LITTLE_GIANT, "national", 2025))
        for kind, level, year in kinds:
            years = 3 if kind in (QualificationKind.HIGH_TECH, QualificationKind.SRDI) else 5
            services.record_qualification(
                e,
                actor=actor,
                kind=kind,
                level=level,
                valid_from=dt.date(year, 12, 1),
                valid_to=dt.date(year + years, 11, 30),
                certificate_no=f"GA{year}{kind[:3].upper()}{index:04d}",
                issuer="四川省科学技术厅"
                if kind == QualificationKind.HIGH_TECH
                else "四川省经济和信息化厅",
                source=Source.OFFICER,
            )
            created += 1
    return created


WARNING_RULES = (  # (name, metric, kind, drop percent)
    ("用电量同比下降超过 30%", Metric.ELECTRICITY, WarningRule.Kind.YOY_DROP, Decimal(30)),
    ("产值较前三月均值下降超过 25%", Metric.OUTPUT_VALUE, WarningRule.Kind.AVG3_DROP, Decimal(25)),
)


def seed_indicators(enterprises: list[Enterprise], today: dt.date) -> int:
    """Monthly electricity and output value for 24 months of the larger enterprises, a
    few of them falling in recent months (so the warning pass has something to say)."""
    first = (today.replace(day=1) - dt.timedelta(days=730)).replace(day=1)
    months = []
    month = first
    while month < today.replace(day=1):
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    ids = dict(
        Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).values_list("uscc", "pk")
    )
    rows = []
    for e in enterprises:
        rng = random.Random(f"i{e.uscc}")
        base = rng.uniform(300, 5000)  # output value, 万元 a month
        falling = rng.random() < 0.12
        for n, month in enumerate(months):
            season = 1 + 0.15 * math.sin((month.month - 3) / 12 * 2 * math.pi)
            if month.month == 2:
                season *= 0.7  # the Spring Festival
            trend = 1 + 0.01 * n
            slump = 0.55 if falling and n >= len(months) - 3 else 1.0
            value = base * season * trend * slump * rng.uniform(0.93, 1.07)
            for metric, amount in (
                (Metric.OUTPUT_VALUE, value),
                (Metric.ELECTRICITY, value * rng.uniform(38, 44)),  # kWh per 万元
            ):
                rows.append(
                    IndicatorRow(
                        uscc=e.uscc,
                        metric=metric,
                        frequency=IndicatorValue.Frequency.MONTHLY,
                        period=month,
                        value=Decimal(f"{amount:.2f}"),
                        source=Source.STATS,
                        enterprise_id=ids[e.uscc],
                    )
                )
    from django.utils import timezone

    return apply_indicator_rows(rows, as_of=timezone.now()).created


def seed_warnings(today: dt.date, officer: User) -> int:
    """The warning rules (set up by an administrator in the back office), the monthly
    passes for the last three months, and the older warnings looked at."""
    for name, metric, kind, drop in WARNING_RULES:
        WarningRule.objects.get_or_create(
            name=name, defaults={"metric": metric, "kind": kind, "drop_percent": drop}
        )
    created = 0
    month = today.replace(day=1)
    for back in (3, 2, 1):
        period = month
        for _ in range(back):
            period = (period - dt.timedelta(days=1)).replace(day=1)
        created += run_warning_pass(period).created
    latest = (month - dt.timedelta(days=1)).replace(day=1)
    for n, warning in enumerate(
        EarlyWarning.objects.filter(status=WarningStatus.OPEN, period__lt=latest).order_by("pk")
    ):
        services.handle_warning(
            warning,
            actor=officer,
            to=WarningStatus.VISIT if n % 2 else WarningStatus.ACKNOWLEDGED,
            note="已电话了解，企业订单减少，安排包联干部走访。"
            if n % 2
            else "企业设备检修停产，属正常波动。",
        )
    return created


def _unique(name: str, seen: set[str]) -> str:
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = name.replace("有限公司", f"（{n}）有限公司")
    seen.add(candidate)
    return candidate
