"""A verdict given after a box was published reaches its readers as a dated notice, without republishing.

The version stays as it was published (the record of what we said); every public rendering of it
shows, on the item, each claim it contains whose verdict has since moved to false, disputed or
retracted: the story page, the embeds (latest and pinned), the story card, oEmbed, the API and
ClaimReview. Their validators move with the notices, and reading them costs a fixed number of queries.
"""

import datetime
import json
import re
from html import unescape
from urllib.parse import quote

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import http_date

from newsroom.factboxes import notices, relationship_map
from newsroom.factboxes.snapshots import review_notes
from newsroom.models import FactBox, FactBoxVersion
from newsroom.services import article_add_correction
from relations.models import Claim
from relations.services import claim_set_verification
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    FactCheckerFactory,
    RelationshipFactory,
    VerifiedClaimFactory,
)
from tests.helpers import change_url, publish_article, publish_factbox

pytestmark = pytest.mark.django_db

FACT = "North Korea has sent troops to fight alongside Russian forces."
CANARY = "CANARY-verdict-note-5d1e"
KINDS = ["key_facts", "timeline", "claim_check", "relationship_map", "actor_profile"]
# Where each kind shows the claim: an item of its own, or a tie's evidence (a map shows ties, not claims).
EVIDENCE_ONLY = {"relationship_map"}
STORY = "the-story"
HTML_PATHS = ["story", "embed", "pinned", "card", "oembed", "oembed-pinned"]

# The embeds' own queries (tests/newsroom/test_embeds.py), and one more for the notices when there are any.
EMBED_QUERIES_WITH_NOTICES = 3
STORY_CARD_QUERIES_WITH_NOTICES = 3
# The story page's (tests/newsroom/test_page_queries.py), and one for the notices of every box on it.
STORY_QUERIES_WITH_NOTICES = 8
FACTBOX_API_QUERIES = 3


def _slug(kind: str) -> str:
    return kind.replace("_", "-")


def _verdict(claim: Claim, state: str) -> Claim:
    return claim_set_verification(claim=Claim.objects.get(pk=claim.pk), state=state, by=FactCheckerFactory())


def _box(kind: str, fact: Claim, *, slug: str | None = None) -> FactBox:
    """A box of ``kind`` showing ``fact``: as an item of its own, and as the evidence of a tie."""
    box = FactBoxFactory(kind=kind, slug=slug or _slug(kind), title=f"The {kind} box")
    russia = ActorFactory(name="Russia")
    korea = ActorFactory(name="North Korea")
    tie = RelationshipFactory(subject=korea, object=russia)
    ClaimRelationshipFactory(claim=fact, relationship=tie)
    when = datetime.date(2024, 10, 1)
    if kind == "relationship_map":
        items = [{"actor": russia}, {"actor": korea}, {"relationship": tie}]
    elif kind == "claim_check":
        items = [{"claim": fact}]
    elif kind == "actor_profile":
        items = [{"actor": korea}, {"claim": fact}, {"relationship": tie}]
    else:
        items = [{"claim": fact, "date": when}, {"relationship": tie, "date": when}]
    for position, item in enumerate(items, start=1):
        FactBoxItemFactory(factbox=box, position=position, **{"claim": None, **item})
    publish_factbox(factbox=box, by=EditorFactory())
    box.refresh_from_db()
    return box


def _story(*boxes: FactBox, cites: Claim | None = None, slug: str = STORY):
    story = ArticleFactory(slug=slug, body="<p>One.</p><p>Two.</p>")
    if cites is not None:
        ArticleClaimFactory(article=story, claim=cites)
    for box in boxes:
        FactBoxPlacementFactory(factbox=box, article=story)
    return publish_article(article=story, by=EditorFactory())


@pytest.fixture
def published(request):
    """For ``kind`` (parametrized): a verified claim, a box showing it, and the live story citing it
    that the box runs with, published two hours ago."""
    kind = getattr(request, "param", "key_facts")
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2), tick=False):
        fact = VerifiedClaimFactory(text=FACT, internal_note=CANARY)
        story = _story(cites=fact)
        box = _box(kind, fact)
        FactBoxPlacementFactory(factbox=box, article=story)
    return {"kind": kind, "fact": fact, "box": box, "story": story}


