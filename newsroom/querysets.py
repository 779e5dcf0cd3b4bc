"""Reusable reads on editorial content; ``.public()`` is what readers may see."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from core import search
from relations.closure import Reach
from relations.querysets import SlugHistoryQuerySet

# What a story is searched by, and how much each counts (``core.search``); the index on it is in
# migration 0017_article_search.
ARTICLE_SEARCH_FIELDS = (("title", "A"), ("standfirst", "B"), ("body", "C"))


class ArticleQuerySet(SlugHistoryQuerySet):
    def public(self, *, at: datetime.datetime | None = None, or_scheduled: bool = False) -> ArticleQuerySet:
        """Live articles: published, with a publish-at that has passed.

        Scheduling needs no job: a scheduled article is simply not live yet.
        The clock is read in Python, not with the database's NOW(), so that
        every query in one request agrees on the moment and tests can freeze it.
        ``or_scheduled`` adds the articles scheduled to go live later.
        """
        if or_scheduled:
            return self.filter(status="published")
        return self.filter(status="published", publish_at__lte=at or timezone.now())

    def reaches(self) -> dict[int, Reach]:
        """What each article makes public (the claims it cites, the actors it is tagged with) and from
        when (its publish-at while it is published): see ``relations.closure``."""
        from newsroom.models import Article, ArticleClaim

        rows = {
            pk: publish_at if status == "published" else None
            for pk, status, publish_at in self.values_list("pk", "status", "publish_at")
        }
        claims, actors = defaultdict(set), defaultdict(set)
        for article, claim in ArticleClaim.objects.filter(article__in=list(rows)).values_list("article", "claim"):
            claims[article].add(claim)
        for article, actor in Article.actors.through.objects.filter(article__in=list(rows)).values_list(
            "article", "actor"
        ):
            actors[article].add(actor)
        return {
            pk: Reach(moment, claim=frozenset(claims[pk]), actor=frozenset(actors[pk])) for pk, moment in rows.items()
        }

    def scheduled(self, *, at: datetime.datetime | None = None) -> ArticleQuerySet:
        return self.filter(status="published", publish_at__gt=at or timezone.now())

    def in_review(self) -> ArticleQuerySet:
        return self.filter(status="in_review")

    def about(self, actor) -> ArticleQuerySet:
        return self.filter(actors=actor)

    def with_publication_date(self) -> ArticleQuerySet:
        """Annotate ``published_at``: when readers first saw the story. A story withdrawn
        and published again keeps its first date, as readers may have cited it."""
        return self.annotate(published_at=Coalesce("first_published_at", "publish_at"))

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-publish_at", "-pk")

    def search(self, terms: str) -> ArticleQuerySet:
        """The stories matching ``terms`` (a search box's words), annotated with ``search_rank``."""
        return search.ranked(self, terms, ARTICLE_SEARCH_FIELDS)

    def for_listing(self) -> ArticleQuerySet:
        # The body is most of a row and no list shows it.
        return self.with_publication_date().defer("body").newest_first()

    def with_box_links(self) -> ArticleQuerySet:
        """Each article's published boxes in running order as ``box_links``, with what a link to one
        needs (the title, slug and number its version was published with, which make its id
        on the story page) and not the payload they are read from."""
        from newsroom.models import FactBoxPlacement

        placements = (
            FactBoxPlacement.objects.public()
            .defer("factbox__published_version__payload")
            .annotate(
                frozen_slug=KeyTextTransform("slug", "factbox__published_version__payload"),
                # The title readers see is the published version's: the box's own may be an unpublished edit.
                frozen_title=KeyTextTransform("title", "factbox__published_version__payload"),
            )
        )
        return self.prefetch_related(Prefetch("factbox_placements", queryset=placements, to_attr="box_links"))

    def for_story_page(self, *, claim_details: bool = True) -> ArticleQuerySet:
        """Everything a story page shows, in a fixed number of queries whatever its size.

        Claims and actors are read through ``.public()`` although what a live article
        cites is public by construction: the page then states the rule itself instead
        of relying on how the closure is derived. The API's story answer names each
        cited claim and links to it (``claim_details=False``): it reads no sources or
        relationships.
        """
        from newsroom.models import ArticleClaim, Correction, FactBoxPlacement
        from relations.models import Actor
        from relations.querysets import claim_display_prefetches

        # The claims are joined into the citations' query rather than read through
        # ``Claim.objects.for_display()``, which would cost one more query.
        citations = ArticleClaim.objects.public().select_related("claim__attributed_to").order_by("position", "pk")
        if claim_details:
            citations = citations.prefetch_related(*claim_display_prefetches(through="claim__"))
        corrections = Correction.objects.order_by("published_at", "pk")
        return self.with_publication_date().prefetch_related(
            Prefetch("factbox_placements", queryset=FactBoxPlacement.objects.public(), to_attr="public_factboxes"),
            Prefetch("corrections", queryset=corrections, to_attr="public_corrections"),
            Prefetch("actors", queryset=Actor.objects.public().order_by("name", "pk"), to_attr="public_actors"),
            Prefetch("claim_citations", queryset=citations, to_attr="public_citations"),
        )


class ArticleClaimQuerySet(models.QuerySet):
    def public(self) -> ArticleClaimQuerySet:
        """Citations readers can see, of a live article: those of public claims. Claims a live
        article cites are public by construction; the citation states the rule all the same."""
        from relations.models import Claim

        return self.filter(claim__in=Claim.objects.public())


class FactBoxQuerySet(SlugHistoryQuerySet):
    def public(self, *, or_scheduled: bool = False) -> FactBoxQuerySet:
        """Published boxes. Readers see their published version, never the draft;
        ``or_scheduled`` is accepted for symmetry: boxes are not scheduled."""
        return self.filter(status="published", published_version__isnull=False)

    def reaches(self) -> dict[int, Reach]:
        """What each box makes public (everything its published version shows) and from when
        (that version's publication, while the box is published): see ``relations.closure``."""
        from newsroom.models import FactBoxReference

        rows = {
            pk: (version, published_at if status == "published" else None)
            for pk, status, version, published_at in self.values_list(
                "pk", "status", "published_version", "published_version__published_at"
            )
        }
        shown = {pk: {"claim": set(), "relationship": set(), "actor": set()} for pk in rows}
        box_of = {version: pk for pk, (version, _moment) in rows.items() if version is not None}
        references = FactBoxReference.objects.filter(version__in=list(box_of)).values_list(
            "version", "claim", "relationship", "actor"
        )
        for version, *targets in references:
            for kind, target in zip(("claim", "relationship", "actor"), targets, strict=True):
                if target is not None:
                    shown[box_of[version]][kind].add(target)
        return {
            pk: Reach(moment, **{kind: frozenset(ids) for kind, ids in shown[pk].items()})
            for pk, (_version, moment) in rows.items()
        }


class FactBoxVersionQuerySet(models.QuerySet):
    def public(self) -> FactBoxVersionQuerySet:
        """Versions readers may see: the current version of a published box, and an earlier one
        (pinned by an embed) only while everything it shows is still public. Taking a claim out
        of a box and publishing again takes it off the earlier versions too, unless live content
        still shows it elsewhere."""
        from newsroom.models import FactBox, FactBoxReference
        from relations.models import Actor, Claim, Relationship

        boxes = FactBox.objects.public()
        # Each reference's row is looked up on its own (an index probe): "in the public rows" under
        # a NOT would make the database list every public claim of the archive first.
        withheld = FactBoxReference.objects.filter(version=models.OuterRef("pk")).exclude(
            (Q(kind="claim") & models.Exists(Claim.objects.public().filter(pk=models.OuterRef("claim"))))
            | (
                Q(kind="relationship")
                & models.Exists(Relationship.objects.public().filter(pk=models.OuterRef("relationship")))
            )
            | (Q(kind="actor") & models.Exists(Actor.objects.public().filter(pk=models.OuterRef("actor"))))
        )
        current = Q(pk__in=boxes.values("published_version"))
        return self.filter(factbox__in=boxes).filter(current | ~models.Exists(withheld))


# Verdicts that take back what a box states: once a claim it shows moves to one of these, readers are told.
VERDICTS_TAKEN_BACK = ("false", "disputed", "retracted")


class FactBoxReferenceQuerySet(models.QuerySet):
    def of_claims(self) -> FactBoxReferenceQuerySet:
        """References to claims, through the index that holds each version's claims and nothing else."""
        return self.filter(kind="claim", claim__isnull=False)

    def shown_with(self, article) -> FactBoxReferenceQuerySet:
        """References of the versions readers see of the boxes running with ``article`` (an id, or a
        reference to an outer query's)."""
        from newsroom.models import FactBoxPlacement

        placements = FactBoxPlacement.objects.public().filter(article=article)
        return self.filter(version__in=placements.order_by().values("factbox__published_version"))

    def verdicts_moved(self) -> FactBoxReferenceQuerySet:
        """References to a public claim whose verdict has moved, since their version was published, to
        false, disputed or retracted: what that version states as it stood, readers must be told has been
        taken back. Each comes with its claim's verdict and when it was given, and nothing else of the
        claim (``moved`` is the same filter alone, for counting)."""
        return (
            self.moved()
            .select_related("claim")
            .only("version_id", "kind", "claim_id", "claim__verification", "claim__verified_at")
        )

    def moved(self) -> FactBoxReferenceQuerySet:
        """``verdicts_moved`` without what it loads. The verdict the version froze is the reference's
        ``shown`` (one without it showed the claim unverified, as its payload reads). A claim a published
        version shows is public by construction (the version reaches it); the rule is stated all the
        same, as one probe of the claim's key."""
        from relations.models import Claim

        frozen = Coalesce(KeyTextTransform("verification", "shown"), Value("unverified"), output_field=TextField())
        return (
            self.of_claims()
            .filter(claim__verification__in=VERDICTS_TAKEN_BACK)
            .filter(~Q(Exact(frozen, F("claim__verification"))))
            .filter(models.Exists(Claim.objects.public().filter(pk=models.OuterRef("claim"))))
        )


class FactBoxPlacementQuerySet(models.QuerySet):
    def public(self) -> FactBoxPlacementQuerySet:
        """Placements of published boxes, each with the version readers see, in running order."""
        from newsroom.models import FactBox

        return (
            self.filter(factbox__in=FactBox.objects.public())
            .select_related("factbox__published_version")
            .order_by("position", "pk")
        )


# The roots of the published closure (``relations.visibility``): what live or scheduled
# content reaches directly, as (row, since) pairs, since being when that content goes live.


def live_article_claims() -> QuerySet:
    from newsroom.models import ArticleClaim

    return ArticleClaim.objects.filter(article__status="published").values(
        row=F("claim"), since=F("article__publish_at")
    )


def live_article_actors() -> QuerySet:
    from newsroom.models import Article

    return Article.actors.through.objects.filter(article__status="published").values(
        row=F("actor"), since=F("article__publish_at")
    )


def _published_references(kind: str) -> QuerySet:
    """Rows the published version of a published box shows: its items and what they name,
    from the moment that version was published."""
    from newsroom.models import FactBoxReference

    return FactBoxReference.objects.filter(
        version__factbox__status="published",
        version__factbox__published_version=F("version"),
        **{f"{kind}__isnull": False},
    ).values(row=F(kind), since=F("version__published_at"))


def published_factbox_claims() -> QuerySet:
    return _published_references("claim")


def published_factbox_relationships() -> QuerySet:
    return _published_references("relationship")


def published_factbox_actors() -> QuerySet:
    return _published_references("actor")


def next_scheduled_moment(now: datetime.datetime) -> datetime.datetime | None:
    """When the first scheduled story goes live: everything else scheduled (its claims and actors in
    the closure, its entry in the feed of changes) takes its moment from a story's."""
    from newsroom.models import Article

    return Article.objects.scheduled(at=now).order_by("publish_at").values_list("publish_at", flat=True).first()
