"""In a real browser: notes travel with a story between reporter and editor, and a fact-checker gives
a verdict to several claims at once from the start page."""

import pytest

from newsroom import services
from relations.models import Claim
from tests.factories import ArticleClaimFactory, ArticleFactory, FactCheckerFactory, ReporterFactory, RoleEditorFactory
from tests.helpers import signed_in_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]


def test_a_note_goes_with_the_story_there_and_back(new_page, live_server):
    rita = ReporterFactory(username="rita", first_name="Rita", last_name="Okafor")
    RoleEditorFactory(username="amina", first_name="Amina", last_name="Haddad")
    ArticleFactory(title="Moscow and Pyongyang sign a defence pact", created_by=rita)

    reporter = signed_in_page(new_page, live_server, "rita")
    # The admin's header is set in capitals: its text content is what a screen reader reads.
    assert "Signed in as Rita Okafor · Reporter" in " ".join(reporter.locator("#user-tools").text_content().split())
    reporter.locator("#desk-drafts").get_by_role("link", name="Moscow and Pyongyang sign a defence pact").click()
    reporter.get_by_label("Note for this move").fill("The treaty text is attached to the source.")
    reporter.click("input[name=_workflow_submit]")
    assert "is now in review" in reporter.locator(".messagelist").inner_text()

    editor = signed_in_page(new_page, live_server, "amina")
    queue = editor.locator("#queue-review")
    assert "The treaty text is attached to the source." in queue.inner_text()
    assert "Rita Okafor" in queue.inner_text()
    queue.get_by_role("link", name="Moscow and Pyongyang sign a defence pact").click()
    editor.get_by_label("Note for this move").fill("Add the Kremlin's reading of article 4.")
    editor.click("input[name=_workflow_return]")
    assert "is now draft" in editor.locator(".messagelist").inner_text()

    reporter.goto(f"{live_server.url}/admin/")
    returned = reporter.locator("#desk-returned")
    assert "Add the Kremlin's reading of article 4." in returned.inner_text()
    returned.get_by_role("link", name="Moscow and Pyongyang sign a defence pact").click()
    banner = reporter.locator("#article-returned")
    assert "Amina Haddad" in banner.inner_text() and "article 4" in banner.inner_text()


def test_a_fact_checker_gives_a_verdict_to_two_claims_from_the_start_page(new_page, live_server):
    FactCheckerFactory(username="mei")
    article = ArticleFactory()
    first = ArticleClaimFactory(article=article, claim__text="Troops crossed in March.").claim
    second = ArticleClaimFactory(article=article, claim__text="Shells were shipped by rail.").claim
    ArticleClaimFactory(article=article, claim__text="Left for later.")
    services.article_submit_for_review(article=article, by=ReporterFactory())

    page = signed_in_page(new_page, live_server, "mei")
    claims = page.locator("#queue-claims")
    claims.get_by_label("Troops crossed in March.").check()
    claims.get_by_label("Shells were shipped by rail.").check()
    claims.get_by_label("Verdict for the selected claims").select_option("disputed")
    claims.get_by_label("Note (optional)").fill("Only one source, the ministry.")
    claims.get_by_role("button", name="Give the verdict").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "2 claims are now marked “Disputed”." in page.locator(".messagelist").inner_text()
    verdicts = dict(Claim.objects.values_list("text", "verification"))
    assert verdicts == {
        "Troops crossed in March.": "disputed",
        "Shells were shipped by rail.": "disputed",
        "Left for later.": "unverified",
    }
    assert "Only one source, the ministry." in Claim.objects.get(pk=first.pk).internal_note
    assert Claim.objects.get(pk=second.pk).verified_by.username == "mei"
    remaining = page.locator("#queue-claims").inner_text()
    assert "Left for later." in remaining and "Troops crossed in March." not in remaining
