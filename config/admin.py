"""The editors' admin site, whose start page is each role's desk, and its sign-in lockout page."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsroom.selectors import start_page


class WorkspaceAdminSite(admin.AdminSite):
    site_header = "Newsroom relations workspace"
    site_title = "Newsroom relations"
    index_title = "Editorial workspace"
    index_template = "admin/workspace_index.html"

    def index(self, request, extra_context=None):
        if request.user.has_perm("newsroom.view_article"):
            extra_context = {**(extra_context or {}), "queue": start_page(request.user)}
        return super().index(request, extra_context)


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' answer to a sign-in while the account is locked out from this address: the
    admin's own page, saying what happened, for how long and what to do (429, with Retry-After)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Signing in is paused",
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    answer = render(request, "admin/locked_out.html", context, status=429)
    answer["Retry-After"] = str(minutes * 60)
    return answer
