"""An editor works with the demo story in a real browser."""

import pytest

from newsroom.demo import DEMO_EDITOR_PASSWORD, DEMO_EDITOR_USERNAME
from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from relations.models import Claim

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


@pytest.fixture
def signed_in(live_server, page, live_demo):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", DEMO_EDITOR_USERNAME)
    page.fill("#id_password", DEMO_EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return page


def test_editor_sees_the_story_and_its_claims_tagged(live_server, signed_in):
    page = signed_in
    assert "Editorial workspace" in page.title()
    article = Article.objects.get(slug=ARTICLE["slug"])
    page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    # The demo story is live: its form edits the citations of its draft, which starts as the live ones.
    cited = page.locator("#draft_citations-group").inner_text()
    assert "only Russia and North Korea are bound by a mutual defence treaty" in cited
    assert "Every actor the text mentions is tagged." in page.locator(".field-mentions").inner_text()

    treaty_claim = Claim.objects.get(relationship_links__relationship__type__slug="mutual-defence-treaty")
    page.goto(f"{live_server.url}/admin/relations/claim/{treaty_claim.pk}/change/")
    actors = page.locator(".field-actors .select2-selection").inner_text()
    assert "Russia" in actors and "North Korea" in actors
    stance_row = page.locator("#relationship_links-group tr.has_original").first
    assert "Russia has a mutual defence treaty with North Korea" in stance_row.inner_text()
    assert stance_row.locator("select[name$='-stance']").input_value() == "supports"


def test_actor_autocomplete_finds_an_actor_by_alias(live_server, signed_in):
    page = signed_in
    page.goto(f"{live_server.url}/admin/relations/claim/add/")
    page.click(".field-attributed_to .select2-selection")
    page.fill(".select2-search__field", "DPRK")
    option = page.locator(".select2-results__option", has_text="North Korea")
    option.wait_for()
    option.click()
    assert "North Korea" in page.locator(".field-attributed_to .select2-selection").inner_text()
