from django.urls import URLPattern

app_name = "value"

urlpatterns: list[URLPattern] = []
