from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "pcrm.notify"
    label = "notify"
