from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "pcrm.customers"
    label = "customers"
