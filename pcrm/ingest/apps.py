from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "pcrm.ingest"
    label = "ingest"
