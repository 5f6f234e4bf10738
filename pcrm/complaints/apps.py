from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "pcrm.complaints"
    label = "complaints"
