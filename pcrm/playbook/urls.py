from django.urls import URLPattern, path

from pcrm.playbook import views

app_name = "playbook"

urlpatterns: list[URLPattern] = [
    path("policy/", views.policy, name="policy"),
]
