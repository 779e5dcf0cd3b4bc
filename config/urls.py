"""Top-level URL map: the editors' admin, health, and the public pages."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("newsroom.urls")),
]
