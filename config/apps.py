"""The admin, as the newsroom's workspace: its start page shows the editorial queue."""

from django.contrib.admin.apps import AdminConfig


class WorkspaceAdminConfig(AdminConfig):
    default_site = "config.admin.WorkspaceAdminSite"
