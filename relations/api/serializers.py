"""How the knowledge graph reads in the public API.

Every serializer lists its fields: nothing is exposed because a model happens to have it
(internal notes, who verified a claim, editors' accounts stay out). Related rows come
from what the viewsets prefetch through ``.public()``; serializers never query.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.addresses import absolute_url, web_url
from relations import dates
from relations.models import Actor, Claim, ClaimRelationship, Relationship, RelationshipType, Source

WIKIDATA_URL = "https://www.wikidata.org/wiki/{}"


class DatedSerializer(serializers.Serializer):
    """A date known to a year, a month or a day."""

    date = serializers.DateField(
        help_text="The first day of the period the date is known to: 2024-06-01 for June 2024, 2024-01-01 for 2024."
    )
    precision = serializers.ChoiceField(
        choices=dates.Precision.choices, help_text="How precisely the date is known: year, month or day."
    )
    display = serializers.CharField(help_text='The date as readers see it: "2024", "June 2024" or "12 June 2024".')


@extend_schema_field(DatedSerializer(allow_null=True))
class DatedField(serializers.Field):
    """A relationship's start or end with its precision; null when not known."""

    def __init__(self, date_field: str, **kwargs: Any) -> None:
        self.date_field = date_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, tie: Relationship) -> dict[str, str] | None:
        value = getattr(tie, self.date_field)
        if value is None:
            return None
        precision = getattr(tie, f"{self.date_field}_precision")
        return {"date": value.isoformat(), "precision": precision, "display": dates.display(value, precision)}


# --- Actors ---------------------------------------------------------------------------------


class ActorSummarySerializer(serializers.ModelSerializer):
    """An actor where another object names it; follow ``url`` for the rest."""

    id = serializers.IntegerField(
        read_only=True, help_text="The actor's number; stable, but actors are addressed by slug."
    )
    slug = serializers.SlugField(read_only=True, help_text="The actor's address in this API and on the site.")
    name = serializers.CharField(read_only=True, help_text="The actor's name as readers know it.")
    kind = serializers.ChoiceField(
        choices=Actor.Kind.choices,
        read_only=True,
        help_text="Country, person, organisation, bloc, armed group or other.",
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="actor-detail", lookup_field="slug", help_text="The actor in this API."
    )

    class Meta:
        model = Actor
        fields = ["id", "slug", "name", "kind", "url"]


class ActorSerializer(ActorSummarySerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="The kind, in words.")
    description = serializers.CharField(read_only=True, help_text="One or two sentences on who or what the actor is.")
    aliases = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="name",
        help_text="Other names the actor goes by in copy (Moscow, the Kremlin; DPRK, Pyongyang).",
    )
    wikidata_id = serializers.CharField(
        read_only=True, help_text="The actor's Wikidata item (Q159 for Russia); empty when not known."
    )
    wikidata_url = serializers.SerializerMethodField(help_text="The Wikidata page of the item; null when not known.")
    relationship_count = serializers.IntegerField(
        source="public_relationship_count",
        read_only=True,
        help_text="How many published relationships the actor is part of, on either side "
        "(what /relationships/?actor=<slug> lists).",
    )
    claim_count = serializers.IntegerField(
        source="public_claim_count",
        read_only=True,
        help_text="How many published claims are about the actor or attributed to it "
        "(what /claims/?actor=<slug> lists).",
    )
    html_url = serializers.SerializerMethodField(help_text="The actor's page on the site.")
    network_url = serializers.HyperlinkedIdentityField(
        view_name="actor-network",
        lookup_field="slug",
        help_text="The actor's published relationships and the actors they tie it to, as nodes and edges.",
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "kind_label",
            "description",
            "aliases",
            "wikidata_id",
            "wikidata_url",
            "relationship_count",
            "claim_count",
            "url",
            "html_url",
            "network_url",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_wikidata_url(self, actor: Actor) -> str | None:
        return WIKIDATA_URL.format(actor.wikidata_id) if actor.wikidata_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, actor: Actor) -> str:
        return absolute_url(self.context["request"], "actor", actor.slug)


# --- The relationship vocabulary -----------------------------------------------------------


