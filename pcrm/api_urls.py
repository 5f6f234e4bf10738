"""/api/v1/: each app's api.py contributes its routes; schema and docs are served offline."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("pcrm.customers.api")),
    path("", include("pcrm.worklist.api")),
    path("", include("pcrm.ingest.api")),
    path("", include("pcrm.acquisition.api")),
    path("", include("pcrm.complaints.api")),
]
