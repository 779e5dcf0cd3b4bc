"""Top-level URL map: the editors' admin, health, and the public pages."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Newsroom relations workspace"
admin.site.site_title = "Newsroom relations"
admin.site.index_title = "Editorial workspace"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("newsroom.urls")),
]