class RelationshipTypeSummarySerializer(serializers.ModelSerializer):
    """A relationship's type: how to read the tie in either direction."""

    slug = serializers.SlugField(read_only=True, help_text="The type's address in this API.")
    name = serializers.CharField(read_only=True, help_text='What editors call the type: "Arms supply".')
    label = serializers.CharField(read_only=True, help_text='Read from subject to object: "supplies arms to".')
    reverse_label = serializers.CharField(
        read_only=True,
        help_text='Read from object to subject: "receives arms from"; the label again for a symmetric type.',
    )
    symmetric = serializers.BooleanField(
        read_only=True,
        help_text="Whether the tie reads the same both ways (a treaty): then subject and object are interchangeable.",
    )
    category = serializers.ChoiceField(
        choices=RelationshipType.Category.choices,
        read_only=True,
        help_text="Security, military, economic, diplomatic, conflict or membership.",
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="relationship-type-detail", lookup_field="slug", help_text="The type in this API."
    )

    class Meta:
        model = RelationshipType
        fields = ["slug", "name", "label", "reverse_label", "symmetric", "category", "url"]


class RelationshipTypeSerializer(RelationshipTypeSummarySerializer):
    category_label = serializers.CharField(
        source="get_category_display", read_only=True, help_text="The category, in words."
    )
    description = serializers.CharField(read_only=True, help_text="What the type covers, for editors and partners.")

    class Meta:
        model = RelationshipType
        fields = [
            "slug",
            "name",
            "label",
            "reverse_label",
            "symmetric",
            "category",
            "category_label",
            "description",
            "url",
        ]


# --- Claims, as other objects cite them -----------------------------------------------------


class ClaimSummarySerializer(serializers.ModelSerializer):
    """A claim where a relationship cites it; follow ``url`` for its sources and attribution."""

    id = serializers.IntegerField(read_only=True, help_text="The claim's number, its address in this API.")
    text = serializers.CharField(read_only=True, help_text="The claim in the newsroom's words.")
    kind = serializers.ChoiceField(
        choices=Claim.Kind.choices, read_only=True, help_text="Fact, assessment, quote or allegation."
    )
    verification = serializers.ChoiceField(
        choices=Claim.Verification.choices,
        read_only=True,
        help_text="Where the newsroom's fact-checkers stand: unverified, verified, disputed, false or retracted.",
    )
    url = serializers.HyperlinkedIdentityField(view_name="claim-detail", help_text="The claim in this API.")

    class Meta:
        model = Claim
        fields = ["id", "text", "kind", "verification", "url"]


# --- Relationships --------------------------------------------------------------------------


class RelationshipSummarySerializer(serializers.ModelSerializer):
    """A relationship where a claim bears on it; follow ``url`` for its dates and evidence."""

    id = serializers.IntegerField(read_only=True, help_text="The relationship's number, its address in this API.")
    subject = ActorSummarySerializer(read_only=True, help_text="The actor the type's label reads from.")
    object = ActorSummarySerializer(read_only=True, help_text="The actor the type's label reads to.")
    type = RelationshipTypeSummarySerializer(read_only=True, help_text="What kind of tie it is.")
    status = serializers.ChoiceField(
        choices=Relationship.Status.choices, read_only=True, help_text="Active, ended, suspended or alleged."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="relationship-detail", help_text="The relationship in this API."
    )

    class Meta:
        model = Relationship
        fields = ["id", "subject", "type", "object", "status", "url"]


def _claims_with_stance(tie: Relationship, stance: str) -> list[Claim]:
    return [link.claim for link in tie.public_claim_links if link.stance == stance]


class RelationshipSerializer(RelationshipSummarySerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="The status, in words.")
    valid_from = DatedField(
        "valid_from", help_text="When the tie began, to the precision it is known; null if unknown."
    )
    valid_until = DatedField(
        "valid_until", help_text="When the tie ended, to the precision it is known; null if it has not or is unknown."
    )
    summary = serializers.CharField(read_only=True, help_text="One sentence on what the tie amounts to.")
    supporting_claims = serializers.SerializerMethodField(help_text="Published claims that support the tie.")
    contradicting_claims = serializers.SerializerMethodField(help_text="Published claims that contradict the tie.")
    context_claims = serializers.SerializerMethodField(
        help_text="Published claims that give context to the tie without supporting or contradicting it."
    )

    class Meta:
        model = Relationship
        fields = [
            "id",
            "subject",
            "type",
            "object",
            "status",
            "status_label",
            "valid_from",
            "valid_until",
            "summary",
            "supporting_claims",
            "contradicting_claims",
            "context_claims",
            "url",
        ]

    @extend_schema_field(ClaimSummarySerializer(many=True))
    def get_supporting_claims(self, tie: Relationship) -> list[dict]:
        return self._claims(tie, ClaimRelationship.Stance.SUPPORTS)

    @extend_schema_field(ClaimSummarySerializer(many=True))
    def get_contradicting_claims(self, tie: Relationship) -> list[dict]:
        return self._claims(tie, ClaimRelationship.Stance.CONTRADICTS)

    @extend_schema_field(ClaimSummarySerializer(many=True))
    def get_context_claims(self, tie: Relationship) -> list[dict]:
        return self._claims(tie, ClaimRelationship.Stance.CONTEXT)

    def _claims(self, tie: Relationship, stance: str) -> list[dict]:
        return ClaimSummarySerializer(_claims_with_stance(tie, stance), many=True, context=self.context).data


