from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "pcrm.org"
    label = "org"
