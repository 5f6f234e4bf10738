from django.urls import path

from pcrm.value import plan_views, views

app_name = "value"

urlpatterns = [
    path("", views.pipeline_page, name="pipeline"),
    path("plans/", plan_views.plan_board, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan_page, name="plan"),
    path("opportunities/<int:pk>/", views.opportunity_page, name="opportunity"),
    path(
        "customers/<str:customer_no>/opportunities/new/",
        views.opportunity_new,
        name="opportunity_new",
    ),
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
