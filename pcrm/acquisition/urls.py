from django.urls import URLPattern

app_name = "acquisition"

urlpatterns: list[URLPattern] = []
