"""Reads that join the knowledge graph to stories: for the public pages, the editorial queue on the
admin's start page, and what publishing asks about."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from newsroom import roles
from newsroom.embeds import thumbnails
from newsroom.factboxes import payload, relationship_map
from newsroom.factboxes.snapshots import EVIDENCE_STANCES, Snapshot, live_review_notes
from newsroom.models import Article, ArticleClaim, ArticleEvent, FactBox, FactBoxReference, FactBoxVersion
from relations.models import Actor, Claim, ClaimRelationship, Relationship, Source
from relations.querysets import count_of
from relations.visibility import Showing

# An actor page is not an archive: the newest stories say what it is in the news for,
# and the lists of ties and claims are bounded like any public list.
ACTOR_PAGE_STORIES = 10
ACTOR_PAGE_LIST = 100
# The actor's map draws its best-evidenced ties: past a dozen a map of one actor's ties reads as a hairball.
ACTOR_MAP_TIES = 12
# Each list of the editorial queue shows this many, with a count of the rest.
QUEUE_LENGTH = 10


def actors_for_page() -> QuerySet[Actor]:
    """Public actors, with what an actor page shows of each besides its lists."""
    return Actor.objects.public().prefetch_related("aliases")


def actor_public_relationships(actor: Actor, *, limit: int = ACTOR_PAGE_LIST) -> list[Relationship]:
    """The actor's public ties, best evidenced first (the ones its map draws): at most ``limit``,
    and one more to tell the page that the list goes on."""
    # Counted per tie of the page (an index probe per link), never by grouping every link of the archive.
    evidence = ClaimRelationship.objects.filter(relationship=OuterRef("pk"), stance__in=EVIDENCE_STANCES).filter(
        Exists(Claim.objects.public().filter(pk=OuterRef("claim")))
    )
    ties = (
        Relationship.objects.public()
        .involving(actor)
        .with_parties()
        .annotate(evidenced=count_of(evidence))
        .order_by("-evidenced", "type__name", "pk")
    )
    return list(ties[: limit + 1])


def _public_evidence() -> QuerySet[ClaimRelationship]:
    """A tie's links to the public claims that bear on it, with what a payload copies of each claim."""
    return (
        ClaimRelationship.objects.filter(stance__in=EVIDENCE_STANCES)
        .filter(Exists(Claim.objects.public().filter(pk=OuterRef("claim"))))
        .select_related("claim__attributed_to")
        .prefetch_related(Prefetch("claim__sources", queryset=Source.objects.public(), to_attr="snapshot_sources"))
        .order_by("stance", "pk")
    )


def actor_map(actor: Actor, ties: list[Relationship]) -> payload.Payload | None:
    """A relationship map's payload of ``actor`` and the first ``ACTOR_MAP_TIES`` of ``ties`` (public,
    best evidenced first), each with its public evidence: drawn and rendered as any published box is,
    so the actor page's map reads like the boxes of the stories. ``None`` when the actor has no tie."""
    drawn = ties[:ACTOR_MAP_TIES]
    if not drawn:
        return None
    prefetch_related_objects(drawn, Prefetch("claim_links", queryset=_public_evidence(), to_attr="snapshot_evidence"))
    more = len(ties) > len(drawn)
    intro = (
        f"The {len(drawn)} best-documented of the public ties of {actor.name}, numbered as in the table."
        if more
        else f"Every public tie of {actor.name}, numbered as in the table."
    )
    return {
        "schema": payload.SCHEMA,
        "title": f"Who {actor.name} is tied to",
        "slug": f"{actor.slug}-ties",
        # Plain strings: a payload is JSON, and reading one takes nothing else for text.
        "kind": "relationship_map",
        "kind_label": str(FactBox.Kind.RELATIONSHIP_MAP.label),
        "intro": intro,
        "items": [
            {"type": "actor", "actor": payload.write_actor(actor)},
            *({"type": "relationship", "relationship": payload.write_relationship(tie)} for tie in drawn),
        ],
    }


def actor_public_claims(actor: Actor, *, limit: int = ACTOR_PAGE_LIST) -> list[Claim]:
    """The newest public claims about the actor or attributed to it, each with what
    ``ClaimQuerySet.for_display()`` reads and the ``live_stories`` citing it: at most
    ``limit``, and one more to tell the page that the list goes on."""
    live_stories = Prefetch("articles", queryset=Article.objects.public().for_listing(), to_attr="live_stories")
    return list(
        Claim.objects.public()
        .concerning(actor)
        .for_display()
        .prefetch_related(live_stories)
        .order_by("-updated_at", "-pk")[: limit + 1]
    )


