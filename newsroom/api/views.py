"""Read-only endpoints for stories, fact boxes and the feed of changes, each starting from ``.public()``."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from core import api
from core.addresses import ID_PATTERN, SLUG_PATTERN
from core.public_cache import CachedApiAnswers
from core.viewsets import PublicReadOnlyViewSet
from newsroom.api import filters, serializers
from newsroom.factboxes import notices
from newsroom.models import Article, FactBox
from relations import feed
from relations.api.views import NEVER
from relations.models import Actor, Claim, PublicChange
from relations.querysets import claim_display_prefetches


def live_articles() -> Prefetch:
    """The live stories among an object's ``articles``, newest first, as ``live_articles``."""
    return Prefetch(
        "articles",
        queryset=Article.objects.public().with_publication_date().defer("body").order_by("-published_at", "-pk"),
        to_attr="live_articles",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Live stories",
        description=(
            "Published stories whose publication time has passed, newest first. List entries leave out the "
            "body, corrections, cited claims and fact boxes: read a story's own address for them."
        ),
    ),
    retrieve=extend_schema(summary="A live story", description="A live story with everything it shows readers."),
)
class ArticleViewSet(PublicReadOnlyViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filterset_class = filters.ArticleFilter
    ordering_fields = ["published_at", "title"]
    ordering = ["-published_at", "-id"]

    def get_queryset(self):
        if self.action != "list":
            # A story's address shows what its page shows, read the same way.
            return Article.objects.public().for_story_page(claim_details=False)
        actors = Prefetch("actors", queryset=Actor.objects.public().order_by("name", "pk"), to_attr="public_actors")
        return Article.objects.public().with_publication_date().defer("body").prefetch_related(actors)

    def get_serializer_class(self):
        return serializers.ArticleOverviewSerializer if self.action == "list" else serializers.ArticleSerializer


@extend_schema_view(
    list=extend_schema(summary="Published fact boxes", description="Published fact boxes, newest version first."),
    retrieve=extend_schema(summary="A published fact box", description="The box's current published version."),
)
class FactBoxViewSet(PublicReadOnlyViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filterset_class = filters.FactBoxFilter
    serializer_class = serializers.FactBoxSerializer
    ordering_fields = ["published_at", "slug"]
    ordering = ["-published_at", "-id"]

    def get_queryset(self):
        return (
            FactBox.objects.public()
            .select_related("published_version")
            # The current version's publication, as publishing sets both; indexed on the box.
            .annotate(published_at=F("last_published_at"))
            # The verdicts moved since each version: one query for the page, whatever its boxes hold.
            .prefetch_related(live_articles(), notices.prefetch_moved("published_version__references"))
        )


@extend_schema_view(
    list=extend_schema(
        summary="Claims",
        description="Published claims: what is said, by whom, about which actors and relationships, on what "
        "sources, where the newsroom's fact-checkers stand, and the live stories citing each.",
    ),
    retrieve=extend_schema(
        summary="A claim", description="One published claim, by id, with the live stories citing it."
    ),
)
class ClaimViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    lookup_value_regex = ID_PATTERN
    ordering = ["-id"]
    ordering_fields = ["id", "verified_at"]
    ordering_keys = {"verified_at": "verified_at_sort"}

    def get_queryset(self) -> QuerySet[Claim]:
        return (
            Claim.objects.public()
            .select_related("attributed_to")
            .annotate(verified_at_sort=Coalesce("verified_at", NEVER))
            .prefetch_related(
                Prefetch("actors", queryset=Actor.objects.public().order_by("name"), to_attr="public_actors"),
                *claim_display_prefetches(),
                live_articles(),
            )
        )


class ChangePagination(api.CursorPagination):
    """Newest first; with ``after``, oldest first from there, the order a partner syncs in."""

    ordering = ("-position",)

    def get_ordering(self, request, queryset, view):
        return ("position",) if "after" in request.query_params else self.ordering

    def position_is_valid(self, position: str) -> bool:
        # A position the column cannot hold would be compared as "every row", not refused.
        return position.isascii() and position.isdigit() and int(position) <= filters.POSITION_MAX


@extend_schema_view(
    list=extend_schema(
        summary="Feed of changes",
        description=(
            "What became public, changed or was withdrawn: stories published, corrected or withdrawn, fact "
            "boxes published, republished or withdrawn, claims whose verification changed. Each entry has a "
            "`position`, given when readers could first see it and never given again. To sync, store the "
            "highest `position` you have read and ask for the entries `after` it: they come oldest first, a "
            "page at a time (follow `next` until it is null). Without `after`, newest first. A claim's entry "
            "is shown while the claim is public; if it goes and comes back, it comes back at a new position."
        ),
    )
)
class ChangeViewSet(CachedApiAnswers, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.ChangeSerializer
    filterset_class = filters.ChangeFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = ChangePagination
    # The schema reads the model from here: building the real queryset looks up content types.
    queryset = PublicChange.objects.none()

    def list(self, request, *args, **kwargs):
        # Entries whose moment has passed since the last write (a scheduled story gone live) take their
        # places before anyone reads past them. The public state ends at that moment, so no stored
        # answer from before it stands in for this.
        if feed.pending():
            feed.catch_up()
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        # Only the types the feed can address: an entry another app may add later waits for its endpoint.
        known = Q(pk__in=[])
        for app_label, model in serializers.CHANGE_TYPES:
            known |= Q(content_type__app_label=app_label, content_type__model=model)
        return PublicChange.objects.public().filter(known).select_related("content_type")
