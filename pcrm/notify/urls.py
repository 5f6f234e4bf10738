from django.urls import path

from pcrm.notify import views

app_name = "notify"

urlpatterns = [
    path("stream/", views.stream, name="stream"),
]