def actor_live_stories(actor: Actor, *, limit: int = ACTOR_PAGE_STORIES) -> list[Article]:
    """The newest live stories about the actor: at most ``limit``, and one more to tell the page that
    the list goes on."""
    return list(Article.objects.public().about(actor).for_listing().with_box_links()[: limit + 1])


# --- Sections and the front page --------------------------------------------------------------

# The front page leads with the newest story and groups the rest of its page by section.
FRONT_PAGE_TEASER_ITEMS = 3


def section_slug(name: str) -> str:
    """A section's address: its name as a slug ("Middle East" → ``middle-east``); empty when the name
    has nothing a slug keeps, and the section then has no page."""
    return slugify(name)


def live_section_names(slug: str) -> list[str]:
    """The sections of live stories whose name reads as ``slug``, several when editors spelt one
    section two ways ("Middle East", "Middle-East"): one page shows them all.

    Sections are a short vocabulary typed into a free field: the distinct names of the live stories
    are few and read through the section's index, and the answer is kept by the public cache. A
    stored slug column would have to be kept in step by every path that writes a section."""
    if not slug:
        return []
    names = Article.objects.public().exclude(section="").order_by("section").values_list("section", flat=True)
    return [name for name in names.distinct() if section_slug(name) == slug]


def section_stories(names: list[str]):
    """The live stories of the sections ``names``, newest first, each with the boxes it runs."""
    return Article.objects.public().filter(section__in=names).for_listing().with_box_links()


@dataclass(frozen=True)
class SectionGroup:
    name: str  # "" for the stories that have no section
    slug: str
    stories: list[Article]


def by_section(stories: Iterable[Article]) -> list[SectionGroup]:
    """``stories`` (newest first) grouped by section: the section with the newest story first, and the
    stories without a section last."""
    # Keyed by address, so that two spellings of one section ("Middle East", "Middle-East") make one
    # group, named as its newest story spells it, as their one page gathers them.
    groups: dict[str, SectionGroup] = {}
    for story in stories:
        slug = section_slug(story.section)
        key = slug or story.section
        if key not in groups:
            groups[key] = SectionGroup(story.section, slug, [])
        groups[key].stories.append(story)
    named = [group for key, group in groups.items() if key]
    rest = [groups[""]] if "" in groups else []
    return named + rest


@dataclass(frozen=True)
class BoxTeaser:
    """The first box a story runs, as the front page shows it beside the story."""

    title: str
    kind: str
    kind_label: str
    intro: str
    anchor: str  # the box's id on the story page
    items: list[str]  # the first few items, by name
    more: int  # how many items the box holds besides
    picture: tuple[str, int, int] | None = None  # a map's PNG (address, width, height), drawn for oEmbed


def box_teaser(story: Article) -> BoxTeaser | None:
    """The first box ``story`` runs (``with_box_links``), read from the version readers see: one query."""
    from newsroom.factboxes.rendering import dom_id

    placements = getattr(story, "box_links", [])
    if not placements:
        return None
    version = placements[0].factbox.published_version
    stored = FactBoxVersion.objects.filter(pk=version.pk).values_list("payload", flat=True).first()
    if stored is None:
        return None
    box = payload.read_payload(stored)
    names = [payload.item_name(item) for item in box["items"] if item["type"] != "actor"]
    picture = None
    if box["kind"] == FactBox.Kind.RELATIONSHIP_MAP and relationship_map.relationships(box):
        # The version's own layout, frozen at publication: no drawing here, only its size.
        width, height = thumbnails.size(relationship_map.layout(stored))
        address = reverse("embed_factbox_map", args=[placements[0].factbox.slug, version.number])
        picture = (address, width, height)
    return BoxTeaser(
        title=box["title"],
        kind=box["kind"],
        kind_label=box["kind_label"],
        intro=box["intro"],
        anchor=dom_id(box),
        items=names[:FRONT_PAGE_TEASER_ITEMS],
        more=max(0, len(names) - FRONT_PAGE_TEASER_ITEMS),
        picture=picture,
    )


# --- The start page: each role's desk ----------------------------------------------------------


