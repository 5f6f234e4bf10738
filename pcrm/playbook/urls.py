from django.urls import URLPattern

app_name = "playbook"

urlpatterns: list[URLPattern] = []
