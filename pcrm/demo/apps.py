from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pcrm.demo"
    label = "demo"
