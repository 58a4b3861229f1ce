from django.apps import AppConfig


class ZohoSimConfig(AppConfig):
    name = "crmupdate.zohosim"
    label = "zohosim"
    verbose_name = "Zoho CRM simulator"
