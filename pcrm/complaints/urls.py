from django.urls import path

from pcrm.complaints import actions, analytics_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("analytics/", analytics_views.analytics, name="analytics"),
    path("<str:case_no>/", views.case_detail, name="case"),
    path("<str:case_no>/letter/", views.thank_you_letter, name="letter"),
    path("<str:case_no>/do/<slug:action>/", actions.case_action, name="action"),
]
