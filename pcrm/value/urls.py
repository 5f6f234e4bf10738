from django.urls import path

from pcrm.value import views

app_name = "value"

urlpatterns = [
    path("", views.pipeline_page, name="pipeline"),
    path("opportunities/<int:pk>/", views.opportunity_page, name="opportunity"),
    path("customers/<str:customer_no>/diagnoses/", views.customer_diagnoses, name="diagnoses"),
    path("diagnoses/<int:pk>/", views.diagnosis_page, name="diagnosis"),
    path(
        "customers/<str:customer_no>/recommendations/",
        views.customer_recommendations,
        name="recommendations",
    ),
    path(
        "customers/<str:customer_no>/recommendations/<slug:key>/opportunity/",
        views.recommendation_to_opportunity,
        name="recommendation_opportunity",
    ),
    path(
        "diagnoses/<int:pk>/suggestions/<int:index>/opportunity/",
        views.diagnosis_to_opportunity,
        name="diagnosis_opportunity",
    ),
]
