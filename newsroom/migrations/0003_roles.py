"""The newsroom's roles as groups: Reporter, Editor, Fact-checker.

- Reporter writes drafts, claims, relationships, actors and sources (until
  published content shows them), and submits articles for review; cannot
  delete, publish or set verdicts.
- Editor can do everything in the workspace: publish, schedule, withdraw,
  correct, set verdicts, delete, extend the relationship vocabulary, and
  change the claims, relationships, actors and sources readers can see.
- Fact-checker reads everything and sets claims' verification states (and
  may fix a claim's wording or add sources while no published content
  shows it yet).
"""

from django.db import migrations

REPORTER = "Reporter"
EDITOR = "Editor"
FACT_CHECKER = "Fact-checker"

CONTENT = {
    "relations": ["actor", "actoralias", "relationship", "claim", "claimrelationship", "source"],
    "newsroom": ["article", "articleclaim"],
}
ROLES = {
    REPORTER: [
        *(
            f"{app}.{action}_{model}"
            for app, models in CONTENT.items()
            for model in models
            for action in ("view", "add", "change")
        ),
        "relations.view_relationshiptype",
        "newsroom.view_correction",
        "newsroom.view_articleevent",
    ],
    EDITOR: [
        *(
            f"{app}.{action}_{model}"
            for app, models in CONTENT.items()
            for model in models
            for action in ("view", "add", "change", "delete")
        ),
        *(f"relations.{action}_relationshiptype" for action in ("view", "add", "change", "delete")),
        *(f"newsroom.{action}_correction" for action in ("view", "add", "change")),
        "newsroom.view_articleevent",
        "newsroom.publish_article",
        "relations.verify_claim",
        "relations.edit_public",
    ],
    FACT_CHECKER: [
        *(f"{app}.view_{model}" for app, models in CONTENT.items() for model in models),
        "relations.view_relationshiptype",
        "relations.change_claim",
        "relations.add_claimrelationship",
        "relations.change_claimrelationship",
        "relations.add_source",
        "relations.change_source",
        "relations.verify_claim",
        "newsroom.view_correction",
        "newsroom.view_articleevent",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the
    # groups need them now, on a fresh database too.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = set(codenames)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if found != wanted:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(wanted - found)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("relations", "0003_content_version_and_verify_permission"),
        ("newsroom", "0002_article_workflow_corrections_events"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
