"""Top-level URL map: the editors' admin, health, and the public pages."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("newsroom.urls")),
]

# A database failure outside a view (in a middleware, on the way out) still gets the plain 503 page.
handler500 = "config.health.server_error"
