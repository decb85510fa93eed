from django.db import migrations

CATEGORIES = [
    ("01", "要素保障", None, "elements"),
    ("0101", "用地用房", "01", "land"),
    ("0102", "水电气暖", "01", "utilities"),
    ("0103", "用工招工", "01", "labour"),
    ("0104", "融资信贷", "01", "finance"),
    ("02", "政务服务", None, "govservice"),
    ("0201", "审批办证", "02", "permits"),
    ("0202", "执法检查", "02", "inspection"),
    ("0203", "涉企收费", "02", "fees"),
    ("03", "政策兑现", None, "policy"),
    ("0301", "政策咨询", "03", "policyinfo"),
    ("0302", "资金兑付", "03", "payments"),
    ("04", "市场环境", None, "market"),
    ("0401", "账款拖欠", "04", "arrears"),
    ("0402", "公平竞争", "04", "competition"),
    ("05", "基础设施", None, "infra"),
    ("0501", "道路交通", "05", "roads"),
    ("0502", "网络通信", "05", "telecom"),
    ("06", "权益保护", None, "rights"),
    ("99", "其他", None, "other"),
]

LADDER = [
    # level, offset (working days from due), action, handler, head, supervisor, leader, sms
    (1, -1, "remind", True, False, False, False, False),
    (2, 0, "urge", True, True, False, False, True),
    (3, 1, "supervise", True, True, True, False, True),
    (4, 3, "report", False, True, True, True, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    by_code = {}
    for code, name, parent, open311 in CATEGORIES:
        by_code[code] = Category.objects.create(
            code=code, name=name, parent=by_code.get(parent), open311_code=open311
        )
    EscalationStep = apps.get_model("appeals", "EscalationStep")
    for level, offset, action, handler, head, supervisor, leader, sms in LADDER:
        EscalationStep.objects.create(
            level=level, offset_days=offset, action=action, notify_handler=handler,
            notify_dept_head=head, notify_supervisor=supervisor, notify_leader=leader, sms=sms,
        )
    TimeLimit = apps.get_model("appeals", "TimeLimit")
    TimeLimit.objects.create(
        appeal_type="", channel="", acknowledge_days=1, contact_days=2, reply_days=5, callback_days=5
    )


def unseed(apps, schema_editor):
    apps.get_model("appeals", "TimeLimit").objects.all().delete()
    apps.get_model("appeals", "EscalationStep").objects.all().delete()
    Category = apps.get_model("appeals", "Category")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_appeals_closed_loop")]
    operations = [migrations.RunPython(seed, unseed)]
