"""A partner syncing from the feed of changes with ``after=`` misses nothing and is told nothing
readers did not see, whatever editors do and whenever it polls.

Hypothesis drives random sequences of what editors do — publish a story now or later,
reschedule, unschedule, withdraw, correct, publish again, delete (a scheduled story too), give
verdicts on public and private claims, publish and withdraw fact boxes — with the
clock moving across scheduled moments, and a partner polling ``/api/v1/changes/?after=`` (the
highest position it holds) at random moments. What readers could see is observed after every
step from the content itself, never from the feed: the live stories and boxes, and the claims
the rule derived from the roots makes public (``closure.derived_public``). Each poll must
return only entries visible then, in strictly increasing positions, none twice while it stays
visible, and afterwards every visible entry must have been returned since it last became
visible. The feed must also tell each story and box once per time it went live ("published")
and once per time it stopped being live ("withdrawn").
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, ArticleClaim, FactBox, FactBoxItem
from newsroom.services import (
    article_add_correction,
    article_return_to_draft,
    article_submit_for_review,
    article_withdraw,
)
from relations import closure
from relations.models import Actor, Claim, PublicChange
from relations.services import claim_set_verification
from tests.api_support import every_item
from tests.factories import EditorFactory
from tests.helpers import publish_article, publish_factbox
from tests.machines import RolledBackMachine

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

minutes = st.integers(min_value=1, max_value=4 * 60)
CLAIMS, STORIES, BOXES = 3, 3, 2
# The first is drawn most often.
MOVES = [
    "publish_now",
    "schedule",
    "time_passes",
    "give_verdict",
    "take_down",
    "delete_scheduled_story",
    "delete_story",
    "publish_box",
    "withdraw_box",
    "correct",
    "write_story",
]
Target = tuple[str, int]  # ("article" or "factbox", pk)


class FeedMachine(RolledBackMachine):
    editor = None

    def __init__(self) -> None:
        super().__init__()
        # Answers cached by an earlier run describe rows that were rolled back.
        cache.clear()
        self.client = Client()
        self.actor = Actor.objects.create(kind="country", name="Country", slug="country")
        self.claims: list[int] = []
        self.articles: list[int] = []
        self.boxes: list[int] = []
        # The partner: the highest position it holds, and the entries it has been told of since
        # each last became visible.
        self.highest = 0
        self.told: set[int] = set()
        # What readers saw, observed after every step.
        self.live: set[Target] = set()
        self.went_live: set[Target] = set()
        self.went_live_count: Counter[Target] = Counter()
        self.went_off_count: Counter[Target] = Counter()
        self.visible: set[int] = set()
        self.types = {
            ContentType.objects.get_for_model(model).pk: name
            for model, name in ((Article, "article"), (FactBox, "factbox"), (Claim, "claim"))
        }

    def _try(self, move, **kwargs):
        with contextlib.suppress(ValidationError, PermissionDenied):
            return move(by=self.editor, **kwargs)

    # --- The claims, a few stories and boxes to start with --------------------------------

    @initialize(data=st.data())
    def write_content(self, data) -> None:
        for _ in range(CLAIMS):
            claim = Claim.objects.create(text=f"Claim {self._next()}")
            claim.actors.add(self.actor)
            self.claims.append(claim.pk)
            # Checked before any story makes it public: the partner hears of it once one does.
            claim_set_verification(claim=claim, state=Claim.Verification.VERIFIED, by=self.editor)
        for _ in range(STORIES):
            self.write_story(data)
        for _ in range(BOXES):
            n = self._next()
            box = FactBox.objects.create(title=f"Box {n}", slug=f"box-{n}", kind=FactBox.Kind.KEY_FACTS)
            self.boxes.append(box.pk)
            shown = data.draw(st.lists(st.sampled_from(self.claims), min_size=1, max_size=2, unique=True))
            for position, claim in enumerate(shown):
                FactBoxItem.objects.create(factbox=box, claim_id=claim, position=position)

    # --- What editors do, and the partner ----------------------------------------------------
    # One rule drawing the move: every move stays in play in every run (Hypothesis would otherwise
    # switch some rules off for a whole run), and a run of thirty steps combines them. The partner
    # polls after about every other move.

    @rule(data=st.data())
    def step(self, data) -> None:
        move = data.draw(st.sampled_from(MOVES))
        getattr(self, move)(data)
        if data.draw(st.booleans()):
            self.observe()
            self.poll()

    def give_verdict(self, data) -> None:
        """On a public claim or a private one: the partner hears of it once the claim is public."""
        state = data.draw(st.sampled_from(Claim.Verification.values))
        claim_set_verification(claim=self._pick(data, self.claims, Claim), state=state, by=self.editor)

    def write_story(self, data) -> None:
        n = self._next()
        article = Article.objects.create(title=f"Story {n}", slug=f"story-{n}", body="<p>Text.</p>")
        self.articles.append(article.pk)
        cited = data.draw(st.lists(st.sampled_from(self.claims), max_size=2, unique=True))
        for position, claim in enumerate(cited):
            ArticleClaim.objects.create(article=article, claim_id=claim, position=position)

    def _story(self, data, **state) -> Article | None:
        stories = list(Article.objects.filter(pk__in=self.articles, **state).order_by("pk"))
        return data.draw(st.sampled_from(stories)) if stories else None

    def publish_now(self, data) -> None:
        self._publish(data, later=None)

    def schedule(self, data) -> None:
        """Schedule a story, or reschedule a scheduled one."""
        self._publish(data, later=data.draw(minutes))

    def _publish(self, data, *, later: int | None) -> None:
        article = self._story(data)
        if article is None:
            return
        if article.status == Article.Status.WITHDRAWN:
            # Published again: back to draft first, as the workflow asks.
            article = self._try(article_return_to_draft, article=article) or article
        if article.status == Article.Status.DRAFT:
            article = self._try(article_submit_for_review, article=article) or article
        publish_at = timezone.now() + datetime.timedelta(minutes=later or 0)
        self._try(publish_article, article=article, publish_at=publish_at)

    def take_down(self, data) -> None:
        """Withdraw a live story, or unschedule a scheduled one."""
        article = self._story(data, status=Article.Status.PUBLISHED)
        if article is None:
            return
        self._try(article_withdraw if article.is_live else article_return_to_draft, article=article)

    def correct(self, data) -> None:
        article = self._story(data, status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())
        if article is not None:
            self._try(article_add_correction, article=article, text="A correction.")

    def delete_story(self, data) -> None:
        """As the article admin deletes one: live, scheduled, withdrawn or a draft."""
        self._delete(self._story(data))

    def delete_scheduled_story(self, data) -> None:
        self._delete(self._story(data, status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()))

    def _delete(self, article: Article | None) -> None:
        if article is None:
            return
        self.articles.remove(article.pk)
        with closure.maintained(Article.objects.filter(pk=article.pk)):
            article.delete()

    def publish_box(self, data) -> None:
        """Publish a box, or publish it again: what it shows is public while it is published."""
        self._try(publish_factbox, factbox=self._pick(data, self.boxes, FactBox))

    def withdraw_box(self, data) -> None:
        self._try(factbox_withdraw, factbox=self._pick(data, self.boxes, FactBox))

    def time_passes(self, data) -> None:
        self.traveller.shift(datetime.timedelta(minutes=data.draw(minutes)))

    def poll(self) -> None:
        """The partner asks for everything after the highest position it holds, page by page."""
        entries = every_item(self.client, "/changes/", after=self.highest, page_size=7)
        positions = [entry["position"] for entry in entries]
        assert all(a < b for a, b in zip([self.highest, *positions], positions, strict=False)), positions
        rows = {row.position: row for row in PublicChange.objects.filter(position__in=positions)}
        for entry in entries:
            row = rows[entry["position"]]
            assert (entry["type"], entry["key"], entry["kind"]) == (self.types[row.content_type_id], row.key, row.kind)
            assert row.pk in self.visible, f"told of {entry} readers cannot see"
            assert row.pk not in self.told, f"told twice of {entry} while it stayed visible"
            self.told.add(row.pk)
        self.highest = max([self.highest, *positions])
        missed = self.visible - self.told
        assert not missed, f"never told of {list(PublicChange.objects.filter(pk__in=missed).values())}"
        # Each time a story or box went live the feed says so once, and each time it went off.
        placed = Counter(
            ((self.types[type_], pk), kind)
            for type_, pk, kind in PublicChange.objects.public()
            .exclude(kind=PublicChange.Kind.VERDICT)
            .values_list("content_type", "object_id", "kind")
        )
        for target in self.went_live:
            assert placed[target, "published"] == self.went_live_count[target], target
            assert placed[target, "withdrawn"] == self.went_off_count[target], target

    # --- What readers can see, observed after every step ------------------------------------

    @invariant()
    def observe(self) -> None:
        live = {("article", pk) for pk in Article.objects.public().values_list("pk", flat=True)}
        live |= {("factbox", pk) for pk in FactBox.objects.public().values_list("pk", flat=True)}
        self.went_live_count.update(live - self.live)
        self.went_off_count.update(self.live - live)
        self.went_live |= live
        self.live = live
        # An entry is visible once its time has come, about a story or box readers have seen, or
        # while its claim is public.
        now = timezone.now()
        public_claims = set(closure.derived_public("claim").values_list("pk", flat=True))
        visible = set()
        for pk, type_, object_id, at in PublicChange.objects.values_list("pk", "content_type", "object_id", "at"):
            name = self.types[type_]
            if (object_id in public_claims) if name == "claim" else (at <= now and (name, object_id) in self.went_live):
                visible.add(pk)
        self.visible = visible
        # An entry that stopped being visible may be told again once it is visible again.
        self.told &= visible


@pytest.mark.parametrize("half", [1, 2])
def test_a_partner_polling_after_misses_nothing_and_is_told_nothing_unseen(db, half):
    FeedMachine.editor = EditorFactory()
    run_state_machine_as_test(
        FeedMachine,
        settings=settings(
            max_examples=10,
            database=None,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
