from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "pcrm.workbench"
    label = "workbench"
