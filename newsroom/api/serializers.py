"""What the public API says of stories, fact boxes and feed entries: public fields only, each described.

Related objects come from ``.public()`` prefetches made by the views (``public_actors``,
``public_citations``, ``public_factboxes``, ``live_articles``…), so a serializer never
reaches past what readers may see, and never reads the database itself.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.addresses import absolute_url
from newsroom import richtext
from newsroom.factboxes import notices, payload
from newsroom.models import FactBox
from relations.api import serializers as relations_serializers
from relations.api.serializers import ActorSummarySerializer, ClaimSummarySerializer
from relations.models import Claim, PublicChange


@extend_schema_field(OpenApiTypes.URI)
class RouteURLField(serializers.Field):
    """The absolute address of the route ``view_name`` for an object addressed by its slug."""

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute_url(self.context["request"], self.view_name, value.slug)


class _HeaderValue:
    """One of the box's own fields in a published payload (``source``), read through
    ``newsroom.factboxes.payload`` as every reader of a payload reads it."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        self.key = key
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(payload.read_header(value)[self.key])


class HeaderCharField(_HeaderValue, serializers.CharField):
    pass


class HeaderChoiceField(_HeaderValue, serializers.ChoiceField):
    pass


class SanitisedHTMLField(serializers.CharField):
    """Rich text as the story page prints it: reduced to the allow-list on the way out too,
    since a row written before sanitising existed (or by raw SQL) never went through it."""

    def to_representation(self, value: str) -> str:
        return richtext.sanitised_output(value or "")


# --- Summaries of related objects ---------------------------------------------------------


class CitationSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True, help_text="Where the claim comes in the story (ascending).")
    passage = serializers.CharField(read_only=True, help_text="The passage of the story the claim comes from.")
    claim = ClaimSummarySerializer(read_only=True, help_text="The claim cited.")


class CorrectionSerializer(serializers.Serializer):
    text = serializers.CharField(read_only=True, help_text="What was wrong and what changed, as printed.")
    published_at = serializers.DateTimeField(read_only=True, help_text="When the correction was published.")


class ArticleFactBoxSerializer(serializers.Serializer):
    """A published box running with a story, as its published version names it."""

    slug = serializers.SlugField(source="factbox.slug", read_only=True, help_text="The fact box's address.")
    title = HeaderCharField(
        "title", source="factbox.published_version.payload", help_text="The published version's title."
    )
    url = serializers.SerializerMethodField(help_text="The fact box in this API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, placement) -> str:
        return absolute_url(self.context["request"], "factbox-detail", placement.factbox.slug)


class ArticleSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="The story's address in the API and on the site.")
    title = serializers.CharField(read_only=True, help_text="The headline.")
    url = RouteURLField("article-detail", help_text="The story in this API.")
    html_url = RouteURLField("story", help_text="The story's public page.")


# --- Stories ---------------------------------------------------------------------------------


class ArticleOverviewSerializer(serializers.Serializer):
    """A live story as lists show it: everything but the body and what the story cites."""

    title = serializers.CharField(read_only=True, help_text="The headline.")
    slug = serializers.SlugField(read_only=True, help_text="The story's address in the API and on the site.")
    standfirst = serializers.CharField(read_only=True, help_text="The one or two sentences under the headline.")
    byline = serializers.CharField(read_only=True, help_text="Who wrote it; may be empty.")
    section = serializers.CharField(read_only=True, help_text="The section it runs in; may be empty.")
    published_at = serializers.DateTimeField(
        read_only=True,
        help_text="When readers first saw the story. A story withdrawn and published again keeps its first date.",
    )
    last_modified_at = serializers.SerializerMethodField(
        help_text="The last change readers were told of: the publication or the latest correction."
    )
    actors = ActorSummarySerializer(
        source="public_actors", many=True, read_only=True, help_text="Who the story is about."
    )
    url = RouteURLField("article-detail", help_text="The story in this API.")
    html_url = RouteURLField("story", help_text="The story's public page.")

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_modified_at(self, article):
        value = article.last_modified_at or article.published_at
        return serializers.DateTimeField().to_representation(value)


