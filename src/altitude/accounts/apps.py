from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "altitude.accounts"
    label = "accounts"
    verbose_name = "Accounts"
