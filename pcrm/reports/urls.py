from django.urls import URLPattern, path

from pcrm.reports import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("bank/", views.bank_view, name="bank"),
    path("bank/drill/<slug:metric>/", views.bank_drill, name="bank_drill"),
    path("bank/table/<slug:key>.xlsx", views.bank_table_export, name="bank_table"),
    path("branch/<str:code>/", views.branch_dashboard, name="branch"),
    path("branch/<str:code>/drill/<slug:metric>/", views.branch_drill, name="branch_drill"),
    path("branch/<str:code>/table/<slug:key>.xlsx", views.branch_table_export, name="branch_table"),
    path(
        "satisfaction/<slug:key>.xlsx",
        views.satisfaction_table_export,
        name="satisfaction_table",
    ),
]
