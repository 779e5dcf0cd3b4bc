"""Read-only endpoints of the knowledge graph: actors (and their networks), the relationship vocabulary,
relationships and claims. Each starts from ``.public()`` and loads what its serializer shows up front."""

from __future__ import annotations

import datetime

from django.db.models import DateField, DateTimeField, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce
from django_filters import utils as filter_utils
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.addresses import ID_PATTERN, SLUG_PATTERN
from core.viewsets import PublicReadOnlyViewSet
from relations.api import filters, serializers
from relations.api.network import actor_network
from relations.models import Actor, ClaimRelationship, Relationship, RelationshipType

# Sort keys for nullable columns: the empty values first, before any real date.
NO_DATE = Value(datetime.date.min, output_field=DateField())
NEVER = Value(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())


@extend_schema_view(
    list=extend_schema(
        summary="Actors",
        description="Countries, people, organisations and blocs that published stories, claims or fact boxes "
        "name, with how many published relationships and claims each has.",
    ),
    retrieve=extend_schema(summary="An actor", description="One published actor, by slug."),
)
class ActorViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering = ["name"]
    ordering_fields = ["name", "kind"]

    def get_queryset(self) -> QuerySet[Actor]:
        if self.action == "network":
            return Actor.objects.public()
        return Actor.objects.public().with_public_counts().prefetch_related("aliases")

    @extend_schema(
        summary="An actor's network",
        description="The published relationships around the actor as nodes (actors) and edges (relationships), "
        "for drawing: at depth 1 the actor's own, at depth 2 also those of every actor they tie it to. "
        "The filters narrow what the walk follows as well as what it shows. At most max_edges edges, "
        "the actor's own first; `truncated` says when some were left out.",
        parameters=[
            OpenApiParameter(
                "depth",
                OpenApiTypes.INT,
                enum=[1, 2],
                description=filters.NetworkFilter.base_filters["depth"].extra["help_text"],
            ),
            OpenApiParameter(
                "type", OpenApiTypes.STR, description=filters.TieFilter.base_filters["type"].extra["help_text"]
            ),
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                enum=RelationshipType.Category.values,
                description=filters.TieFilter.base_filters["category"].extra["help_text"],
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=Relationship.Status.values,
                description=filters.TieFilter.base_filters["status"].extra["help_text"],
            ),
            OpenApiParameter("active_on", OpenApiTypes.DATE, description=filters.ACTIVE_ON_HELP),
        ],
        responses=serializers.NetworkSerializer,
    )
    @action(detail=True, url_path="network", url_name="network", filter_backends=[], pagination_class=None)
    def network(self, request, slug=None) -> Response:
        actor = self.get_object()
        narrowed = filters.NetworkFilter(request.query_params, queryset=Relationship.objects.public(), request=request)
        if not narrowed.is_valid():
            raise filter_utils.translate_validation(narrowed.errors)
        network = actor_network(actor, ties=narrowed.qs, depth=narrowed.depth_value)
        return Response(serializers.NetworkSerializer(network, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Relationship types",
        description="The vocabulary relationships are described in, whole: it is editorial vocabulary, not "
        "content, so a type shows here whether or not any published relationship uses it yet.",
    ),
    retrieve=extend_schema(summary="A relationship type", description="One relationship type, by slug."),
)
class RelationshipTypeViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.RelationshipTypeSerializer
    filterset_class = filters.RelationshipTypeFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering = ["name"]
    ordering_fields = ["name", "category"]

    def get_queryset(self) -> QuerySet[RelationshipType]:
        return RelationshipType.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="Relationships",
        description="Published ties between two actors, each with its type, status, dates and the published "
        "claims that support, contradict or give context to it. To see who was tied to whom on a date: "
        "`?between=russia,north-korea&active_on=2025-01-01`.",
    ),
    retrieve=extend_schema(summary="A relationship", description="One published relationship, by id."),
)
class RelationshipViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.RelationshipSerializer
    filterset_class = filters.RelationshipFilter
    lookup_value_regex = ID_PATTERN
    ordering = ["id"]
    ordering_fields = ["id", "valid_from"]
    ordering_keys = {"valid_from": "valid_from_sort"}

    def get_queryset(self) -> QuerySet[Relationship]:
        # A relationship may be public through a fact box while some of its claims are drafts'.
        evidence = ClaimRelationship.objects.public().select_related("claim").order_by("pk")
        return (
            Relationship.objects.public()
            .with_parties()
            .annotate(valid_from_sort=Coalesce("valid_from", NO_DATE))
            .prefetch_related(Prefetch("claim_links", queryset=evidence, to_attr="public_claim_links"))
        )