def start_page(user) -> dict:
    """What awaits ``user``, by the roles they hold (``newsroom.roles``), each role's sections once:

    - a reporter: their drafts, the ones returned to them (with the note and who returned them),
      theirs in review;
    - an editor: stories awaiting review (with the submitter's note), scheduled, recently published,
      live content showing claims found false, disputed or retracted, and fact boxes needing review;
    - a fact-checker: unverified claims readers see or are about to, and the same flagged content.

    Each list is bounded (``QUEUE_LENGTH``) and read in a fixed number of queries."""
    held = roles.roles_of(user)
    now = timezone.now()
    editor, checker = roles.EDITOR in held, roles.FACT_CHECKER in held
    return {
        "roles": held,
        "reporter": reporter_desk(user) if roles.REPORTER in held else None,
        "editor": editor_desk(now) if editor else None,
        "factchecker": factchecker_desk(now) if checker else None,
        "factboxes_to_review": factboxes_needing_review() if editor else None,
        "flagged": live_content_citing_flagged_claims() if (editor or checker) and sees_flagged_claims(user) else None,
        "username": user.get_username(),
    }


def _latest_event(**filters) -> Subquery:
    return Subquery(
        ArticleEvent.objects.filter(article=OuterRef("pk"), **filters).order_by("-at", "-pk").values("pk")[:1]
    )


def _with_events(articles: QuerySet[Article], name: str) -> list[Article]:
    """``articles`` (annotated with an event's id under ``name``), each given that event as ``name``
    (with who made it): one query for the articles, one for their events."""
    found = list(articles)
    events = ArticleEvent.objects.select_related("by").in_bulk(
        [getattr(a, f"{name}_id") for a in found if getattr(a, f"{name}_id")]
    )
    for article in found:
        setattr(article, name, events.get(getattr(article, f"{name}_id")))
    return found


def _counted(queryset: QuerySet) -> int:
    return queryset.order_by().count()


def reporter_desk(user) -> dict:
    """A reporter's stories: those they started or submitted. Returned ones are those whose last
    move sent them back to draft, with that move (its note, who, when)."""
    submitted = ArticleEvent.objects.filter(article=OuterRef("pk"), kind=ArticleEvent.Kind.SUBMITTED, by=user)
    mine = (
        Article.objects.filter(Q(created_by=user) | Q(Exists(submitted)))
        .defer("body")
        .annotate(last_event_id=_latest_event())
    )
    returned = ArticleEvent.objects.filter(pk=OuterRef("last_event_id"), kind=ArticleEvent.Kind.RETURNED)
    drafts = mine.filter(status=Article.Status.DRAFT).annotate(was_returned=Exists(returned))
    in_review = mine.in_review().annotate(submitted_event_id=_latest_event(kind=ArticleEvent.Kind.SUBMITTED))
    return {
        "returned": _with_events(
            drafts.filter(was_returned=True).order_by("-updated_at", "-pk")[:QUEUE_LENGTH], "last_event"
        ),
        "returned_count": _counted(drafts.filter(was_returned=True)),
        "drafts": list(drafts.filter(was_returned=False).order_by("-updated_at", "-pk")[:QUEUE_LENGTH]),
        "drafts_count": _counted(drafts.filter(was_returned=False)),
        "in_review": _with_events(in_review.order_by("-updated_at", "-pk")[:QUEUE_LENGTH], "submitted_event"),
        "in_review_count": _counted(in_review),
    }


def editor_desk(now: datetime.datetime) -> dict:
    """What an editor acts on: stories awaiting review, longest waiting first, each with its
    submission (who, when, the note); stories scheduled; stories just published."""
    in_review = (
        Article.objects.in_review()
        .defer("body")
        .annotate(
            submitted_event_id=_latest_event(kind=ArticleEvent.Kind.SUBMITTED),
            submitted_at=Subquery(
                ArticleEvent.objects.filter(article=OuterRef("pk"), kind=ArticleEvent.Kind.SUBMITTED)
                .order_by("-at", "-pk")
                .values("at")[:1]
            ),
        )
        .order_by("submitted_at", "pk")
    )
    return {
        "in_review": _with_events(in_review[:QUEUE_LENGTH], "submitted_event"),
        "in_review_count": _counted(in_review),
        "scheduled": list(Article.objects.scheduled(at=now).defer("body").order_by("publish_at")[:QUEUE_LENGTH]),
        "recently_published": list(Article.objects.public(at=now).defer("body").order_by("-publish_at")[:QUEUE_LENGTH]),
    }


# Claims to check at once (the bulk verdict's list): more than the other lists, a page's worth.
CLAIMS_TO_CHECK = 25
# An archive may hold tens of thousands of unverified public claims: counted no further than the
# heading needs to say "more than".
CLAIMS_COUNT_LIMIT = 1000


