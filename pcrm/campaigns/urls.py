from django.urls import path

from pcrm.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_page, name="event"),
    path("broadcasts/", views.broadcast_list, name="broadcasts"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_page, name="survey"),
]
