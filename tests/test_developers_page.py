"""The partners' page (/developers/): its examples run as written against a live server and give the
answers it documents; it names nothing unpublished; /api/ leads to the docs and the API's root links them."""

import html
import json
import re
import shutil
import subprocess

import pytest

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import FactBox
from relations.models import Actor, Relationship
from tests.factories import (
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    VerifiedClaimFactory,
)
from tests.helpers import artefacts, missing, publish_factbox

PAGE = "/developers/"
# The newest published box, and an actor with a public tie.
PAGE_QUERIES = 2
EXAMPLE = re.compile(r'<pre[^>]*data-example="([^"]+)"[^>]*><code>(.*?)</code></pre>', re.S)
# The answers the page gives in full (the others are shortened, and checked by their keys).
ANSWER = re.compile(r'<pre[^>]*data-answer="([^"]+)"[^>]*><code>(.*?)</code></pre>', re.S)


def _examples(page_html: str, pattern: re.Pattern = EXAMPLE) -> dict[str, str]:
    """Each marked example as a reader copies it: the text of its block."""
    return {name: html.unescape(code) for name, code in pattern.findall(page_html)}


def _published_box(editor, **fields) -> FactBox:
    claim = VerifiedClaimFactory()
    ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory())
    box = FactBoxFactory(**fields)
    FactBoxItemFactory(factbox=box, claim=claim)
    return publish_factbox(factbox=box, by=editor)


# The page


@pytest.mark.django_db
def test_page_is_linked_from_the_footer_of_every_public_page(client):
    assert f'href="{PAGE}"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_page_queries_do_not_grow_with_what_is_published(client, django_assert_max_num_queries, n):
    editor = EditorFactory()
    for _ in range(n):
        _published_box(editor)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(PAGE)
    assert response.status_code == 200


