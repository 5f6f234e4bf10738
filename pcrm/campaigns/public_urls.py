"""The public survey link (/s/<token>/): no login, one answer per link."""

from django.urls import path

from pcrm.campaigns import survey_views

urlpatterns = [
    path("<str:token>/", survey_views.survey_public, name="survey_public"),
]
