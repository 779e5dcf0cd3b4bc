"""What is wrong in live content, for the people who act on it: the start page lists live stories and
fact boxes showing claims marked false, disputed or retracted, and a claim's page lists the live and
scheduled content showing it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.factboxes.services import factbox_withdraw
from newsroom.selectors import QUEUE_LENGTH
from relations.models import Claim
from relations.services import claim_set_verification
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxItemFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
)
from tests.helpers import change_url, publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db


def story_citing(*claims: Claim, title: str = "", publish_at=None, publish: bool = True):
    article = ArticleFactory(**({"title": title} if title else {}))
    for claim in claims:
        ArticleClaimFactory(article=article, claim=claim)
    if publish:
        article = publish_article(article=article, by=EditorFactory(), publish_at=publish_at)
    return article


def box_showing(*claims: Claim, title: str = "", publish: bool = True):
    box = FactBoxItemFactory(claim=claims[0], **({"factbox__title": title} if title else {})).factbox
    for claim in claims[1:]:
        FactBoxItemFactory(factbox=box, claim=claim)
    if publish:
        publish_factbox(factbox=box, by=EditorFactory())
    return box


def verdict(claim: Claim, state: str, by=None) -> Claim:
    return claim_set_verification(claim=claim, state=state, by=by or FactCheckerFactory())


def flagged_section(user) -> str:
    page = signed_in(user).get(reverse("admin:index")).content.decode()
    if 'id="queue-flagged"' not in page:
        return ""
    return page.split('id="queue-flagged"')[1].split("</section>")[0]


class TestStartPage:
    def test_editors_see_a_story_and_a_box_citing_a_claim_found_false(self):
        claim = ClaimFactory(text="The treaty was signed in March.")
        story = story_citing(claim, title="The pact, explained")
        box = box_showing(claim, title="Pact: key facts")
        checker = FactCheckerFactory(username="fiona")
        verdict(claim, "false", by=checker)

        section = flagged_section(RoleEditorFactory())
        assert "Live content citing false, disputed or retracted claims (2)" in section
        assert f'href="{change_url(story)}"' in section and "The pact, explained" in section
        assert f'href="{change_url(box)}"' in section and "Pact: key facts" in section
        assert section.count(f'href="{change_url(claim)}"') == 2
        assert section.count(">False</strong>") == 2
        assert "by fiona, " in section
        # The box was frozen while the claim was unverified: readers of the box still read that.
        assert "the box still shows it as unverified" in section

    def test_fact_checkers_see_it_and_reporters_do_not(self):
        claim = ClaimFactory(text="A claim later retracted.")
        story_citing(claim)
        verdict(claim, "retracted")
        assert "A claim later retracted." in flagged_section(FactCheckerFactory())
        assert "A claim later retracted." in flagged_section(RoleEditorFactory())
        assert flagged_section(ReporterFactory()) == ""

    @pytest.mark.parametrize("state", ["false", "disputed", "retracted"])
    def test_each_verdict_readers_should_not_take_as_fact_is_listed(self, state):
        claim = ClaimFactory(text=f"A claim now {state}.")
        story_citing(claim)
        verdict(claim, state)
        assert f"A claim now {state}." in flagged_section(RoleEditorFactory())

    def test_not_drafts_scheduled_withdrawn_or_content_the_public_no_longer_sees(self):
        editor = EditorFactory()
        claim = ClaimFactory(text="Shown only where readers cannot see it.")
        story_citing(claim, title="A draft", publish=False)
        story_citing(claim, title="Scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))
        withdrawn = story_citing(claim, title="Withdrawn story")
        services.article_withdraw(article=withdrawn, by=editor)
        box_showing(claim, title="Draft box", publish=False)
        gone = box_showing(claim, title="Withdrawn box")
        factbox_withdraw(factbox=gone, by=editor)
        # Published with the claim, then again without it: readers see the second version only.
        moved_on = box_showing(claim, ClaimFactory(), title="Republished box")
        moved_on.items.filter(claim=claim).delete()
        publish_factbox(factbox=moved_on, by=editor)
        verdict(claim, "false")

        section = flagged_section(RoleEditorFactory())
        assert "(0)" in section
        assert "No live story or fact box shows a claim marked false, disputed or retracted." in section

    def test_not_claims_verified_or_unchecked(self):
        checked = ClaimFactory(text="A claim found true.")
        unchecked = ClaimFactory(text="A claim nobody checked.")
        story_citing(checked, unchecked)
        box_showing(checked, unchecked)
        verdict(checked, "verified")
        section = flagged_section(RoleEditorFactory())
        assert "A claim found true." not in section and "A claim nobody checked." not in section

    def test_claims_shown_as_evidence_of_a_relationship_in_a_box_are_listed_too(self):
        claim = ClaimFactory(text="Evidence of the tie.")
        story_citing(claim)  # evidence a box shows is what readers could already check
        tie = RelationshipFactory()
        ClaimRelationshipFactory(claim=claim, relationship=tie)
        box = FactBoxItemFactory(claim=None, relationship=tie, factbox__title="The tie").factbox
        publish_factbox(factbox=box, by=EditorFactory())
        verdict(claim, "disputed")
        section = flagged_section(RoleEditorFactory())
        assert f'href="{change_url(box)}"' in section

    def test_newest_verdict_first_bounded_with_a_link_to_all_of_them(self):
        claims = [ClaimFactory(text=f"Claim {n:02d} found false.") for n in range(QUEUE_LENGTH + 2)]
        for claim in claims:
            story_citing(claim)
        start = timezone.now()
        for minutes, claim in enumerate(claims):
            verdict(claim, "false")
            Claim.objects.filter(pk=claim.pk).update(verified_at=start + datetime.timedelta(minutes=minutes))

        section = flagged_section(RoleEditorFactory())
        listed = re.findall(r"Claim (\d\d) found false\.", section)
        newest = [f"{n:02d}" for n in reversed(range(QUEUE_LENGTH + 2))]
        assert listed == newest[:QUEUE_LENGTH]
        assert f"({QUEUE_LENGTH + 2})" in section
        link = re.search(r'href="([^"]+)">All live claims marked false', section).group(1).replace("&amp;", "&")
        response = signed_in(RoleEditorFactory()).get(link)
        assert response.status_code == 200
        assert set(response.context["cl"].result_list) == set(claims)

    def test_counts_no_further_than_it_needs_to(self, monkeypatch):
        monkeypatch.setattr("newsroom.selectors.FLAGGED_COUNT_LIMIT", 2)
        claim = ClaimFactory()
        story_citing(claim)
        box_showing(claim)
        story_citing(claim)
        verdict(claim, "false")
        section = flagged_section(RoleEditorFactory())
        assert "Live content citing false, disputed or retracted claims (more than 2)" in section
        assert "All live claims marked false" in section

    def test_queries_do_not_grow_with_the_rows(self, django_assert_max_num_queries):
        client = signed_in(RoleEditorFactory())

        def flag(n: int) -> None:
            for _ in range(n):
                claim = ClaimFactory()
                story_citing(claim)
                box_showing(claim)
                verdict(claim, "false")

        flag(1)
        client.get(reverse("admin:index"))  # caches filled once per process (content types, review state)
        with django_assert_max_num_queries(100) as one:
            client.get(reverse("admin:index"))
        flag(QUEUE_LENGTH + 5)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(reverse("admin:index"))
        assert len(response.context["queue"]["flagged"]["rows"]) == QUEUE_LENGTH


class TestClaimsChangelist:
    def test_the_shown_to_readers_filter(self):
        live, scheduled, hidden = ClaimFactory(), ClaimFactory(), ClaimFactory()
        story_citing(live)
        story_citing(scheduled, publish_at=timezone.now() + datetime.timedelta(days=1))
        story_citing(hidden, publish=False)
        client = signed_in(RoleEditorFactory())
        url = reverse("admin:relations_claim_changelist")

        def listed(value):
            return set(client.get(url, {"on_site": value}).context["cl"].result_list)

        assert listed("live") == {live}
        assert listed("scheduled") == {scheduled}
        assert listed("no") == {hidden}


class TestClaimPage:
    def shown_in(self, user, claim) -> str:
        page = signed_in(user).get(change_url(claim)).content.decode()
        return page.split('field-shown_in"')[1].split("</fieldset>")[0]

    @pytest.mark.parametrize("role", [ReporterFactory, RoleEditorFactory, FactCheckerFactory])
    def test_lists_live_and_scheduled_stories_and_boxes_for_every_role(self, role):
        claim = ClaimFactory()
        live = story_citing(claim, title="Live story")
        soon = story_citing(claim, title="Story due tomorrow", publish_at=timezone.now() + datetime.timedelta(days=1))
        story_citing(claim, title="Draft story", publish=False)
        box = box_showing(claim, title="Live box")
        box_showing(claim, title="Draft box", publish=False)

        panel = self.shown_in(role(), claim)
        assert f'href="{change_url(live)}">Live story</a> — live since' in panel
        assert f'href="{reverse("story", args=[live.slug])}"' in panel
        assert f'href="{change_url(soon)}">Story due tomorrow</a> — <strong class="shown-scheduled">scheduled' in panel
        assert f'href="{reverse("story", args=[soon.slug])}"' not in panel
        assert f'href="{change_url(box)}">Live box</a>' in panel
        assert "Draft story" not in panel and "Draft box" not in panel
        # Scheduled content comes after what readers see now.
        assert panel.index("Live story") < panel.index("Story due tomorrow")

    def test_says_when_nothing_shows_it(self):
        claim = ClaimFactory()
        story_citing(claim, publish=False)
        assert "No live or scheduled story or fact box shows this claim." in self.shown_in(RoleEditorFactory(), claim)

    def test_not_on_the_add_form(self):
        page = signed_in(RoleEditorFactory()).get(reverse("admin:relations_claim_add")).content.decode()
        assert "field-shown_in" not in page

    def test_queries_do_not_grow_with_the_content_showing_it(self, django_assert_max_num_queries):
        claim = ClaimFactory()
        client = signed_in(RoleEditorFactory())
        story_citing(claim)
        box_showing(claim)
        client.get(change_url(claim))
        with django_assert_max_num_queries(100) as one:
            client.get(change_url(claim))
        for _ in range(8):
            story_citing(claim)
            box_showing(claim)
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get(change_url(claim))
