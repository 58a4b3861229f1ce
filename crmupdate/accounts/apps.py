from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crmupdate.accounts"
    label = "accounts"