class ArticleSerializer(ArticleOverviewSerializer):
    """A live story with its body, its corrections, the claims it cites and the fact boxes beside it."""

    body = SanitisedHTMLField(
        read_only=True,
        help_text=(
            "The story as HTML limited to paragraphs, headings h2–h4, emphasis, lists, quotes, links "
            "(http, https, mailto, tel) and simple tables: no scripts, styles, frames or event handlers. "
            'A passage a cited claim comes from is marked `<mark data-claim="id">`, the id of a claim in `claims`.'
        ),
    )
    corrections = CorrectionSerializer(
        source="public_corrections", many=True, read_only=True, help_text="Public corrections, oldest first."
    )
    claims = CitationSerializer(
        source="public_citations", many=True, read_only=True, help_text="The claims the story cites, in story order."
    )
    factboxes = ArticleFactBoxSerializer(
        source="public_factboxes", many=True, read_only=True, help_text="The published fact boxes it runs with."
    )

    def to_representation(self, article):
        data = super().to_representation(article)
        public = {citation.claim_id for citation in article.public_citations}
        data["body"] = richtext.keep_claim_marks(data["body"], public)
        return data


# --- Fact boxes --------------------------------------------------------------------------------


@extend_schema_field({"type": "object", "additionalProperties": True})
class PayloadField(serializers.JSONField):
    """The published payload as stored, but for an address that is not http(s), which a version
    frozen before sources were held to that rule could carry."""

    def to_representation(self, value):
        return payload.with_web_urls(super().to_representation(value))


class NoticeSerializer(serializers.Serializer):
    """A verdict given since the version was published, on a claim the payload still shows as it stood."""

    item = serializers.IntegerField(
        read_only=True, help_text="Which of the payload's `items` shows the claim: its index, from 0."
    )
    claim = serializers.IntegerField(
        read_only=True, help_text="The claim's id: the item's own claim, or one of its relationship's evidence."
    )
    verification = serializers.CharField(
        read_only=True, help_text="The claim's verdict now: `false`, `disputed` or `retracted`."
    )
    verification_label = serializers.CharField(read_only=True, help_text="The verdict now, in words.")
    was = serializers.CharField(
        read_only=True,
        help_text="The verdict the version was published with, as its payload holds it (`unverified`, `verified`…).",
    )
    since = serializers.DateTimeField(read_only=True, help_text="When the claim was given its verdict now.")


class FactBoxSerializer(serializers.Serializer):
    """A published fact box: its current published version, never the draft editors are working on."""

    slug = serializers.SlugField(read_only=True, help_text="The box's address; fixed once published.")
    kind = HeaderChoiceField(
        "kind",
        source="published_version.payload",
        choices=FactBox.Kind.choices,
        help_text="The kind of box, as published.",
    )
    title = HeaderCharField("title", source="published_version.payload", help_text="The title, as published.")
    number = serializers.IntegerField(
        source="published_version.number", read_only=True, help_text="The published version's number (1, 2, 3…)."
    )
    published_at = serializers.DateTimeField(read_only=True, help_text="When this version was published.")
    payload = PayloadField(
        source="published_version.payload",
        read_only=True,
        help_text=(
            f"Everything the box shows, frozen when the version was published (schema {payload.SCHEMA}): title, "
            "slug, kind, kind_label, intro, number, published_at and items; each item has a type (claim, relationship, "
            "actor or text), the object of that type and, on timelines, `when`."
        ),
    )
    notices = serializers.SerializerMethodField(
        help_text=(
            "Verdicts given since this version was published that take back what it shows: each claim of the "
            "payload (an item's, or a relationship's evidence) now found false, disputed or retracted. The "
            "payload stays as it was published; readers of the box see each of these as a dated notice on "
            "its item. Empty while every verdict stands as published."
        )
    )
    articles = ArticleSummarySerializer(
        source="live_articles", many=True, read_only=True, help_text="The live stories it runs with."
    )
    embed_url = RouteURLField("embed_factbox", help_text="A page other sites may frame; it follows republication.")
    embed_version_url = serializers.SerializerMethodField(
        help_text="A page other sites may frame, pinned to this version."
    )
    oembed_url = serializers.SerializerMethodField(help_text="The oEmbed 1.0 answer for the box's embed.")
    url = RouteURLField("factbox-detail", help_text="The fact box in this API.")

    @extend_schema_field(NoticeSerializer(many=True))
    def get_notices(self, box: FactBox) -> list[dict[str, Any]]:
        # The view prefetches the version's moved verdicts (``moved_verdicts``) for the whole page.
        version = box.published_version
        return NoticeSerializer(notices.listed(version.payload, notices.prefetched(version)), many=True).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_embed_version_url(self, box: FactBox) -> str:
        return absolute_url(self.context["request"], "embed_factbox_version", box.slug, box.published_version.number)

    @extend_schema_field(OpenApiTypes.URI)
    def get_oembed_url(self, box: FactBox) -> str:
        embed = absolute_url(self.context["request"], "embed_factbox", box.slug)
        return absolute_url(self.context["request"], "oembed", query={"url": embed})


