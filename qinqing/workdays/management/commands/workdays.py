"""Check the working-day calendar from a shell.

manage.py workdays check 2026-02-14
manage.py workdays add "2026-09-30 16:00" 3
manage.py workdays between "2026-09-30 16:00" "2026-10-12 10:00"
manage.py workdays year 2026
manage.py workdays set 2027-01-01 rest --note 元旦
manage.py workdays complete 2027 --source 国办发明电〔2026〕x号
"""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinqing.workdays import services
from qinqing.workdays.calendar import CHINA, UnknownYearError


def parse_moment(text: str) -> dt.datetime:
    text = text.strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=CHINA)
        except ValueError:
            continue
    raise CommandError(f'无法识别的时间：{text!r}（格式：YYYY-MM-DD 或 "YYYY-MM-DD HH:MM"）')


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"无法识别的日期：{text!r}（格式：YYYY-MM-DD）") from exc


class Command(BaseCommand):
    help = "Check and edit the working-day calendar (工作日历)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="is this a working day, and why")
        check.add_argument("date")
        add = sub.add_parser("add", help="the deadline N working days after a moment")
        add.add_argument("moment")
        add.add_argument("days", type=int)
        add.add_argument(
            "--fallback", action="store_true", help="use the weekday rule for unknown years"
        )
        between = sub.add_parser("between", help="working days used between two moments")
        between.add_argument("start")
        between.add_argument("end")
        year = sub.add_parser("year", help="list the holidays and make-up days of a year")
        year.add_argument("year", type=int)
        set_day = sub.add_parser("set", help="enter a day as working or rest (administrators)")
        set_day.add_argument("date")
        set_day.add_argument("kind", choices=["work", "rest"])
        set_day.add_argument("--note", default="")
        complete = sub.add_parser("complete", help="mark a year's arrangement as fully entered")
        complete.add_argument("year", type=int)
        complete.add_argument("--source", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except UnknownYearError as exc:
            raise CommandError(str(exc)) from exc

    def do_check(self, options: dict[str, Any]) -> None:
        info = services.get_calendar().explain(parse_date(options["date"]))
        verdict = "工作日" if info.is_workday else "休息日"
        self.stdout.write(f"{info.date.isoformat()}: {verdict} — {info.reason}")

    def do_add(self, options: dict[str, Any]) -> None:
        if options["days"] < 0:
            raise CommandError("工作日数不能为负数")
        calendar = services.get_calendar()
        start = parse_moment(options["moment"])
        deadline = calendar.add_working_days(start, options["days"], fallback=options["fallback"])
        received = calendar.receipt_day(start, fallback=options["fallback"])
        self.stdout.write(
            f"受理时间 {start:%Y-%m-%d %H:%M}，按 {received.isoformat()} 受理计算，"
            f"{options['days']} 个工作日后的期限：{deadline:%Y-%m-%d %H:%M:%S}"
        )
        if calendar.fallback_years:
            years = "、".join(str(y) for y in sorted(calendar.fallback_years))
            self.stdout.write(self.style.WARNING(f"注意：{years} 年安排未录入，已按周末规则估算"))

    def do_between(self, options: dict[str, Any]) -> None:
        calendar = services.get_calendar()
        days = calendar.working_days_between(
            parse_moment(options["start"]), parse_moment(options["end"])
        )
        self.stdout.write(f"{days} 个工作日")

    def do_year(self, options: dict[str, Any]) -> None:
        calendar = services.get_calendar()
        year = options["year"]
        if not calendar.knows_year(year):
            raise UnknownYearError(year)
        day = dt.date(year, 1, 1)
        while day.year == year:
            info = calendar.explain(day)
            if info.is_workday != (day.weekday() < 5):
                self.stdout.write(
                    f"{day.isoformat()} {'上班' if info.is_workday else '休息'} {info.reason}"
                )
            day += dt.timedelta(days=1)

    def do_set(self, options: dict[str, Any]) -> None:
        day = parse_date(options["date"])
        services.set_day(day, is_workday=options["kind"] == "work", note=options["note"])
        self.stdout.write(
            f"已设定 {day.isoformat()} 为{'工作日' if options['kind'] == 'work' else '休息日'}"
        )

    def do_complete(self, options: dict[str, Any]) -> None:
        services.mark_year_complete(options["year"], source=options["source"])
        self.stdout.write(f"{options['year']} 年安排已标记为完整")
