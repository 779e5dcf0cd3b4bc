"""Filters and orderings of the knowledge graph's API lists.

An actor, relationship or type named in a filter must be one the public can see: a
slug that only drafts reach answers 400 exactly as an unknown one does. Values are
checked for shape before any lookup, so a 30-digit id or a malformed slug answers
400 naming the parameter instead of reaching the database.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django_filters import fields as filter_fields

from core.addresses import ID_RE, SLUG_RE
from relations.models import WIKIDATA_ID_RE, Actor, Relationship, RelationshipType

ISO_DATE = ["%Y-%m-%d"]


# The querysets are callables: "public" depends on the clock, so it is read per request.
def public_actors(request) -> QuerySet:
    return Actor.objects.public()


def public_relationships(request) -> QuerySet:
    return Relationship.objects.public()


def relationship_types(request) -> QuerySet:
    return RelationshipType.objects.all()


class KeyedChoiceField(filter_fields.ModelChoiceField):
    """A model chosen by slug (``to_field_name="slug"``) or by id, refused early when the
    value cannot be one."""

    def to_python(self, value):
        if value in self.empty_values or (self.null_label is not None and value == self.null_value):
            return super().to_python(value)
        pattern = SLUG_RE if self.to_field_name else ID_RE
        if not pattern.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = KeyedChoiceField


def actor_filter(help_text: str, **kwargs) -> KeyedChoiceFilter:
    return KeyedChoiceFilter(
        queryset=public_actors,
        to_field_name="slug",
        help_text=help_text,
        error_messages={"invalid_choice": "No published actor has this slug."},
        **kwargs,
    )


class ActorPairField(forms.Field):
    """Two actor slugs separated by a comma, cleaned into the two public actors."""

    def __init__(self, *, queryset, **kwargs) -> None:
        self.queryset = queryset
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        slugs = [part.strip() for part in str(value).split(",")]
        if len(slugs) != 2 or not all(SLUG_RE.fullmatch(slug) for slug in slugs):
            raise ValidationError("Give two actor slugs separated by a comma, e.g. russia,north-korea.")
        if slugs[0] == slugs[1]:
            raise ValidationError("Give two different actors: a relationship never ties an actor to itself.")
        found = {actor.slug: actor for actor in self.queryset.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(f"No published actor has the slug {missing[0]}.")
        return found[slugs[0]], found[slugs[1]]


class StrictBooleanField(forms.NullBooleanField):
    """true or false; anything else is refused rather than read as "no filter"."""

    # The select widget would turn an unknown value into "no choice" before it could be refused.
    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise ValidationError("Give true or false.")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ActorPairFilter(django_filters.filters.QuerySetRequestMixin, django_filters.Filter):
    field_class = ActorPairField


# --- Actors ---------------------------------------------------------------------------------


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, help_text="Only actors of this kind.")
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text="Actors whose name or one of whose aliases contains this text, whatever its case "
        "(q=pyongyang finds North Korea).",
    )
    wikidata_id = django_filters.CharFilter(
        validators=[RegexValidator(WIKIDATA_ID_RE, "A Wikidata ID is Q followed by digits, e.g. Q159.")],
        help_text="The actor with this Wikidata item, e.g. Q159.",
    )

    class Meta:
        model = Actor
        fields = []

    def filter_q(self, queryset, name, value: str):
        return queryset.named(value)


# --- The relationship vocabulary -----------------------------------------------------------


class RelationshipTypeFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=RelationshipType.Category.choices, help_text="Only types of this category."
    )
    symmetric = StrictBooleanFilter(
        help_text="true: only types that read the same both ways (treaties, partnerships); false: only directed ones."
    )

    class Meta:
        model = RelationshipType
        fields = []


# --- Relationships --------------------------------------------------------------------------

ACTIVE_ON_HELP = (
    "Only relationships in effect on this date (YYYY-MM-DD). Dates count at their precision: a tie that began "
    "in June 2024 counts on 2024-06-15, one that ended in 2025 counts until 2025-12-31. An unknown start counts "
    "as begun; a tie with no end date counts only while its status is active or alleged."
)


class TieFilter(django_filters.FilterSet):
    """What a relationship list and an actor's network are both narrowed by."""

    type = KeyedChoiceFilter(
        queryset=relationship_types,
        to_field_name="slug",
        help_text="Only relationships of this type (its slug, e.g. mutual-defence-treaty; see /relationship-types/).",
        error_messages={"invalid_choice": "No relationship type has this slug."},
    )
    category = django_filters.ChoiceFilter(
        field_name="type__category",
        choices=RelationshipType.Category.choices,
        help_text="Only relationships whose type is of this category.",
    )
    status = django_filters.ChoiceFilter(
        choices=Relationship.Status.choices, help_text="Only relationships with this status."
    )
    active_on = django_filters.DateFilter(method="filter_active_on", input_formats=ISO_DATE, help_text=ACTIVE_ON_HELP)

    class Meta:
        model = Relationship
        fields = []

    def filter_active_on(self, queryset, name, value: datetime.date):
        return queryset.active_on(value)


class RelationshipFilter(TieFilter):
    actor = actor_filter("Only relationships this actor (its slug) is part of, on either side.", method="filter_actor")
    subject = actor_filter("Only relationships whose subject is this actor (its slug).")
    object = actor_filter("Only relationships whose object is this actor (its slug).")
    between = ActorPairFilter(
        queryset=public_actors,
        method="filter_between",
        help_text="Only relationships between these two actors, whichever side each is on: two slugs separated "
        "by a comma, e.g. russia,north-korea.",
    )

    class Meta(TieFilter.Meta):
        pass

    def filter_actor(self, queryset, name, value: Actor):
        return queryset.involving(value)

    def filter_between(self, queryset, name, value: tuple[Actor, Actor]):
        return queryset.between(*value)


class NetworkFilter(TieFilter):
    depth = django_filters.ChoiceFilter(
        choices=[("1", "1"), ("2", "2")],
        method="keep",
        help_text="1 (the default): the actor's own relationships. 2: also the relationships of every actor "
        "those tie it to.",
        error_messages={"invalid_choice": "The depth is 1 or 2."},
    )

    class Meta(TieFilter.Meta):
        pass

    def keep(self, queryset, name, value: str):
        # The depth says how far to walk, not which ties to keep: the network reads it.
        return queryset

    @property
    def depth_value(self) -> int:
        return int(self.form.cleaned_data.get("depth") or 1)


# --- Claims ---------------------------------------------------------------------------------
