from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "qinqing.analytics"
    verbose_name = "分析与驾驶舱"
