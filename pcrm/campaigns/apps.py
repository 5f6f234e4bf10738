from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "pcrm.campaigns"
    label = "campaigns"