# --- Claims ---------------------------------------------------------------------------------


class WebURLField(serializers.URLField):
    """An http(s) address, or empty: the database holds no other scheme, and the API states it again
    for rows from before that rule."""

    def to_representation(self, value) -> str:
        return web_url(value)


class SourceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="The source's title.")
    url = WebURLField(read_only=True, help_text="Where the source can be read; empty when it is not online.")
    publisher = serializers.CharField(read_only=True, help_text="Who published it; empty when not recorded.")
    published_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="When it was published; null when not recorded."
    )

    class Meta:
        model = Source
        fields = ["title", "url", "publisher", "published_on"]


class ClaimRelationshipSerializer(serializers.ModelSerializer):
    stance = serializers.ChoiceField(
        choices=ClaimRelationship.Stance.choices,
        read_only=True,
        help_text="How the claim bears on the relationship: supports, contradicts or gives context.",
    )
    stance_label = serializers.CharField(source="get_stance_display", read_only=True, help_text="The stance, in words.")
    relationship = RelationshipSummarySerializer(read_only=True, help_text="The relationship the claim bears on.")

    class Meta:
        model = ClaimRelationship
        fields = ["stance", "stance_label", "relationship"]


# --- An actor's network ---------------------------------------------------------------------


class NetworkEdgeSerializer(serializers.ModelSerializer):
    """One relationship of the network, flat, as graph-drawing libraries take edges."""

    id = serializers.IntegerField(read_only=True, help_text="The relationship's number, its address in this API.")
    subject = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The slug of the node the type's label reads from."
    )
    object = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The slug of the node the type's label reads to."
    )
    type = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The relationship type's slug (see /relationship-types/)."
    )
    label = serializers.CharField(source="type.label", read_only=True, help_text="Read from subject to object.")
    reverse_label = serializers.CharField(
        source="type.reverse_label", read_only=True, help_text="Read from object to subject."
    )
    symmetric = serializers.BooleanField(
        source="type.symmetric", read_only=True, help_text="Whether the tie reads the same both ways (draw no arrow)."
    )
    category = serializers.ChoiceField(
        source="type.category",
        choices=RelationshipType.Category.choices,
        read_only=True,
        help_text="The type's category: security, military, economic, diplomatic, conflict or membership.",
    )
    status = serializers.ChoiceField(
        choices=Relationship.Status.choices, read_only=True, help_text="Active, ended, suspended or alleged."
    )
    valid_from = DatedField(
        "valid_from", help_text="When the tie began, to the precision it is known; null if unknown."
    )
    valid_until = DatedField(
        "valid_until", help_text="When the tie ended, to the precision it is known; null if it has not or is unknown."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="relationship-detail", help_text="The relationship in this API."
    )

    class Meta:
        model = Relationship
        fields = [
            "id",
            "subject",
            "object",
            "type",
            "label",
            "reverse_label",
            "symmetric",
            "category",
            "status",
            "valid_from",
            "valid_until",
            "url",
        ]


class NetworkSerializer(serializers.Serializer):
    actor = ActorSummarySerializer(read_only=True, help_text="The actor the network is drawn around.")
    depth = serializers.IntegerField(read_only=True, help_text="How many steps from the actor the walk went: 1 or 2.")
    nodes = ActorSummarySerializer(
        many=True, read_only=True, help_text="Every actor an edge names, the actor first, then by name."
    )
    edges = NetworkEdgeSerializer(
        many=True, read_only=True, help_text="The published relationships reached, the actor's own first."
    )
    truncated = serializers.BooleanField(
        read_only=True,
        help_text="Whether edges were left out because the network is larger than max_edges: "
        "narrow it with the filters or a depth of 1.",
    )
    max_edges = serializers.IntegerField(read_only=True, help_text="The most edges one answer holds.")
