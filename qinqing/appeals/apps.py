from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "qinqing.appeals"
    verbose_name = "诉求办理"
