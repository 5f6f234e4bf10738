from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(("pcrm.api_urls", "api"))),
    path("audit/", include("pcrm.audit.urls")),
    path("worklist/", include("pcrm.worklist.urls")),
    path("notify/", include("pcrm.notify.urls")),
    path("ingest/", include("pcrm.ingest.urls")),
    path("acquisition/", include("pcrm.acquisition.urls")),
    path("campaigns/", include("pcrm.campaigns.urls")),
    path("value/", include("pcrm.value.urls")),
    path("complaints/", include("pcrm.complaints.urls")),
    path("retention/", include("pcrm.retention.urls")),
    path("training/", include("pcrm.training.urls")),
    path("playbook/", include("pcrm.playbook.urls")),
    path("reports/", include("pcrm.reports.urls")),
    path("s/", include("pcrm.campaigns.public_urls")),  # survey links: public, no login
    path("", include("pcrm.workbench.urls")),
]