def factchecker_desk(now: datetime.datetime) -> dict:
    """Claims nobody has verified that readers see (cited by live stories or shown by published
    boxes) or are about to see (cited by stories in review or scheduled): those live longest
    first, then the scheduled, then those in review; each with the stories and boxes showing it."""
    # The closure already says which claims readers see, or will at a set time: ``public_from``.
    in_review = ArticleClaim.objects.filter(article__status=Article.Status.IN_REVIEW).values("claim")
    unchecked = Claim.objects.filter(verification=Claim.Verification.UNVERIFIED).filter(
        Q(public_from__isnull=False) | Q(pk__in=in_review)
    )
    claims = list(
        unchecked.select_related("attributed_to").order_by(F("public_from").asc(nulls_last=True), "pk")[
            :CLAIMS_TO_CHECK
        ]
    )
    shown_in: dict[int, list] = {claim.pk: [] for claim in claims}
    citations = (
        ArticleClaim.objects.filter(claim__in=claims)
        .exclude(article__status__in=[Article.Status.DRAFT, Article.Status.WITHDRAWN])
        .select_related("article")
        .only("claim_id", "article__id", "article__title", "article__status", "article__publish_at")
        .order_by("article__title", "pk")
    )
    for citation in citations:
        article = citation.article
        state = _("live") if article.is_live else _("scheduled") if article.is_scheduled else _("in review")
        shown_in[citation.claim_id].append(("story", article, state))
    references = (
        FactBoxReference.objects.filter(
            kind=FactBoxReference.Kind.CLAIM,
            claim__in=claims,
            version__factbox__status=FactBox.Status.PUBLISHED,
            version__factbox__published_version=F("version"),
        )
        .select_related("version__factbox")
        .only("claim_id", "version__factbox__id", "version__factbox__title")
        .order_by("version__factbox__title", "pk")
    )
    for reference in references:
        shown_in[reference.claim_id].append(("box", reference.version.factbox, _("live")))
    for claim in claims:
        claim.live = claim.public_from is not None and claim.public_from <= now
        # A box may show a claim twice (an item and a tie's evidence): named once.
        seen: set[tuple[str, int]] = set()
        claim.shown_in = [
            entry
            for entry in shown_in[claim.pk]
            if not ((entry[0], entry[1].pk) in seen or seen.add((entry[0], entry[1].pk)))
        ]
    verdicts = [choice for choice in Claim.Verification.choices if choice[0] != Claim.Verification.UNVERIFIED]
    count = unchecked.order_by()[: CLAIMS_COUNT_LIMIT + 1].count()
    return {
        "claims": claims,
        "count": min(count, CLAIMS_COUNT_LIMIT),
        "more": count > CLAIMS_COUNT_LIMIT,
        "verdicts": verdicts,
    }


def factboxes_needing_review() -> dict:
    """Published fact boxes showing readers something that has changed since, longest waiting
    first, each with what changed: three queries however many there are."""
    notes = live_review_notes()
    flagged = (
        FactBox.objects.filter(pk__in=list(notes))
        .only("pk", "title", "status", "published_version", "last_published_at")
        .order_by("last_published_at", "pk")[:QUEUE_LENGTH]
    )
    return {"boxes": [(box, notes[box.pk]) for box in flagged], "count": len(notes)}


# --- Verdicts readers are not shown as fact ---------------------------------------------------

# A claim with one of these verdicts is not to be taken as fact: live content showing it needs an
# editor's look (a correction, a new version of the box, or taking it down).
FLAGGED_VERDICTS = (Claim.Verification.FALSE, Claim.Verification.DISPUTED, Claim.Verification.RETRACTED)
FLAGGED_COUNT_LIMIT = 1000


def sees_flagged_claims(user) -> bool:
    """Editors, who act on live content, and fact-checkers, who give the verdicts."""
    return any(
        user.has_perm(permission)
        for permission in ("newsroom.publish_article", "newsroom.publish_factbox", "relations.verify_claim")
    )


@dataclass(frozen=True)
class FlaggedClaimShown:
    """Live content showing a claim whose verdict is false, disputed or retracted."""

    content: Article | FactBox
    claim: Claim  # with ``verified_by``
    # A box shows the verdict its version was published with: when that is not the current one, which.
    shown_verdict: str = ""

    @property
    def is_story(self) -> bool:
        return isinstance(self.content, Article)


def _flagged_citations(now: datetime.datetime) -> QuerySet[ArticleClaim]:
    return ArticleClaim.objects.filter(
        article__status=Article.Status.PUBLISHED,
        article__publish_at__lte=now,
        claim__verification__in=FLAGGED_VERDICTS,
    )


