"""The newsroom's roles (Reporter, Editor, Fact-checker) as Django groups.

The roles migration creates them; ``ensure_roles`` puts them back where a
database lost them (``manage.py flush``, or tests that flush), from the same
definition.
"""

import importlib

from django.contrib.auth.models import Group, Permission

# The latest migration that defines the roles is their one definition.
_definition = importlib.import_module("newsroom.migrations.0005_factbox_roles")
ROLES: dict[str, list[str]] = _definition.ROLES
REPORTER, EDITOR, FACT_CHECKER = _definition.REPORTER, _definition.EDITOR, _definition.FACT_CHECKER


def ensure_roles() -> dict[str, Group]:
    """Create any missing role group and give each its missing permissions (none is taken
    away: a newsroom may have granted more); returns the groups by name."""
    groups = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {tuple(codename.split(".")) for codename in codenames}
        group.permissions.add(
            *(
                permission
                for permission in Permission.objects.select_related("content_type")
                if (permission.content_type.app_label, permission.codename) in wanted
            )
        )
        groups[name] = group
    return groups
