import csv
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qinqing.analytics.intel import routing
from qinqing.analytics.intel.models import RouterVersion
from qinqing.analytics.ml.router import load_router


class Command(BaseCommand):
    help = "用分诊模型批量分类：classify IN.csv OUT.csv（输入列 title、text；输出增加 category、confidence）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input")
        parser.add_argument("output")
        parser.add_argument(
            "--router-version", type=int, help="router version (default: the active one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["router_version"]:
            record = RouterVersion.objects.filter(version=options["router_version"]).first()
            if record is None:
                raise CommandError(f"没有版本号为 {options['version']} 的分诊模型。")
            model = load_router(record.file_path)
        else:
            record, model = routing.active_router()
            if model is None:
                raise CommandError("没有可用的分诊模型，请先运行 manage.py train_router。")
        try:
            rows = routing.read_csv(options["input"], routing.REQUIRED_CLASSIFY_COLUMNS)
        except ValidationError as exc:
            raise CommandError("\n".join(str(m) for m in exc.messages)) from exc
        out = routing.classify_rows(model, rows)
        columns = list(rows[0].keys())
        columns += [c for c in ("category", "confidence") if c not in columns]
        with open(options["output"], "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(out)
        self.stdout.write(f"{len(out)} rows classified with router {record} → {options['output']}")
