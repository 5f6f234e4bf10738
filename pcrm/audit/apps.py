from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pcrm.audit"
    label = "audit"
