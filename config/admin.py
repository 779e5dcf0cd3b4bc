"""The editors' admin site, whose start page is the editorial queue."""

from django.contrib import admin

from newsroom.selectors import editorial_queue


class WorkspaceAdminSite(admin.AdminSite):
    site_header = "Newsroom relations workspace"
    site_title = "Newsroom relations"
    index_title = "Editorial workspace"
    index_template = "admin/workspace_index.html"

    def index(self, request, extra_context=None):
        if request.user.has_perm("newsroom.view_article"):
            extra_context = {**(extra_context or {}), "queue": editorial_queue(request.user)}
        return super().index(request, extra_context)
