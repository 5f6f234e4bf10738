from django.apps import AppConfig


class PlaybookConfig(AppConfig):
    name = "pcrm.playbook"
    label = "playbook"
