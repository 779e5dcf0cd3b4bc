"""The readers' pages: the front page, a section, a story, an actor."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from core.addresses import absolute_url, moved
from core.public_cache import keep_public
from newsroom import previews, selectors
from newsroom.cited_passages import story_page_body
from newsroom.factboxes import notices, rendering
from newsroom.models import Article, FactBoxReference

STORIES_PER_PAGE = 20
# Past this, a page number is no page: the database's offsets stay within their range.
LAST_PAGE = 10**6


class UncountedPaginator(Paginator):
    """Pages that know whether another follows (each reads one row more) but not how many there
    are: counting an archive of 100,000 live stories cost more than showing twenty of them."""

    def page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if not 1 <= number <= LAST_PAGE:
            raise EmptyPage("That page contains no results.")
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results.")
        return UncountedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class PublicPage:
    """A page that reads only public rows and the address, never the reader: the public cache
    keeps it for the public state it was made in (``core.public_cache``)."""

    def render_to_response(self, context, **response_kwargs) -> HttpResponse:
        return keep_public(super().render_to_response(context, **response_kwargs))


class AddressedBySlug:
    """A page of one object addressed by its slug: given a slug the object had before, it answers
    301 to its current address, when readers may see it (``core.addresses.moved``)."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            answer = moved(request, self.get_queryset(), kwargs["slug"], max_age=settings.EMBED_MAX_AGE)
            if answer is None:
                raise
            return answer


class StoryListPage(PublicPage, ListView):
    """A list of live stories, newest first, twenty a page: a page number that is not a number or out
    of range answers 404 (ListView)."""

    context_object_name = "stories"
    paginate_by = STORIES_PER_PAGE
    paginator_class = UncountedPaginator

    def canonical(self, page: int) -> str:
        # Each page is its own canonical address; other query parameters are not.
        address = self.request.build_absolute_uri(self.request.path)
        return f"{address}?page={page}" if page > 1 else address

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "canonical": self.canonical(context["page_obj"].number)}


@method_decorator(require_safe, name="dispatch")
class HomeView(StoryListPage):
    """The front page: the newest story leads, with its first box; the rest of the first page's
    stories follow by section. Further pages list older stories by date."""

    template_name = "newsroom/home.html"

    def get_queryset(self):
        # Built per request: "live" depends on the clock.
        return Article.objects.public().for_listing().with_box_links()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stories = list(context["stories"])
        if context["page_obj"].number > 1 or not stories:
            return context
        lead, rest = stories[0], stories[1:]
        return {**context, "lead": lead, "lead_box": selectors.box_teaser(lead), "sections": selectors.by_section(rest)}


@method_decorator(require_safe, name="dispatch")
class SectionView(StoryListPage):
    """A section's live stories; 404 for a section no live story is in."""

    template_name = "newsroom/section.html"

    def get_queryset(self):
        self.names = selectors.live_section_names(self.kwargs["slug"])
        if not self.names:
            raise Http404("No live story is in that section.")
        return selectors.section_stories(self.names)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.names[0], section_slug=self.kwargs["slug"], **kwargs)


@method_decorator(require_safe, name="dispatch")
class StoryView(AddressedBySlug, PublicPage, DetailView):
    template_name = "newsroom/story.html"
    context_object_name = "article"

    def get_queryset(self):
        # What the verdicts given since its boxes' versions bring to the page, in the article's own query.
        moved = notices.validators(FactBoxReference.objects.shown_with(OuterRef(OuterRef("pk"))))
        return Article.objects.public().for_story_page().annotate(**moved)

    def get_context_data(self, **kwargs):
        # The body is cut where the story's fact boxes go: the boxes come with the article, and the
        # verdicts moved since their versions in one more query, only when there is one.
        article = self.object
        correction = None
        if article.public_corrections:
            correction = (
                absolute_url(self.request, "story", article.slug) + "#corrections-title",
                article.public_corrections[-1].published_at,
            )
        body, cited = story_page_body(article)
        return super().get_context_data(body=body, cited=cited, correction=correction, **kwargs)

    def render_to_response(self, context, **response_kwargs) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        # A box republished beside the story changes the page as much as a correction does, and so does
        # a verdict on a claim the page shows, in its list or in a box (``notices.last_modified``).
        stamps = [self.object.last_modified_at or self.object.published_at]
        stamps += [placement.factbox.last_published_at for placement in self.object.public_factboxes]
        stamps += [citation.claim.updated_at for citation in self.object.public_citations]
        modified = notices.last_modified({"claims_saved": self.object.claims_saved}, *stamps)
        response["Last-Modified"] = http_date(modified.timestamp())
        return response


@method_decorator(require_safe, name="dispatch")
class ActorView(AddressedBySlug, PublicPage, DetailView):
    template_name = "newsroom/actor.html"
    context_object_name = "actor"

    def get_queryset(self):
        return selectors.actors_for_page()

    def get_context_data(self, **kwargs):
        actor = self.object
        limit = selectors.ACTOR_PAGE_LIST
        relationships = selectors.actor_public_relationships(actor, limit=limit)
        claims = selectors.actor_public_claims(actor, limit=limit)
        stories = selectors.actor_live_stories(actor)
        shown = relationships[:limit]
        drawn = selectors.actor_map(actor, shown)
        # The map is a box like those stories run, rendered from a payload of the actor's public ties.
        note = "Drawn from our published record of ties and the claims that bear on them"
        tie_map = rendering.render_factbox(drawn, self.request, draft_note=note) if drawn else ""
        return super().get_context_data(
            relationships=shown,
            tie_map=tie_map,
            # What the map leaves out is listed under it.
            unmapped=shown[selectors.ACTOR_MAP_TIES :],
            more_relationships=len(relationships) > limit,
            claims=claims[:limit],
            more_claims=len(claims) > limit,
            list_limit=limit,
            stories=stories[: selectors.ACTOR_PAGE_STORIES],
            more_stories=len(stories) > selectors.ACTOR_PAGE_STORIES,
            stories_limit=selectors.ACTOR_PAGE_STORIES,
            **kwargs,
        )


home = HomeView.as_view()
section = SectionView.as_view()
story = StoryView.as_view()
actor = ActorView.as_view()


@require_safe
def story_preview(request, token: str) -> HttpResponse:
    """A story shared before publication (or a live one's draft) through a signed preview link:
    404, telling nothing, when the link is forged, expired or revoked."""
    link = previews.active_link(token)
    article = previews.preview_article(link.article_id) if link is not None else None
    if article is None:
        raise Http404("No such preview.")
    return previews.private(previews.render_preview(request, article))
