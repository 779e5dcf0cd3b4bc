"""The maintained closure equals the derived one after any sequence of editorial operations.

Hypothesis drives random sequences of what editors do — write claims, tie them to actors,
relationships and sources, cite them in stories, publish now or later, reschedule,
unschedule, withdraw, publish and withdraw fact boxes, relink and delete — with the clock
moving between steps across scheduled moments. After every step, on the database the
suite runs on, each kind's ``.public()`` (and ``or_scheduled``) lists exactly what the
rule derived from the roots lists, every stored moment is the derived one, and every
actor's counts are the derived counts.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, ArticleClaim, FactBox, FactBoxItem
from newsroom.services import article_return_to_draft, article_submit_for_review, article_withdraw
from relations import closure
from relations.models import Actor, Claim, ClaimRelationship, Relationship, RelationshipType, Source
from relations.services import claim_set_verification
from tests.factories import EditorFactory
from tests.helpers import publish_article, publish_factbox
from tests.machines import RolledBackMachine

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ACTORS = 5
minutes = st.integers(min_value=1, max_value=6 * 60)


class EditorialMachine(RolledBackMachine):
    editor = None
    arms = None

    def __init__(self) -> None:
        super().__init__()
        self.actors = [
            Actor.objects.create(kind="country", name=f"Country {n}", slug=f"country-{n}") for n in range(ACTORS)
        ]
        self.sources = [Source.objects.create(title=f"Report {n}", url=f"https://example.org/{n}") for n in range(3)]
        self.claims: list[int] = []
        self.relationships: list[int] = []
        self.articles: list[int] = []
        self.boxes: list[int] = []

    # --- Writing the knowledge graph ------------------------------------------------------

    @rule(data=st.data())
    def write_relationship(self, data) -> None:
        subject, object_ = data.draw(st.lists(st.sampled_from(self.actors), min_size=2, max_size=2, unique=True))
        tie, _created = Relationship.objects.get_or_create(subject=subject, object=object_, type=self.arms)
        if tie.pk not in self.relationships:
            self.relationships.append(tie.pk)

    @rule(data=st.data())
    def write_claim(self, data) -> None:
        claim = Claim.objects.create(
            text=f"Claim {self._next()}",
            attributed_to=data.draw(st.none() | st.sampled_from(self.actors)),
        )
        claim.actors.set(data.draw(st.lists(st.sampled_from(self.actors), max_size=3, unique=True)))
        claim.sources.set(data.draw(st.lists(st.sampled_from(self.sources), max_size=2, unique=True)))
        self.claims.append(claim.pk)

    @precondition(lambda self: self.claims)
    @rule(data=st.data())
    def relink_claim(self, data) -> None:
        """What the claim admin does: its actors, attribution, sources and stances, public or not."""
        claim = self._pick(data, self.claims, Claim)
        with closure.maintained(Claim.objects.filter(pk=claim.pk)):
            claim.attributed_to = data.draw(st.none() | st.sampled_from(self.actors))
            claim.save()
            claim.actors.set(data.draw(st.lists(st.sampled_from(self.actors), max_size=3, unique=True)))
            claim.sources.set(data.draw(st.lists(st.sampled_from(self.sources), max_size=2, unique=True)))
            if self.relationships:
                claim.relationship_links.all().delete()
                for tie in data.draw(st.lists(st.sampled_from(self.relationships), max_size=2, unique=True)):
                    stance = data.draw(st.sampled_from(ClaimRelationship.Stance.values))
                    ClaimRelationship.objects.create(claim=claim, relationship_id=tie, stance=stance)

    @precondition(lambda self: self.relationships)
    @rule(data=st.data())
    def move_relationship(self, data) -> None:
        tie = self._pick(data, self.relationships, Relationship)
        subject, object_ = data.draw(st.lists(st.sampled_from(self.actors), min_size=2, max_size=2, unique=True))
        if Relationship.objects.filter(subject=subject, object=object_, type=tie.type).exists():
            return
        with closure.maintained(Relationship.objects.filter(pk=tie.pk)):
            tie.subject, tie.object = subject, object_
            tie.save()

    @precondition(lambda self: self.claims)
    @rule(data=st.data(), state=st.sampled_from(Claim.Verification.values))
    def give_verdict(self, data, state: str) -> None:
        claim_set_verification(claim=self._pick(data, self.claims, Claim), state=state, by=self.editor)

    @precondition(lambda self: self.claims)
    @rule(data=st.data())
    def delete_claim(self, data) -> None:
        claim = self._pick(data, self.claims, Claim)
        if claim.citations.exists() or claim.factbox_items.exists():
            return
        self.claims.remove(claim.pk)
        with closure.maintained(Claim.objects.filter(pk=claim.pk)):
            claim.delete()

    @precondition(lambda self: self.relationships)
    @rule(data=st.data())
    def delete_relationship(self, data) -> None:
        tie = self._pick(data, self.relationships, Relationship)
        if tie.factbox_items.exists():
            return
        self.relationships.remove(tie.pk)
        with closure.maintained(Relationship.objects.filter(pk=tie.pk)):
            tie.delete()

    # --- Stories --------------------------------------------------------------------------

    @rule(data=st.data())
    def write_story(self, data) -> None:
        n = self._next()
        article = Article.objects.create(title=f"Story {n}", slug=f"story-{n}", body="<p>Text.</p>")
        self.articles.append(article.pk)
        self._cite(data, article)

    def _cite(self, data, article: Article) -> None:
        """What the article admin does: the citations and tags, on a story live or not."""
        with closure.maintained(Article.objects.filter(pk=article.pk)):
            article.claim_citations.all().delete()
            for position, claim in enumerate(data.draw(st.lists(st.sampled_from(self.claims or [None]), max_size=3))):
                if claim is not None:
                    ArticleClaim.objects.get_or_create(article=article, claim_id=claim, defaults={"position": position})
            article.actors.set(data.draw(st.lists(st.sampled_from(self.actors), max_size=2, unique=True)))

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def edit_citations(self, data) -> None:
        self._cite(data, self._pick(data, self.articles, Article))

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), later=st.none() | minutes)
    def publish(self, data, later: int | None) -> None:
        """Publish now, or schedule (or reschedule) for later."""
        article = self._pick(data, self.articles, Article)
        now = timezone.now()
        try:
            if article.status == Article.Status.DRAFT:
                article = article_submit_for_review(article=article, by=self.editor)
            publish_at = now if later is None else now + datetime.timedelta(minutes=later)
            publish_article(article=article, by=self.editor, publish_at=publish_at)
        except (ValidationError, PermissionDenied):
            pass

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def take_down(self, data) -> None:
        """Withdraw a live story, unschedule a scheduled one, or send one back to draft."""
        article = self._pick(data, self.articles, Article)
        try:
            if article.is_live:
                article_withdraw(article=article, by=self.editor)
            else:
                article_return_to_draft(article=article, by=self.editor)
        except (ValidationError, PermissionDenied):
            pass

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def delete_story(self, data) -> None:
        article = self._pick(data, self.articles, Article)
        self.articles.remove(article.pk)
        with closure.maintained(Article.objects.filter(pk=article.pk)):
            article.delete()

    # --- Fact boxes -----------------------------------------------------------------------

    @rule(data=st.data())
    def write_box(self, data) -> None:
        n = self._next()
        box = FactBox.objects.create(title=f"Box {n}", slug=f"box-{n}", kind=FactBox.Kind.KEY_FACTS)
        self.boxes.append(box.pk)
        self._fill(data, box)

    def _fill(self, data, box: FactBox) -> None:
        box.items.all().delete()
        choices = [("actor", actor.pk) for actor in self.actors]
        choices += [("claim", pk) for pk in self.claims] + [("relationship", pk) for pk in self.relationships]
        for position, (kind, pk) in enumerate(data.draw(st.lists(st.sampled_from(choices), max_size=4, unique=True))):
            FactBoxItem.objects.create(factbox=box, position=position, **{f"{kind}_id": pk})

    @precondition(lambda self: self.boxes)
    @rule(data=st.data())
    def edit_and_publish_box(self, data) -> None:
        box = self._pick(data, self.boxes, FactBox)
        if data.draw(st.booleans()):
            self._fill(data, box)
        with contextlib.suppress(ValidationError):
            publish_factbox(factbox=box, by=self.editor)

    @precondition(lambda self: self.boxes)
    @rule(data=st.data())
    def withdraw_box(self, data) -> None:
        with contextlib.suppress(ValidationError):
            factbox_withdraw(factbox=self._pick(data, self.boxes, FactBox), by=self.editor)

    # --- Time -----------------------------------------------------------------------------

    @rule(delay=minutes)
    def time_passes(self, delay: int) -> None:
        self.traveller.shift(datetime.timedelta(minutes=delay))

    # --- What must hold after every step --------------------------------------------------

    @invariant()
    def maintained_equals_derived(self) -> None:
        live: dict[str, set[int]] = {}
        for kind in closure.KINDS:
            model = closure.model_of(kind)
            for scheduled in (False, True):
                kept = set(model.objects.public(or_scheduled=scheduled).values_list("pk", flat=True))
                derived = set(closure.derived_public(kind, or_scheduled=scheduled).values_list("pk", flat=True))
                assert kept == derived, (kind, "or scheduled" if scheduled else "live")
                if not scheduled:
                    live[kind] = derived
        assert not closure.check(), closure.check().summary()
        # Each actor's counts, from the derived sets above (closure.derived_counts per actor, in two
        # queries for all of them): the public claims about it or attributed to it, and the public
        # relationships it is either side of.
        claims, ties = defaultdict(set), defaultdict(set)
        for claim, actor in Claim.actors.through.objects.filter(claim__in=live["claim"]).values_list("claim", "actor"):
            claims[actor].add(claim)
        for claim, actor in Claim.objects.filter(pk__in=live["claim"]).values_list("pk", "attributed_to"):
            claims[actor].add(claim)
        public_ties = Relationship.objects.filter(pk__in=live["relationship"])
        for tie, *ends in public_ties.values_list("pk", "subject", "object"):
            for actor in ends:
                ties[actor].add(tie)
        for actor in Actor.objects.with_public_counts():
            assert (actor.public_claim_count, actor.public_relationship_count) == (
                len(claims[actor.pk]),
                len(ties[actor.pk]),
            ), actor.slug


# Thirty sequences in all, run as three tests so that parallel workers share them.
@pytest.mark.parametrize("third", [1, 2, 3])
def test_maintained_closure_equals_derived_closure_after_any_sequence_of_operations(db, third):
    EditorialMachine.editor = EditorFactory()
    EditorialMachine.arms = RelationshipType.objects.get(slug="arms-supply")
    run_state_machine_as_test(
        EditorialMachine,
        settings=settings(
            max_examples=10,
            # Hypothesis would replay one third's examples in the others; each draws its own.
            database=None,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