def _flagged_references() -> QuerySet[FactBoxReference]:
    # The current version of a published box: the one readers see.
    return FactBoxReference.objects.filter(
        kind=FactBoxReference.Kind.CLAIM,
        version__factbox__status=FactBox.Status.PUBLISHED,
        version__factbox__published_version=F("version"),
        claim__verification__in=FLAGGED_VERDICTS,
    )


def live_content_citing_flagged_claims(*, limit: int = QUEUE_LENGTH) -> dict:
    """Live stories citing, and published boxes whose current version shows, a claim now marked
    false, disputed or retracted: the ``limit`` newest verdicts, and how many there are in all
    (up to ``FLAGGED_COUNT_LIMIT``, and whether there are ``more``).
    Three queries however many there are (each list's newest, and the count of both)."""
    now = timezone.now()
    newest_verdict_first = ("-claim__verified_at", "-pk")
    citations = (
        _flagged_citations(now)
        .select_related("article", "claim__verified_by")
        .defer("article__body")
        .order_by(*newest_verdict_first)[:limit]
    )
    references = (
        _flagged_references()
        .select_related("version__factbox", "claim__verified_by")
        .defer("version__payload")
        .order_by(*newest_verdict_first)[:limit]
    )
    rows = [FlaggedClaimShown(citation.article, citation.claim) for citation in citations]
    for reference in references:
        shown = reference.shown.get("verification", "")
        label = Claim.Verification(shown).label if shown in Claim.Verification.values else shown
        rows.append(
            FlaggedClaimShown(
                reference.version.factbox,
                reference.claim,
                shown_verdict="" if shown == reference.claim.verification else label,
            )
        )
    rows.sort(key=lambda row: row.claim.verified_at, reverse=True)
    every = (
        _flagged_citations(now).values("pk").order_by().union(_flagged_references().values("pk").order_by(), all=True)
    )
    # Counted no further than the page needs to say "more than": an archive's worth would be read otherwise.
    count = every[: FLAGGED_COUNT_LIMIT + 1].count()
    return {"rows": rows[:limit], "count": min(count, FLAGGED_COUNT_LIMIT), "more": count > FLAGGED_COUNT_LIMIT}


def shows_claim(claim: Claim, *, limit: int) -> list[Showing]:
    """The live and scheduled stories citing ``claim`` and the published boxes showing it, for the
    claim's admin page (``relations.visibility``): at most ``limit`` + 1 of each kind."""
    now = timezone.now()
    stories = (
        Article.objects.public(or_scheduled=True)
        .filter(claim_citations__claim=claim)
        .only("pk", "title", "slug", "publish_at")
        .order_by("-publish_at", "-pk")[: limit + 1]
    )
    boxes = (
        FactBox.objects.public()
        .filter(published_version__references__claim=claim)
        .select_related("published_version")
        .only("pk", "title", "slug", "published_version__published_at")
        .order_by("-published_version__published_at", "-pk")[: limit + 1]
    )
    found = [
        Showing(
            kind=_("story"),
            title=story.title,
            admin_url=reverse("admin:newsroom_article_change", args=[story.pk]),
            public_url="" if story.publish_at > now else reverse("story", args=[story.slug]),
            since=story.publish_at,
            scheduled=story.publish_at > now,
        )
        for story in stories
    ]
    return found + [
        Showing(
            kind=_("fact box"),
            title=box.title,
            admin_url=reverse("admin:newsroom_factbox_change", args=[box.pk]),
            public_url=reverse("embed_factbox", args=[box.slug]),
            since=box.published_version.published_at,
            scheduled=False,
        )
        for box in boxes
    ]


# --- Unverified claims, which publishing asks about -------------------------------------------


def unverified_claims_cited(articles: Iterable[Article]) -> dict[int, list[Claim]]:
    """For each of ``articles`` citing claims nobody has checked yet, those claims in the order it
    cites them: one query for any number of articles."""
    cited: dict[int, list[Claim]] = {}
    citations = (
        ArticleClaim.objects.filter(
            article__in=[article.pk for article in articles], claim__verification=Claim.Verification.UNVERIFIED
        )
        .select_related("claim")
        .order_by("article", "position", "pk")
    )
    for citation in citations:
        cited.setdefault(citation.article_id, []).append(citation.claim)
    return cited


def unverified_claims_shown(snapshot: Snapshot) -> list[tuple[int, str]]:
    """The claims a box's snapshot would show that nobody has checked yet, as ``(id, name)`` in the
    order the box shows them: its own claim items and the evidence of its relationships alike."""
    return [
        (reference.claim_id, reference.label)
        for reference in snapshot.references
        if reference.kind == FactBoxReference.Kind.CLAIM
        and reference.shown.get("verification") == Claim.Verification.UNVERIFIED
    ]
