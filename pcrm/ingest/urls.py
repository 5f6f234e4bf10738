from django.urls import path

from pcrm.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.home, name="home"),
    path("preview/", views.preview, name="preview"),
    path("commit/", views.commit, name="commit"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/errors.csv", views.error_report, name="error_report"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/decide/", views.export_decision, name="export_decide"),
    path("exports/<int:pk>/download/", views.export_file, name="export_file"),
]
