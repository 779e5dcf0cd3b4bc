"""The filters partners use on stories, fact boxes, the claims stories cite and the feed of changes.

A story or actor named in a filter must be one readers can see: a slug only a draft
has answers 400 exactly as an unknown one does (as the knowledge graph's filters do).
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from newsroom.api.serializers import CHANGE_TYPES, TYPE_CHOICES
from newsroom.models import Article, FactBox, FactBoxPlacement
from relations.api import filters as relations_filters
from relations.api.filters import KeyedChoiceFilter, public_actors
from relations.models import Actor, Claim, PublicChange, Relationship

SEARCH_MAX_LENGTH = 200


class MomentField(IsoDateTimeField):
    """An ISO 8601 date or date-time (a date is its midnight; without an offset, the site's time zone).

    A moment so close to the ends of the calendar that it cannot be stated in UTC, where the
    database compares it, is refused here rather than failing inside the query.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(datetime.UTC)
            except (OverflowError, ValueError) as error:
                raise ValidationError("Enter a date or date-time within the calendar.", code="invalid") from error
        return value


@extend_schema_field({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]})
class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


# The querysets are callables: "live" depends on the clock, so it is read per request.
def live_articles(request) -> QuerySet[Article]:
    return Article.objects.public()


def _live_article_filter(help_text: str) -> KeyedChoiceFilter:
    return KeyedChoiceFilter(
        queryset=live_articles,
        to_field_name="slug",
        method="filter_article",
        help_text=help_text,
        error_messages={"invalid_choice": "No live story has this slug."},
    )


class ArticleFilter(django_filters.FilterSet):
    actor = KeyedChoiceFilter(
        queryset=public_actors,
        to_field_name="slug",
        method="filter_actor",
        help_text="Only stories about this actor (its slug).",
        error_messages={"invalid_choice": "No published actor has this slug."},
    )
    section = django_filters.CharFilter(
        lookup_expr="iexact", max_length=100, help_text="Only stories in this section (case-insensitive), e.g. World."
    )
    published_after = MomentFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text="Only stories first published at or after this ISO 8601 date or date-time.",
    )
    published_before = MomentFilter(
        field_name="published_at",
        lookup_expr="lt",
        help_text="Only stories first published before this ISO 8601 date or date-time (a date: before its midnight).",
    )
    q = django_filters.CharFilter(
        max_length=SEARCH_MAX_LENGTH,
        method="search",
        help_text="Only stories whose headline, standfirst or body contains these words (case-insensitive).",
    )

    class Meta:
        model = Article
        fields = []

    def filter_actor(self, queryset: QuerySet[Article], name: str, value: Actor) -> QuerySet[Article]:
        # One tag per story and actor: the join repeats no story.
        return queryset.about(value)

    def search(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        condition = Q()
        for word in value.split():
            condition &= Q(title__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)
        return queryset.filter(condition)


class FactBoxFilter(django_filters.FilterSet):
    # The kind readers see is the published version's: an editor may have changed the draft's since.
    kind = django_filters.ChoiceFilter(
        field_name="published_version__payload__kind",
        choices=FactBox.Kind.choices,
        help_text="Only boxes of this kind, as published.",
    )
    article = _live_article_filter("Only boxes running with this live story (its slug).")

    class Meta:
        model = FactBox
        fields = []

    def filter_article(self, queryset: QuerySet[FactBox], name: str, value: Article) -> QuerySet[FactBox]:
        return queryset.filter(pk__in=FactBoxPlacement.objects.filter(article=value).values("factbox"))


RELATIONSHIP_HELP = "Only claims that bear on this relationship (its id), whatever their stance."


class ClaimFilter(django_filters.FilterSet):
    """Claims by the actors and relationships they concern, their kind and verdict, and the live
    story citing them."""

    actor = relations_filters.actor_filter(
        "Only claims about this actor (its slug) or attributed to it.",
        method="filter_actor",
    )
    relationship = KeyedChoiceFilter(
        queryset=relations_filters.public_relationships,
        method="filter_relationship",
        help_text=RELATIONSHIP_HELP,
        error_messages={"invalid_choice": "No published relationship has this id."},
    )
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices, help_text="Only claims of this kind.")
    verification = django_filters.ChoiceFilter(
        choices=Claim.Verification.choices, help_text="Only claims in this verification state."
    )
    attributed_to = relations_filters.actor_filter(
        "Only claims attributed to this actor (its slug); `none` for the newsroom's own reporting.",
        null_label="The newsroom's own reporting",
        null_value="none",
    )
    article = _live_article_filter("Only claims this live story (its slug) cites.")

    class Meta:
        model = Claim
        fields = []

    def filter_actor(self, queryset, name, value: Actor):
        return queryset.concerning(value)

    @extend_schema_field({"type": "integer", "description": RELATIONSHIP_HELP})
    def filter_relationship(self, queryset, name, value: Relationship):
        # One link per claim and relationship (a unique constraint): the join repeats no claim.
        return queryset.filter(relationship_links__relationship=value)

    def filter_article(self, queryset, name: str, value: Article):
        return queryset.filter(pk__in=value.claim_citations.values("claim"))


# The largest position the database holds (a 64-bit integer): anything beyond is refused, not compared.
POSITION_MAX = 2**63 - 1


class PositionField(forms.IntegerField):
    """A position in the feed: a whole number from 0, refused with a clear reason otherwise."""

    default_error_messages = {"invalid": "Enter a whole number: the highest position you hold, or 0."}

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=0, max_value=POSITION_MAX, **kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 0, "maximum": POSITION_MAX})
class PositionFilter(django_filters.Filter):
    field_class = PositionField


class ChangeFilter(django_filters.FilterSet):
    after = PositionFilter(
        field_name="position",
        lookup_expr="gt",
        help_text=(
            "Only entries placed after this position, oldest first: to sync, the highest `position` you "
            "hold (0 the first time). Nothing is placed before a position once it has been given."
        ),
    )
    since = MomentFilter(
        field_name="at",
        lookup_expr="gte",
        help_text=(
            "Only entries at or after this ISO 8601 date or date-time. Approximate, for people: an entry "
            "can reach the feed after its `at` (a verdict on a claim no story had made public yet), so "
            "sync with `after`."
        ),
    )
    type = django_filters.ChoiceFilter(
        choices=TYPE_CHOICES, method="filter_type", help_text="Only entries about this type of object."
    )
    kind = django_filters.ChoiceFilter(choices=PublicChange.Kind.choices, help_text="Only entries of this kind.")

    class Meta:
        model = PublicChange
        fields = []

    def filter_type(self, queryset: QuerySet[PublicChange], name: str, value: str) -> QuerySet[PublicChange]:
        (app_label, model) = next(key for key, (type_name, _route) in CHANGE_TYPES.items() if type_name == value)
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
