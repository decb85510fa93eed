from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qinqing.analytics.intel import routing


def _message(exc: ValidationError) -> str:
    return "\n".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = (
        "训练诉求分诊模型：train_router TRAIN.csv（列 title、text、category），"
        "或 train_router --from-history（已办结诉求及受理员纠正）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", nargs="?", help="training CSV with title, text, category")
        parser.add_argument("--from-history", action="store_true")
        parser.add_argument("--dev", help="evaluate on this CSV instead of a held-out fifth")
        parser.add_argument("--no-activate", action="store_true", help="keep the current model")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["csv"]) == bool(options["from_history"]):
            raise CommandError("请给出训练 CSV 文件，或使用 --from-history（二者选一）。")
        try:
            if options["from_history"]:
                rows, source = routing.training_rows_from_history(), "history"
            else:
                rows, source = routing.training_rows_from_csv(options["csv"]), options["csv"]
            dev = routing.training_rows_from_csv(options["dev"]) if options["dev"] else None
            version = routing.train_and_store(
                rows,
                source=source,
                dev_rows=dev,
                activate=not options["no_activate"],
                seed=options["seed"],
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except ValueError as exc:  # e.g. too few distinct words to build a vocabulary
            raise CommandError(f"训练数据太少或内容重复，无法训练模型：{exc}") from exc
        report = version.report or {}
        self.stdout.write(f"router v{version.version}: {version.n_train} rows, {version.file_path}")
        if report:
            self.stdout.write(
                f"evaluated on {report['n']} rows ({report['evaluated_on']}): "
                f"accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}, "
                f"{report['ms_per_item']:.1f} ms per appeal"
            )
            for label, f1 in sorted(report["per_category_f1"].items()):
                self.stdout.write(f"  F1 {label}: {f1:.4f}")
        else:
            self.stdout.write("too few rows to hold any out: no evaluation report")
        self.stdout.write("active" if version.is_active else "not activated (--no-activate)")
