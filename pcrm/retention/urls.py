from django.urls import path

from pcrm.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.at_risk, name="home"),
    path("lost/", views.lost, name="lost"),
    path("results/", views.results, name="results"),
    path("model/", views.model_card, name="model"),
    path("c/<str:customer_no>/", views.customer_risk, name="customer"),
    path("case/<int:pk>/<slug:step>/", views.case_work, name="work"),
]