@pytest.mark.django_db
def test_examples_name_the_newest_published_box_and_build_addresses_from_the_request(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    editor = EditorFactory()
    _published_box(editor, slug="older-box")
    _published_box(editor, slug="newest-box", title="The newest box")
    page = client.get(PAGE, headers={"Host": "news.example.org"}, secure=True).content.decode()
    examples = _examples(page)
    assert (
        '<div data-factbox="newest-box"><a href="https://news.example.org/embed/factboxes/newest-box/">'
        in (examples["snippet"])
    )
    assert 'src="https://news.example.org/embed.js"' in examples["snippet"]
    assert "https://news.example.org/api/v1/factboxes/newest-box/" in examples["etag"]
    assert "older-box" not in page


@pytest.mark.django_db
def test_examples_never_name_what_readers_cannot_see(client):
    editor = EditorFactory()
    FactBoxFactory(slug="canary-draft-box", title="Canary draft box")
    FactBoxItemFactory(factbox=FactBoxFactory(slug="canary-withdrawn-box"), claim=VerifiedClaimFactory())
    withdrawn = FactBox.objects.get(slug="canary-withdrawn-box")
    publish_factbox(factbox=withdrawn, by=editor)
    factbox_withdraw(factbox=withdrawn, by=editor)
    # A tie only a draft claim names, between actors nothing public names.
    ClaimRelationshipFactory(
        relationship=RelationshipFactory(subject__slug="canary-actor", object__slug="canary-partner")
    )
    assert not FactBox.objects.public().exists() and not Relationship.objects.public().exists()
    assert not Actor.objects.public().exists()

    page = client.get(PAGE).content.decode()

    assert "canary" not in page.lower()
    examples = _examples(page)
    assert 'data-factbox="your-box-slug"' in examples["snippet"]
    assert "relationships/?actor=your-actor-slug" in examples["filter"]


@pytest.mark.django_db
def test_page_is_a_normal_public_page_not_framed_and_kept_by_the_public_cache(client, django_assert_num_queries):
    _published_box(EditorFactory())
    first = client.get(PAGE)
    assert first["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in first["Content-Security-Policy"]
    assert not first.cookies
    with django_assert_num_queries(0):
        again = client.get(PAGE)
    assert again.content == first.content


@pytest.mark.django_db
@pytest.mark.parametrize(("rate", "words"), [("600/minute", "600 requests a minute"), ("5/s", "5 requests a second")])
def test_page_states_the_rate_the_api_allows(client, settings, rate, words):
    settings.API_ANON_RATE = rate
    assert f"may make {words}." in client.get(PAGE).content.decode()


@pytest.mark.django_db
def test_page_answers_only_reads(client):
    assert client.post(PAGE).status_code == 405
    assert client.head(PAGE).status_code == 200


# /api/ and the API's root


@pytest.mark.django_db
def test_api_address_redirects_to_the_docs_for_now(client):
    response = client.get("/api/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs/"


@pytest.mark.django_db
def test_api_root_links_its_docs_and_schema_apart_from_the_collections(client):
    response = client.get("/api/v1/")
    root = response.json()
    assert root["_links"] == {"docs": "http://testserver/api/docs/", "schema": "http://testserver/api/schema/"}
    collections = {name: url for name, url in root.items() if not name.startswith("_")}
    assert all(url == f"http://testserver/api/v1/{name}/" for name, url in collections.items())
    assert response["Link"] == (
        '<http://testserver/api/docs/>; rel="service-doc", <http://testserver/api/schema/>; rel="service-desc"'
    )


# The examples, run as written against a live server with the demo loaded


def _run_shell(code: str) -> str:
    result = subprocess.run(["bash", "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_shell_examples_give_the_documented_answers(live_server, live_demo):
    if shutil.which("curl") is None or shutil.which("bash") is None:
        missing("curl and bash run the page's shell examples")
    page = subprocess.run(["curl", "-s", f"{live_server.url}{PAGE}"], capture_output=True, text=True, check=True)
    examples, answers = _examples(page.stdout), _examples(page.stdout, ANSWER)
    assert set(answers) == {"etag", "error"}
    box = FactBox.objects.public().order_by("-last_published_at", "-pk").first()
    assert f"/factboxes/{box.slug}/" in examples["etag"]

    root = json.loads(_run_shell(examples["root"]))
    assert {"articles", "factboxes", "changes", "actors"} <= set(root)
    assert root["_links"]["docs"] == f"{live_server.url}/api/docs/"

    ties = json.loads(_run_shell(examples["filter"]))["results"]
    actor = re.search(r"actor=([-\w]+)", examples["filter"]).group(1)
    assert ties and all(actor in (tie["subject"]["slug"], tie["object"]["slug"]) for tie in ties)

    page_of_two = json.loads(_run_shell(examples["page"]))
    assert len(page_of_two["results"]) == 2 and page_of_two["next"].startswith(f"{live_server.url}/api/v1/actors/")

    assert _run_shell(examples["etag"]) == answers["etag"] + "\n"

    changes = json.loads(_run_shell(examples["changes"]))["results"]
    positions = [change["position"] for change in changes]
    assert positions and positions == sorted(positions)

    assert json.loads(_run_shell(examples["error"])) == json.loads(answers["error"])

    oembed = json.loads(_run_shell(examples["oembed"]))
    assert oembed["type"] == "rich" and oembed["width"] == 400 and oembed["height"] > 0
    assert f"/embed/factboxes/{box.slug}/" in oembed["html"]


# In a browser: the JavaScript examples, the copy buttons and how the page looks


def _run_js(page, code: str) -> list[str]:
    """Runs an example as a reader pastes it into the console, and returns what it logged. The page's
    policy allows no eval, so the example is the body of the function Playwright runs, not a string in it."""
    return page.evaluate(
        "async () => {\n"
        "const lines = [];\n"
        'const console = { log: (...parts) => lines.push(parts.join(" ")) };\n'
        f"{code}\n"
        "return lines;\n"
        "}"
    )


@pytest.mark.django_db(transaction=True)
def test_javascript_examples_give_the_documented_answers(live_server, live_demo, new_page):
    page = new_page()
    page.goto(f"{live_server.url}{PAGE}")
    examples = _examples(page.content())
    assert {"js-pages", "js-etag", "js-changes"} <= set(examples)

    actors = _run_js(page, examples["js-pages"])
    assert len(actors) == Actor.objects.public().count() > 2
    public = Actor.objects.public().values_list("slug", flat=True)
    assert sorted(line.split(" ")[0] for line in actors) == sorted(public)

    assert _run_js(page, examples["js-etag"]) == ["304"]

    changes = _run_js(page, examples["js-changes"])
    last = max(int(line.split(" ")[0]) for line in changes[:-1])
    assert changes[-1] == f"next time, ask after {last}"
    assert page.errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_scrolls_inside_its_block_on_a_phone_and_a_desktop(live_server, live_demo, new_page, width, scheme):
    page = new_page(width=width, height=900)
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}{PAGE}")
    page.wait_for_function("() => document.querySelectorAll('.copy-button').length > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    outside = page.evaluate(
        """() => [...document.querySelectorAll("pre, .table-wrap")]
            .filter((block) => block.getBoundingClientRect().right > window.innerWidth)
            .map((block) => block.dataset.example || block.tagName)"""
    )
    assert outside == []
    # Every sample a reader may paste has its button; the documented answers have none.
    assert (
        page.locator("figure.code:not(.code-answer) .copy-button").count() == page.locator("pre[data-example]").count()
    )
    assert page.locator(".code-answer .copy-button").count() == 0
    page.screenshot(path=str(artefacts("developers") / f"developers-{width}-{scheme}.png"), full_page=True)
    assert page.errors == []


@pytest.mark.django_db(transaction=True)
def test_copy_button_copies_the_sample_as_written(live_server, live_demo, new_page):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}{PAGE}")
    button = page.locator('figure:has(pre[data-example="root"]) .copy-button')
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.copy-button:focus').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == f"curl -s {live_server.url}/api/v1/"
