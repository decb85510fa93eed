from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qinqing.workdays"
    verbose_name = "工作日历"
