from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "qinqing.assessment"
    verbose_name = "考核评价"