def _oembed_url(client, url: str) -> str:
    return f"/oembed/?url={quote(url, safe='')}&format=json"


def _get(client, path: str, box: FactBox, **headers):
    """The answer readers get at ``path`` (one of HTML_PATHS, or ``api``) for ``box``."""
    addresses = {
        "story": f"/stories/{STORY}/",
        "embed": f"/embed/factboxes/{box.slug}/",
        "pinned": f"/embed/factboxes/{box.slug}/v/1/",
        "card": f"/embed/stories/{STORY}/",
        "oembed": _oembed_url(client, f"http://testserver/embed/factboxes/{box.slug}/"),
        "oembed-pinned": _oembed_url(client, f"http://testserver/embed/factboxes/{box.slug}/v/1/"),
        "api": f"/api/v1/factboxes/{box.slug}/",
    }
    return client.get(addresses[path], **headers)


def _shown(client, path: str, box: FactBox) -> str:
    """What a reader sees at ``path``: for oEmbed, the page its snippet frames."""
    response = _get(client, path, box)
    assert response.status_code == 200, path
    if path.startswith("oembed"):
        src = unescape(re.search(r'<iframe src="([^"]+)"', response.json()["html"]).group(1))
        response = client.get(src.removeprefix("http://testserver"))
        assert response.status_code == 200
    return response.content.decode()


