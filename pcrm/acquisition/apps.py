from django.apps import AppConfig


class AcquisitionConfig(AppConfig):
    name = "pcrm.acquisition"
    label = "acquisition"
