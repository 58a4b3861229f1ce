from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "crmupdate.history"
    label = "history"
    verbose_name = "Team history"
