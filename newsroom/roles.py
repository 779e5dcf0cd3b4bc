"""The newsroom's roles (Reporter, Editor, Fact-checker) as Django groups: their one definition.

- Reporter writes drafts, claims, relationships, actors and sources (until live content shows
  them), composes fact boxes and submits articles for review; cannot delete, publish or set
  verdicts.
- Editor can do everything in the workspace: publish, schedule, withdraw, correct, set
  verdicts, delete, extend the relationship vocabulary, publish and withdraw fact boxes, and
  change the claims, relationships, actors and sources readers can see.
- Fact-checker reads everything and sets claims' verification states (and may fix a claim's
  wording or add sources while no live content shows it yet).

``ensure_roles`` runs after every ``migrate`` (and ``flush``, which tests run): a new permission
added here reaches the groups with the next deployment, and a database that lost the groups
gets them back. The roles migrations keep frozen copies of what they created; a test holds the
migrated groups to this definition.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

REPORTER = "Reporter"
EDITOR = "Editor"
FACT_CHECKER = "Fact-checker"

_CONTENT = {
    "relations": ["actor", "actoralias", "relationship", "claim", "claimrelationship", "source"],
    "newsroom": ["article", "articleclaim"],
}
_FACT_BOX = ["factbox", "factboxitem", "factboxplacement"]
_FACT_BOX_RECORD = ["newsroom.view_factboxversion", "newsroom.view_factboxevent"]


def _each(actions: tuple[str, ...], content: dict[str, list[str]]) -> list[str]:
    return [f"{app}.{action}_{model}" for app, models in content.items() for model in models for action in actions]


ROLES: dict[str, list[str]] = {
    REPORTER: [
        *_each(("view", "add", "change"), _CONTENT),
        "relations.view_relationshiptype",
        "newsroom.view_correction",
        "newsroom.view_articleevent",
        *_each(("view", "add", "change"), {"newsroom": _FACT_BOX}),
        *_FACT_BOX_RECORD,
    ],
    EDITOR: [
        *_each(("view", "add", "change", "delete"), _CONTENT),
        *_each(("view", "add", "change", "delete"), {"relations": ["relationshiptype"]}),
        *_each(("view", "add", "change"), {"newsroom": ["correction"]}),
        "newsroom.view_articleevent",
        "newsroom.publish_article",
        "relations.verify_claim",
        "relations.edit_public",
        *_each(("view", "add", "change", "delete"), {"newsroom": _FACT_BOX}),
        *_FACT_BOX_RECORD,
        "newsroom.publish_factbox",
    ],
    FACT_CHECKER: [
        *_each(("view",), _CONTENT),
        "relations.view_relationshiptype",
        "relations.change_claim",
        "relations.add_claimrelationship",
        "relations.change_claimrelationship",
        "relations.add_source",
        "relations.change_source",
        "relations.verify_claim",
        "newsroom.view_correction",
        "newsroom.view_articleevent",
        *_each(("view",), {"newsroom": _FACT_BOX}),
        *_FACT_BOX_RECORD,
    ],
}


def roles_of(user) -> list[str]:
    """The roles ``user`` holds, in the order above: the role groups they are in. Someone in none
    of them (a superuser, an account given permissions one by one) holds the one role those
    permissions amount to, so that the start page still has something to show them. Read once per
    request: the user object keeps the answer."""
    if not user.is_authenticated:
        return []
    known = getattr(user, "_newsroom_roles", None)
    if known is not None:
        return known
    names = set(user.groups.filter(name__in=list(ROLES)).values_list("name", flat=True))
    if not names:
        if user.has_perm("newsroom.publish_article"):
            names.add(EDITOR)
        elif user.has_perm("relations.verify_claim"):
            names.add(FACT_CHECKER)
        elif user.has_perm("newsroom.change_article"):
            names.add(REPORTER)
    user._newsroom_roles = [name for name in ROLES if name in names]
    return user._newsroom_roles


def ensure_roles() -> dict[str, Group]:
    """Create any missing role group and give each its missing permissions (none is taken
    away: a newsroom may have granted more); returns the groups by name."""
    groups = {}
    permissions = list(Permission.objects.select_related("content_type"))
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {tuple(codename.split(".")) for codename in codenames}
        group.permissions.add(
            *(
                permission
                for permission in permissions
                if (permission.content_type.app_label, permission.codename) in wanted
            )
        )
        groups[name] = group
    return groups


def sync_roles(sender, *, using: str, **kwargs) -> None:
    """``post_migrate``: after Django has created the permissions of the apps just migrated."""
    from django.db import connections

    # A partial migrate (``migrate contenttypes``) may leave the groups' tables for later.
    if Group._meta.db_table in connections[using].introspection.table_names():
        ensure_roles()
