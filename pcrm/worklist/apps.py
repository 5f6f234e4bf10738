from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "pcrm.worklist"
    label = "worklist"
