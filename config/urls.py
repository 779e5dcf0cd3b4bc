"""Top-level URL map: the editors' admin, health, the public API and its documentation, and the public pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from config import api_schema  # noqa: F401 - registers the schema's extensions before any schema is generated
from config.api_docs import ApiDocsView
from config.api_router import router
from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    # Temporary (302), not permanent: clients keep a 301 for good, and /api/ may one day list the API's versions.
    path("api/", RedirectView.as_view(pattern_name="api-docs", permanent=False), name="api"),
    path("", include("newsroom.urls")),
]

# Unknown addresses under /api/ answer the API's JSON error; the rest of the site keeps its 404 page.
handler404 = "core.api.not_found"
# A database failure outside a view (in a middleware, on the way out) still gets the plain 503 page.
handler500 = "config.health.server_error"
