from django.apps import AppConfig


class MassUpdateConfig(AppConfig):
    name = "crmupdate.massupdate"
    label = "massupdate"
