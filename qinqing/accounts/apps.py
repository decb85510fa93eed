from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qinqing.accounts"
    verbose_name = "账户与组织"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from qinqing.accounts import cards, credentials

        cards.register()
        # what a request read of the credential versions is kept until it ends
        request_started.connect(credentials.request_started, dispatch_uid="credential_versions")
        request_finished.connect(credentials.request_finished, dispatch_uid="credential_versions")
