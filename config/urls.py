"""Top-level URL map: admin now; public pages, API and embeds join as they land."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Newsroom relations workspace"
admin.site.site_title = "Newsroom relations"
admin.site.index_title = "Editorial workspace"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Public story pages are not built yet; until they are, the root leads
    # editors to their workspace instead of answering 404.
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
]
