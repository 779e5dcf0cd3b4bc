"""Fact boxes in the roles: reporters and editors compose them, only editors publish
or withdraw them, fact-checkers read them.

A frozen copy, extending that of 0003_roles: ``newsroom.roles`` is the roles'
definition, and brings the groups up to it after every migrate.
"""

import importlib

from django.db import migrations

_previous = importlib.import_module("newsroom.migrations.0003_roles")
REPORTER, EDITOR, FACT_CHECKER = _previous.REPORTER, _previous.EDITOR, _previous.FACT_CHECKER

COMPOSED = ["factbox", "factboxitem", "factboxplacement"]
ADDED = {
    REPORTER: [f"newsroom.{action}_{model}" for model in COMPOSED for action in ("view", "add", "change")]
    + ["newsroom.view_factboxversion", "newsroom.view_factboxevent"],
    EDITOR: [f"newsroom.{action}_{model}" for model in COMPOSED for action in ("view", "add", "change", "delete")]
    + ["newsroom.view_factboxversion", "newsroom.view_factboxevent", "newsroom.publish_factbox"],
    FACT_CHECKER: [f"newsroom.view_{model}" for model in [*COMPOSED, "factboxversion", "factboxevent"]],
}
ROLES = {name: [*codenames, *ADDED[name]] for name, codenames in _previous.ROLES.items()}


def add_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ADDED.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {tuple(codename.split(".")) for codename in codenames}
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        if len(permissions) != len(wanted):
            raise RuntimeError(f"Permissions missing for {name}")
        group.permissions.add(*permissions)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ADDED.items():
        codes = [codename.split(".")[1] for codename in codenames]
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsroom", codename__in=codes))


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0004_factboxes")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
