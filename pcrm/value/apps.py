from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "pcrm.value"
    label = "value"
