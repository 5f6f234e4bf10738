from django.urls import path

from pcrm.campaigns import survey_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_page, name="event"),
    path("broadcasts/", views.broadcast_list, name="broadcasts"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_page, name="survey"),
    path("satisfaction/", survey_views.satisfaction_results, name="satisfaction"),
    path(
        "satisfaction/answers/<int:pk>/",
        survey_views.satisfaction_answer,
        name="satisfaction_answer",
    ),
    path("satisfaction/setup/", survey_views.satisfaction_setup, name="satisfaction_setup"),
]
