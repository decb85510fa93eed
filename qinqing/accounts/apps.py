from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qinqing.accounts"
    verbose_name = "账户与组织"

    def ready(self) -> None:
        from qinqing.accounts import cards

        cards.register()
