from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pcrm.reports"
    label = "reports"
