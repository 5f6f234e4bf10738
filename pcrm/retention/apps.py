from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "pcrm.retention"
    label = "retention"
