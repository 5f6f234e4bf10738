from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "pcrm.training"
    label = "training"
