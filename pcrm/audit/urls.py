from django.urls import path

from pcrm.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
]