def _day(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y")


def _notices(html: str) -> list[str]:
    return re.findall(r'<(?:p|span) class="fb-notice fb-notice-(\w+)" role="note">', html)


def _item_around(html: str, text: str) -> str:
    """The item (a box's list entry, or a map's table row) in which ``text`` first appears."""
    at = html.index(text)
    start = max(html.rfind('<li class="fb-item', 0, at), html.rfind('<tr class="fb-tie', 0, at))
    ends = [end for end in (html.find('<li class="fb-item', at), html.find("</tr>", at)) if end != -1]
    return html[start : min(ends) if ends else len(html)]


# --- Every box kind, every public path --------------------------------------------------------------


@pytest.mark.parametrize("published", KINDS, indirect=True)
@pytest.mark.parametrize("path", HTML_PATHS)
def test_a_verdict_after_publication_shows_as_a_dated_notice(client, published, path):
    box, fact = published["box"], published["fact"]
    before = _shown(client, path, box)
    assert not _notices(before) and "since found false" not in before.lower()

    fact = _verdict(fact, Claim.Verification.FALSE)
    after = _shown(client, path, box)

    if path == "card":
        assert "1 claim since found false" in after
        assert f">{_day(fact.verified_at)}</time>)" in after
        return
    assert "Since found false" in after and "on <time datetime=" in after
    assert _day(fact.verified_at) in after
    assert "Published as verified." in after
    assert "Updated since publication: 1 claim found false." in after
    # The notice is on the item that shows the claim, not somewhere else in the box.
    assert "fb-notice-false" in _item_around(after, FACT if published["kind"] not in EVIDENCE_ONLY else "“" + FACT)


@pytest.mark.parametrize("published", KINDS, indirect=True)
def test_the_api_keeps_the_payload_and_lists_the_notices_beside_it(client, published):
    box, fact = published["box"], published["fact"]
    assert _get(client, "api", box).json()["notices"] == []

    fact = _verdict(fact, Claim.Verification.FALSE)
    answer = _get(client, "api", box).json()

    items = answer["payload"]["items"]
    shown = [
        claim
        for item in items
        for claim in ([item["claim"]] if item["type"] == "claim" else item.get("relationship", {}).get("evidence", []))
    ]
    assert shown and all(claim["verification"] == "verified" for claim in shown)  # as it was published
    expected_items = [index for index, item in enumerate(items) if item["type"] in ("claim", "relationship")]
    assert [notice["item"] for notice in answer["notices"]] == expected_items
    for notice in answer["notices"]:
        assert notice["claim"] == fact.pk
        assert notice["verification"] == "false" and notice["verification_label"] == "False"
        assert notice["was"] == "verified"
        assert notice["since"] == fact.verified_at.isoformat().replace("+00:00", "Z")
    # The list too, for every box on the page.
    listed = client.get("/api/v1/factboxes/").json()["results"]
    assert [entry["notices"] for entry in listed] == [answer["notices"]]


def test_the_published_version_itself_never_changes(client, published):
    version = published["box"].published_version
    stored = json.dumps(version.payload, sort_keys=True)
    _verdict(published["fact"], Claim.Verification.FALSE)
    _shown(client, "embed", published["box"])
    assert json.dumps(FactBoxVersion.objects.get(pk=version.pk).payload, sort_keys=True) == stored


@pytest.mark.parametrize(
    ("state", "phrase", "struck"),
    [
        ("false", "Since found false", True),
        ("retracted", "Since retracted", True),
        ("disputed", "Since disputed", False),
    ],
)
def test_each_verdict_that_takes_a_claim_back_has_its_words_and_icon(client, published, state, phrase, struck):
    _verdict(published["fact"], state)
    html = _shown(client, "embed", published["box"])
    item = _item_around(html, FACT)
    assert f'class="fb-notice fb-notice-{state}"' in item and phrase in item
    assert f'aria-hidden="true">{notices.ICONS[state]}</span>' in item
    assert ("fb-taken-back" in item) is struck and "fb-superseded" in item


@pytest.mark.parametrize("state", ["verified", "unverified"])
def test_a_verdict_that_does_not_take_the_claim_back_shows_no_notice(client, published, state):
    _verdict(published["fact"], state)
    assert not _notices(_shown(client, "embed", published["box"]))


def test_a_verdict_frozen_in_the_version_is_no_news(client):
    fact = ClaimFactory(text=FACT, verification="false", verified_at=timezone.now())
    box = FactBoxFactory(kind="claim_check", slug="claim-check")
    FactBoxItemFactory(factbox=box, claim=fact)
    publish_factbox(factbox=box, by=EditorFactory())
    _verdict(fact, "false")  # given again: the verdict readers see is the one published
    assert not _notices(_shown(client, "embed", box))
    _verdict(fact, "retracted")
    assert _notices(_shown(client, "embed", box)) == ["retracted"]


@pytest.mark.parametrize("published", ["claim_check"], indirect=True)
def test_each_version_is_compared_with_the_verdict_it_froze(client, published):
    box, fact = published["box"], published["fact"]
    _verdict(fact, "false")
    publish_factbox(factbox=box, by=EditorFactory())  # version 2 shows the claim as false
    assert _notices(client.get(f"/embed/factboxes/{box.slug}/v/1/").content.decode()) == ["false"]
    assert _notices(client.get(f"/embed/factboxes/{box.slug}/").content.decode()) == []
    assert client.get(f"/api/v1/factboxes/{box.slug}/").json()["notices"] == []


def test_a_claim_found_right_after_all_loses_its_notice(client, published):
    _verdict(published["fact"], "false")
    assert _notices(_shown(client, "embed", published["box"]))
    _verdict(published["fact"], "verified")
    assert not _notices(_shown(client, "embed", published["box"]))


def test_the_story_page_links_a_notice_to_a_correction_published_since(client, published):
    story, fact = published["story"], published["fact"]
    _verdict(fact, "false")
    assert "See the story’s corrections" not in _shown(client, "story", published["box"])

    article_add_correction(article=story, by=EditorFactory(), text="We reported troops; that was wrong.")
    html = _shown(client, "story", published["box"])
    assert f'<a href="http://testserver/stories/{STORY}/#corrections-title">See the story’s corrections</a>' in html
    assert 'id="corrections-title"' in html
    # An embed runs on other sites, with no story of its own: it links to none.
    assert "See the story’s corrections" not in _shown(client, "embed", published["box"])


# --- ClaimReview ----------------------------------------------------------------------------------


def _reviews(html: str) -> list[dict]:
    return [
        json.loads(unescape(found)) for found in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    ]


@pytest.mark.parametrize("published", ["claim_check"], indirect=True)
@pytest.mark.parametrize("path", ["story", "embed", "pinned"])
def test_claim_review_rates_the_current_verdict(client, published, path):
    box, fact = published["box"], published["fact"]
    (before,) = [review for review in _reviews(_shown(client, path, box)) if review["@type"] == "ClaimReview"]
    assert before["reviewRating"]["ratingValue"] == 5 and "dateModified" not in before

    fact = _verdict(fact, "false")
    (after,) = [review for review in _reviews(_shown(client, path, box)) if review["@type"] == "ClaimReview"]
    assert after["reviewRating"]["ratingValue"] == 1 and after["reviewRating"]["alternateName"] == "False"
    assert after["datePublished"] == before["datePublished"]
    assert after["dateModified"] == fact.verified_at.date().isoformat()

    _verdict(fact, "retracted")  # taken back: there is no rating left to publish
    assert not [review for review in _reviews(_shown(client, path, box)) if review["@type"] == "ClaimReview"]


# --- Validators -------------------------------------------------------------------------------------

VALIDATED = ["story", "embed", "pinned", "card", "oembed", "oembed-pinned", "api"]


@pytest.mark.parametrize("path", VALIDATED)
def test_validators_change_when_a_notice_appears(client, published, path):
    before = _get(client, path, published["box"])
    _verdict(published["fact"], "false")

    if "ETag" in before:
        after = _get(client, path, published["box"], HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200 and after["ETag"] != before["ETag"]
    if "Last-Modified" in before:
        after = _get(client, path, published["box"], HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert after.status_code == 200 and after["Last-Modified"] != before["Last-Modified"]
    assert "ETag" in before or "Last-Modified" in before


@pytest.mark.parametrize("path", ["embed", "pinned", "card", "oembed"])
def test_validators_change_when_a_notice_changes_or_goes(client, published, path):
    _verdict(published["fact"], "disputed")
    seen = [_get(client, path, published["box"])["ETag"]]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        _verdict(published["fact"], "false")
        seen.append(_get(client, path, published["box"])["ETag"])
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        _verdict(published["fact"], "verified")
        gone = _get(client, path, published["box"])
        seen.append(gone["ETag"])
        if "Last-Modified" in gone:
            # A date-only revalidation from when the notice was shown gets the page without it.
            shown_at = timezone.now() - datetime.timedelta(seconds=30)
            again = _get(client, path, published["box"], HTTP_IF_MODIFIED_SINCE=http_date(shown_at.timestamp()))
            assert again.status_code == 200
    assert len(set(seen)) == 3


@pytest.mark.parametrize("path", ["embed", "pinned", "oembed", "card"])
def test_a_current_copy_with_a_notice_still_gets_its_304_after_one_query(
    client, published, path, django_assert_max_num_queries
):
    _verdict(published["fact"], "false")
    etag = _get(client, path, published["box"])["ETag"]
    with django_assert_max_num_queries(1):
        assert _get(client, path, published["box"], HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- What it costs -----------------------------------------------------------------------------------


def _box_of_many(slug: str, n: int, story_claim: bool = False) -> tuple[FactBox, list[Claim]]:
    claims = [VerifiedClaimFactory(text=f"Statement {i}.") for i in range(n)]
    box = FactBoxFactory(slug=slug)
    for position, claim in enumerate(claims, start=1):
        FactBoxItemFactory(factbox=box, claim=claim, position=position)
    publish_factbox(factbox=box, by=EditorFactory())
    box.refresh_from_db()
    return box, claims


@pytest.mark.parametrize("n", [1, 30])
def test_embed_queries_with_notices_do_not_grow_with_items(client, django_assert_num_queries, n):
    _box, claims = _box_of_many("many", n)
    for claim in claims:
        _verdict(claim, "false")
    for path in ("/embed/factboxes/many/", "/embed/factboxes/many/v/1/"):
        with django_assert_num_queries(EMBED_QUERIES_WITH_NOTICES):
            response = client.get(path)
        assert response.status_code == 200 and len(_notices(response.content.decode())) == n


@pytest.mark.parametrize("boxes", [1, 4])
def test_story_page_and_card_queries_with_notices_do_not_grow_with_boxes(client, django_assert_max_num_queries, boxes):
    placed = []
    for b in range(boxes):
        box, claims = _box_of_many(f"box-{b}", 5)
        for claim in claims:
            _verdict(claim, "false")
        placed.append(box)
    _story(*placed)
    with django_assert_max_num_queries(STORY_QUERIES_WITH_NOTICES):
        page = client.get(f"/stories/{STORY}/")
    assert len(_notices(page.content.decode())) == 5 * boxes
    with django_assert_max_num_queries(STORY_CARD_QUERIES_WITH_NOTICES):
        card = client.get(f"/embed/stories/{STORY}/")
    assert card.content.decode().count("5 claims since found false") == boxes


@pytest.mark.parametrize("boxes", [1, 5])
def test_api_queries_with_notices_do_not_grow_with_boxes(client, django_assert_max_num_queries, boxes):
    for b in range(boxes):
        _box, claims = _box_of_many(f"box-{b}", 3)
        for claim in claims:
            _verdict(claim, "false")
    with django_assert_max_num_queries(FACTBOX_API_QUERIES):
        answer = client.get("/api/v1/factboxes/").json()
    assert [len(entry["notices"]) for entry in answer["results"]] == [3] * boxes
    with django_assert_max_num_queries(FACTBOX_API_QUERIES):
        assert len(client.get("/api/v1/factboxes/box-0/").json()["notices"]) == 3


def test_one_query_reads_the_notices_of_every_box_on_a_page(django_assert_num_queries):
    versions = []
    for b in range(3):
        box, claims = _box_of_many(f"box-{b}", 4)
        _verdict(claims[0], "false")
        versions.append(box.published_version_id)
    with django_assert_num_queries(1):
        found = notices.verdicts_by_version(versions)
    assert sorted(len(verdicts) for verdicts in found.values()) == [1, 1, 1]


# --- Review, and what a notice may reveal -----------------------------------------------------------


def test_the_box_is_still_flagged_for_review(published):
    _verdict(published["fact"], "false")
    (note,) = review_notes([published["box"]])[published["box"].pk]
    assert "verification state (verified → false) changed" in note


@pytest.mark.parametrize("path", [*HTML_PATHS, "api"])
def test_a_notice_never_shows_the_internal_note(client, published, path):
    _verdict(published["fact"], "false")
    answer = _get(client, path, published["box"])
    assert CANARY not in answer.content.decode()
    if path.startswith("oembed"):
        assert CANARY not in _shown(client, path, published["box"])


def test_only_a_public_claim_is_given_a_notice(published):
    """By construction a published version's claims are public; were one not, nothing of it is told."""
    _verdict(published["fact"], "false")
    version = published["box"].published_version_id
    assert set(notices.verdicts_of(version)) == {published["fact"].pk}
    Claim.objects.filter(pk=published["fact"].pk).update(public_from=None)
    assert notices.verdicts_of(version) == {}


def test_a_withdrawn_or_draft_box_shows_nothing(client, published):
    _verdict(published["fact"], "false")
    draft = FactBoxFactory(slug="draft-box")
    FactBoxItemFactory(factbox=draft, claim=published["fact"])
    assert client.get("/embed/factboxes/draft-box/").status_code == 404
    assert client.get("/api/v1/factboxes/draft-box/").status_code == 404


# --- A tie's evidence, in honest words ----------------------------------------------------------------


def _tie_box(client, *stances: str, verdict: str = "verified") -> str:
    """A map of one tie, published with a claim of each of ``stances`` as its evidence, each given
    ``verdict`` before the box was published; the embed's page."""
    korea, russia = ActorFactory(name="North Korea"), ActorFactory(name="Russia")
    tie = RelationshipFactory(subject=korea, object=russia)
    story = ArticleFactory(slug="evidence")
    claims = []
    for n, stance in enumerate(stances):
        claims.append(VerifiedClaimFactory(text=f"A {stance} claim {n}."))
        ArticleClaimFactory(article=story, claim=claims[-1])
        ClaimRelationshipFactory(claim=claims[-1], relationship=tie, stance=stance)
    publish_article(article=story, by=EditorFactory())
    # Given after the story went live (a live story may not cite a claim found false), before the box.
    verified_at = None if verdict == "unverified" else timezone.now()
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(verification=verdict, verified_at=verified_at)
    box = FactBoxFactory(kind="relationship_map", slug="ties")
    for position, item in enumerate([{"actor": korea}, {"actor": russia}, {"relationship": tie}], start=1):
        FactBoxItemFactory(factbox=box, position=position, **{"claim": None, **item})
    publish_factbox(factbox=box, by=EditorFactory())
    return client.get("/embed/factboxes/ties/").content.decode()


@pytest.mark.parametrize(
    ("stances", "verdict", "words"),
    [
        ((), "verified", relationship_map.NO_SUPPORT),
        (("context",), "verified", relationship_map.BACKGROUND_ONLY),
        (("context", "context"), "unverified", relationship_map.BACKGROUND_ONLY),
        (("contradicts",), "verified", relationship_map.NO_SUPPORT),
        (("contradicts", "context"), "verified", relationship_map.NO_SUPPORT),
        (("supports",), "false", relationship_map.NO_LONGER_SUPPORTED),
        (("supports", "context"), "verified", ""),
        (("supports",), "unverified", ""),
    ],
)
def test_a_tie_says_in_words_what_its_evidence_amounts_to(client, stances, verdict, words):
    html = _tie_box(client, *stances, verdict=verdict)
    assert "No published evidence" not in html
    notes = re.findall(r'<span class="fb-evidence-note">([^<]*)</span>', html)
    assert notes == ([words] if words else [])
    # Each claim is listed with its stance; support needs no label.
    assert html.count('class="fb-stance fb-stance-context">Context<') == stances.count("context")
    assert html.count('class="fb-stance fb-stance-contradicts">Contradicts<') == stances.count("contradicts")


def test_a_tie_whose_support_has_since_been_found_false_says_so(client):
    html = _tie_box(client, "supports")
    assert not re.findall(r'<span class="fb-evidence-note">', html)
    _verdict(Claim.objects.get(text="A supports claim 0."), "false")
    html = client.get("/embed/factboxes/ties/").content.decode()
    assert relationship_map.NO_LONGER_SUPPORTED in html
    assert "Since found false" in _item_around(html, "“A supports claim 0.")


def test_a_version_from_before_stances_were_named_reads_as_support():
    tie = {"evidence": [{"stance": "", "verification": "verified"}]}
    assert relationship_map.evidence_note((claim["stance"], claim["verification"]) for claim in tie["evidence"]) == ""


def test_editors_see_the_ties_no_claim_supports_before_publishing(client, editor_client):
    _tie_box(client, "context")  # published; its draft shows the same
    box = FactBox.objects.get(slug="ties")
    page = editor_client.get(change_url(box)).content.decode()
    assert 'id="factbox-unsupported-ties"' in page
    assert "North Korea" in page and f"“{relationship_map.BACKGROUND_ONLY}”" in page

    supported = FactBoxFactory(kind="relationship_map", slug="supported")
    tie = RelationshipFactory()
    backing = VerifiedClaimFactory()
    publish_article(article=ArticleClaimFactory(claim=backing).article, by=EditorFactory())  # public
    ClaimRelationshipFactory(claim=backing, relationship=tie)
    FactBoxItemFactory(factbox=supported, claim=None, relationship=tie)
    assert 'id="factbox-unsupported-ties"' not in editor_client.get(change_url(supported)).content.decode()


# --- The schema -----------------------------------------------------------------------------------------


def test_the_schema_documents_the_notices(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    box = schema["components"]["schemas"]["FactBox"]["properties"]["notices"]
    assert "dated notice" in box["description"]
    notice = schema["components"]["schemas"]["Notice"]["properties"]
    assert set(notice) == {"item", "claim", "verification", "verification_label", "was", "since"}
