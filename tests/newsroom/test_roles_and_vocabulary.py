"""The roles and the starting vocabulary are defined once, in plain code; migrate and flush bring the groups
up to the roles, and the vocabulary migration made exactly the starting types."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from newsroom.roles import EDITOR, FACT_CHECKER, REPORTER, ROLES, ensure_roles


def _codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_the_migrated_groups_hold_exactly_the_roles_definition():
    assert set(ROLES) == {REPORTER, EDITOR, FACT_CHECKER}
    for name, codenames in ROLES.items():
        assert _codenames(Group.objects.get(name=name)) == set(codenames), name


@pytest.mark.django_db
def test_every_permission_named_exists():
    named = {codename for codenames in ROLES.values() for codename in codenames}
    existing = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    assert named <= existing, named - existing


@pytest.mark.django_db
def test_ensure_roles_restores_what_is_missing_and_keeps_what_a_newsroom_granted():
    Group.objects.filter(name=FACT_CHECKER).delete()
    editor = Group.objects.get(name=EDITOR)
    publish = Permission.objects.get(codename="publish_article")
    editor.permissions.remove(publish)
    extra = Permission.objects.get(codename="delete_correction")
    editor.permissions.add(extra)

    groups = ensure_roles()

    assert _codenames(groups[FACT_CHECKER]) == set(ROLES[FACT_CHECKER])
    assert _codenames(groups[EDITOR]) == {*ROLES[EDITOR], "newsroom.delete_correction"}


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_its_roles_back():
    call_command("flush", interactive=False, stdout=io.StringIO())

    for name, codenames in ROLES.items():
        assert _codenames(Group.objects.get(name=name)) == set(codenames), name


@pytest.mark.django_db
def test_the_migrated_vocabulary_is_the_starting_one():
    from relations.models import RelationshipType
    from relations.vocabulary import STARTING_VOCABULARY

    migrated = {
        (t.slug, t.name, t.label, t.inverse_label, t.category) for t in RelationshipType.objects.order_by("slug")
    }
    assert migrated == set(STARTING_VOCABULARY)


@pytest.mark.django_db
def test_the_vocabulary_list_filters_by_direction_in_words():
    from django.urls import reverse

    from relations.models import RelationshipType
    from tests.factories import EditorFactory
    from tests.helpers import signed_in

    client = signed_in(EditorFactory())
    url = reverse("admin:relations_relationshiptype_changelist")
    page = client.get(url).content.decode()
    assert "By direction" in page and "Reads the same both ways" in page and "symmetric" not in page.lower()
    both = client.get(url, {"reads": "both"}).context["cl"].result_list
    one = client.get(url, {"reads": "one"}).context["cl"].result_list
    assert {t.pk for t in both} == set(RelationshipType.objects.filter(symmetric=True).values_list("pk", flat=True))
    assert {t.pk for t in one} == set(RelationshipType.objects.filter(symmetric=False).values_list("pk", flat=True))
    assert both and one