# --- Claims ------------------------------------------------------------------------------------


class ClaimSerializer(ClaimSummarySerializer):
    """A published claim with what stands behind it, and the live stories citing it."""

    quote = serializers.CharField(read_only=True, help_text="The exact words, when the claim is a quote; else empty.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="The kind, in words.")
    attributed_to = ActorSummarySerializer(
        read_only=True, allow_null=True, help_text="Who says so; null when the claim is the newsroom's own reporting."
    )
    actors = ActorSummarySerializer(
        source="public_actors", many=True, read_only=True, help_text="The actors the claim is about."
    )
    relationships = relations_serializers.ClaimRelationshipSerializer(
        source="public_relationship_links",
        many=True,
        read_only=True,
        help_text="The published relationships the claim bears on, each with the claim's stance.",
    )
    verification_label = serializers.CharField(
        source="get_verification_display", read_only=True, help_text="The verification state, in words."
    )
    verified_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the verification state was last set; null while unverified."
    )
    sources = relations_serializers.SourceSerializer(
        source="public_sources", many=True, read_only=True, help_text="Where the claim comes from."
    )
    articles = ArticleSummarySerializer(
        source="live_articles", many=True, read_only=True, help_text="The live stories citing the claim, newest first."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "quote",
            "kind",
            "kind_label",
            "attributed_to",
            "actors",
            "relationships",
            "verification",
            "verification_label",
            "verified_at",
            "sources",
            "url",
            "articles",
        ]


# --- The feed of changes ----------------------------------------------------------------------

# What each type of feed entry is called, and where the API serves that object.
CHANGE_TYPES = {
    ("newsroom", "article"): ("article", "article-detail"),
    ("newsroom", "factbox"): ("factbox", "factbox-detail"),
    ("relations", "claim"): ("claim", "claim-detail"),
}
TYPE_CHOICES = [("article", "Story"), ("factbox", "Fact box"), ("claim", "Claim")]


class ChangeSerializer(serializers.Serializer):
    position = serializers.IntegerField(
        read_only=True,
        help_text="The entry's place in the feed: every entry placed later has a higher one. Sync by it (`after`).",
    )
    at = serializers.DateTimeField(
        read_only=True,
        help_text="When the change was made. Readers saw it then, or a verdict on a claim not yet public once "
        "a story made the claim public: order and sync by `position`.",
    )
    kind = serializers.ChoiceField(
        choices=PublicChange.Kind.choices,
        read_only=True,
        help_text="published, updated (a correction, a new version), withdrawn, or verdict (a claim's verification).",
    )
    type = serializers.SerializerMethodField(help_text="What changed: article, factbox or claim.")
    key = serializers.CharField(read_only=True, help_text="The object's slug (articles, fact boxes) or id (claims).")
    url = serializers.SerializerMethodField(
        help_text="The object in this API. It answers 404 once the object is no longer public."
    )
    note = serializers.CharField(read_only=True, help_text="What changed, in a few words; may be empty.")

    @extend_schema_field({"type": "string", "enum": [value for value, _label in TYPE_CHOICES]})
    def get_type(self, change: PublicChange) -> str:
        return CHANGE_TYPES[change.content_type.natural_key()][0]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, change: PublicChange) -> str:
        return absolute_url(self.context["request"], CHANGE_TYPES[change.content_type.natural_key()][1], change.key)
