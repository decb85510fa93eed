from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "qinqing.ratings"
    verbose_name = "好差评"
