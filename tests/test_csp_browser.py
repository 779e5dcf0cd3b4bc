"""Every page readers and editors open keeps to its Content-Security-Policy in Chromium: no violation."""

import pytest

from newsroom.demo import DEMO_EDITOR_PASSWORD, DEMO_EDITOR_USERNAME
from newsroom.demo_content import ARTICLE, AXIS_MAP
from newsroom.models import Article, FactBox
from relations.models import Actor, Claim, Relationship

pytestmark = pytest.mark.django_db(transaction=True)

# Each document records what its policy refused; a page's frames record their own.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"} (${where})`);
});
"""


def _violations(page, url: str) -> list[str]:
    page.console_refusals.clear()
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
    if url.endswith("/api/docs/"):
        # Swagger UI fetches the schema after the page has loaded, and draws it.
        page.wait_for_load_state("networkidle")
    found = [f"{url}: {violation}" for violation in page.evaluate("window.__violations")]
    for frame in page.frames[1:]:
        found += [f"{frame.url}: {violation}" for violation in frame.evaluate("window.__violations || []")]
    return found + [f"{url}: {message}" for message in page.console_refusals]


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    # Chromium also says so on the console, for what no event reports (a refused frame, say).
    page.console_refusals = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.console_refusals.append(message.text),
    )
    return page


def test_public_pages_keep_to_their_policy(live_server, live_demo, watched):
    story = Article.objects.public().order_by("-publish_at").first()
    actor = Actor.objects.public().order_by("name").first()
    box = FactBox.objects.public().get(slug=AXIS_MAP["slug"])
    paths = [
        "/",
        "/stories/",
        f"/stories/{ARTICLE['slug']}/",
        f"/stories/{story.slug}/",
        "/actors/",
        f"/actors/{actor.slug}/",
        f"/embed/factboxes/{box.slug}/",
        f"/embed/factboxes/{box.slug}/v/1/",
        f"/embed/stories/{ARTICLE['slug']}/",
        "/api/docs/",
        "/developers/",
        "/no-such-page/",
    ]
    found = [violation for path in paths for violation in _violations(watched, f"{live_server.url}{path}")]
    assert found == []


def test_admin_pages_editors_use_keep_to_the_policy(live_server, live_demo, watched):
    page = watched
    assert _violations(page, f"{live_server.url}/admin/login/") == []
    page.fill("#id_username", DEMO_EDITOR_USERNAME)
    page.fill("#id_password", DEMO_EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    article = Article.objects.get(slug=ARTICLE["slug"])
    box = FactBox.objects.get(slug=AXIS_MAP["slug"])
    claim = Claim.objects.filter(citations__article=article).first()
    tie = Relationship.objects.order_by("pk").first()
    actor = Actor.objects.order_by("pk").first()
    paths = [
        "/admin/",
        "/admin/newsroom/article/",
        f"/admin/newsroom/article/{article.pk}/change/",
        f"/admin/newsroom/article/{article.pk}/history/",
        # The story preview, with the story page in its frame.
        f"/admin/newsroom/article/{article.pk}/preview/",
        "/admin/newsroom/article/add/",
        "/admin/newsroom/factbox/",
        f"/admin/newsroom/factbox/{box.pk}/change/",
        "/admin/relations/claim/",
        f"/admin/relations/claim/{claim.pk}/change/",
        f"/admin/relations/claim/{claim.pk}/history/",
        f"/admin/relations/relationship/{tie.pk}/change/",
        f"/admin/relations/actor/{actor.pk}/change/",
        "/admin/relations/source/",
    ]
    found = [violation for path in paths for violation in _violations(page, f"{live_server.url}{path}")]
    assert found == []


def test_the_answers_while_the_database_is_away_keep_to_their_policy(live_server, live_demo, watched, monkeypatch):
    """The 503 page and the embed's 503 note style themselves inline, allowed by their hashes."""
    from django.db import OperationalError, connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    paths = [f"/stories/{ARTICLE['slug']}/?away", f"/embed/factboxes/{AXIS_MAP['slug']}/?away&theme=dark"]
    answers = {}
    with monkeypatch.context() as away:
        # Every query fails, and the connection no longer answers the check made after the failure.
        away.setattr(BaseDatabaseWrapper, "_cursor", refuse)
        away.setattr(type(connections["default"]), "is_usable", lambda self: False)
        for path in paths:
            watched.console_refusals.clear()
            response = watched.goto(f"{live_server.url}{path}")
            shown = watched.inner_text("body")
            refused = watched.evaluate("window.__violations") + watched.console_refusals
            answers[path] = (response.status, "Back shortly" in shown, refused)
    assert answers == {path: (503, True, []) for path in paths}
