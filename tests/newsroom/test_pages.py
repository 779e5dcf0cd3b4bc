"""What readers see on the front page, a story page, an actor page and a missing page."""

import datetime
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django.utils.http import parse_http_date

from newsroom.models import Article
from newsroom.services import article_add_correction
from relations.models import Claim, ClaimRelationship, Relationship
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
    SymmetricTypeFactory,
    VerifiedClaimFactory,
)
from tests.helpers import editing, publish_article

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 14, 12, 0, tzinfo=datetime.UTC)


def live_article(**fields) -> Article:
    return publish_article(article=ArticleFactory(**fields), by=EditorFactory())


def live_at(when: datetime.datetime, **fields) -> Article:
    """A story that went live at ``when``, as the publish service leaves it."""
    return ArticleFactory(
        status=Article.Status.PUBLISHED,
        publish_at=when,
        first_published_at=when,
        last_published_at=when,
        last_modified_at=when,
        **fields,
    )


def text_of(response) -> str:
    return response.content.decode()


def json_ld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', text_of(response), re.S)
    return json.loads(match.group(1))


# Front page


def test_home_lists_live_stories_newest_first(client):
    old = live_at(timezone.now() - timedelta(days=2), title="Older story")
    new = live_at(timezone.now() - timedelta(hours=1), title="Newer story")
    middle = live_at(timezone.now() - timedelta(days=1), title="Middle story")
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["stories"]) == [new, middle, old]
    html = text_of(response)
    assert html.index("Newer story") < html.index("Middle story") < html.index("Older story")


def test_home_shows_each_story_linked_with_standfirst_byline_section_and_date(client):
    live_at(
        datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC),
        title="Treaty signed",
        slug="treaty-signed",
        standfirst="Two capitals bind themselves.",
        byline="Jane Doe",
        section="Diplomacy",
    )
    html = text_of(client.get("/"))
    assert '<a href="/stories/treaty-signed/">Treaty signed</a>' in html
    assert "Two capitals bind themselves." in html
    assert "By Jane Doe" in html
    assert "Diplomacy" in html
    assert "1 March 2025" in html


def test_home_paginates_twenty_stories_a_page(client):
    start = timezone.now() - timedelta(days=30)
    for n in range(45):
        live_at(start + timedelta(hours=n), title=f"Numbered story {n:02d}")
    first, second, third = (client.get("/", {"page": page}) for page in (1, 2, 3))
    assert len(first.context["stories"]) == 20
    assert len(second.context["stories"]) == 20
    assert len(third.context["stories"]) == 5
    assert "Numbered story 44" in text_of(first)
    assert "Numbered story 00" in text_of(third)
    assert 'href="/?page=2"' in text_of(first)
    assert 'rel="prev" href="/"' in text_of(second)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1e1000000", "1.5", "2" * 400, "%00"])
def test_home_bad_page_values_answer_not_found_not_an_error(client, page):
    live_at(timezone.now() - timedelta(hours=1))
    response = client.get("/", {"page": page})
    assert response.status_code == 404


def test_home_without_stories_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories are published yet." in text_of(response)


def test_home_leaves_out_stories_not_yet_live(client):
    live_at(timezone.now() + timedelta(hours=1), title="Embargoed until tonight")
    ArticleFactory(title="Still a draft")
    html = text_of(client.get("/"))
    assert "Embargoed until tonight" not in html
    assert "Still a draft" not in html


# Story page


def test_story_page_shows_title_standfirst_byline_section_and_body(client):
    article = live_article(
        title="Arms for oil",
        standfirst="Drones flow one way, crude the other.",
        byline="Jane Doe",
        section="World",
        body="<p>The <em>first</em> paragraph.</p><h2>Background</h2><p>More.</p>",
    )
    response = client.get(f"/stories/{article.slug}/")
    assert response.status_code == 200
    html = text_of(response)
    assert "<h1" in html and "Arms for oil</h1>" in html
    assert "Drones flow one way, crude the other." in html
    assert "By Jane Doe" in html
    assert "World" in html
    assert "<p>The <em>first</em> paragraph.</p><h2>Background</h2>" in html


def test_story_page_escapes_markup_outside_the_body(client):
    article = live_article(title="Fish & <b>chips</b>", standfirst="<script>alert(1)</script>")
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert "Fish &amp; &lt;b&gt;chips&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_story_page_shows_publication_date(client):
    with time_machine.travel(NOW, tick=False):
        article = live_article()
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert 'Published <time datetime="2025-03-14T12:00:00+00:00">14 March 2025, 12:00 UTC</time>' in html
    assert "Updated" not in html


def test_story_page_says_updated_when_corrected_after_publication(client):
    with time_machine.travel(NOW, tick=False):
        article = live_article()
    with time_machine.travel(NOW + timedelta(days=1, hours=2), tick=False):
        article_add_correction(article=article, by=EditorFactory(), text="An earlier version misdated the treaty.")
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert "Updated <time" in html
    assert "15 March 2025, 14:00 UTC" in html


def test_story_page_shows_corrections_dated_in_order(client):
    # Published before the corrections' dates: only a live article takes corrections.
    with time_machine.travel(NOW, tick=False):
        article = live_article()
    editor = EditorFactory()
    with time_machine.travel(NOW + timedelta(days=400), tick=False):
        article_add_correction(article=article, by=editor, text="First correction of the date.")
    with time_machine.travel(NOW + timedelta(days=402), tick=False):
        article_add_correction(article=article, by=editor, text="Second correction of a name.")
    html = text_of(client.get(f"/stories/{article.slug}/"))
    box = html[html.index('<aside class="corrections"') : html.index("</aside>")]
    assert "Corrections</h2>" in box
    assert box.index("First correction of the date.") < box.index("Second correction of a name.")
    assert "18 April 2026" in box and "20 April 2026" in box


def test_story_page_without_corrections_shows_no_box(client):
    article = live_article()
    assert 'class="corrections"' not in text_of(client.get(f"/stories/{article.slug}/"))


def test_story_page_links_the_actors_it_is_about(client):
    article = live_article()
    with editing(article):
        article.actors.add(ActorFactory(name="Iran", slug="iran"), ActorFactory(name="China", slug="china"))
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert '<a href="/actors/iran/">Iran</a>' in html
    assert '<a href="/actors/china/">China</a>' in html


def test_story_page_shows_cited_claims_in_order(client):
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="Second in the story."), position=2)
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="First in the story."), position=1)
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert html.index("First in the story.") < html.index("Second in the story.")


def test_story_page_shows_who_a_claim_is_attributed_to(client):
    expert = ActorFactory(kind="person", name="Alexander Gabuev", slug="alexander-gabuev")
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=ClaimFactory(kind=Claim.Kind.ASSESSMENT, attributed_to=expert))
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert 'Who says so:</span> <a href="/actors/alexander-gabuev/">Alexander Gabuev</a>' in html
    assert "Assessment" in html


def test_story_page_says_our_reporting_for_an_unattributed_claim(client):
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=ClaimFactory(attributed_to=None))
    article = publish_article(article=article, by=EditorFactory())
    assert "Who says so:</span> Our reporting" in text_of(client.get(f"/stories/{article.slug}/"))


@pytest.mark.parametrize(
    ("state", "word"),
    [
        (Claim.Verification.VERIFIED, "Verified"),
        (Claim.Verification.UNVERIFIED, "Unverified"),
        (Claim.Verification.DISPUTED, "Disputed"),
    ],
)
def test_story_page_shows_each_claims_verification_as_a_worded_badge(client, state, word):
    article = ArticleFactory()
    verified_at = None if state == Claim.Verification.UNVERIFIED else timezone.now()
    ArticleClaimFactory(article=article, claim=ClaimFactory(verification=state, verified_at=verified_at))
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    badge = re.search(rf'<span class="badge badge-{state}">.*?</span>{word}</span>', html)
    assert badge is not None
    assert "Verification: " in badge.group(0)


def test_story_page_shows_a_claim_withdrawn_after_publication_as_retracted(client):
    article = ArticleFactory()
    claim = ClaimFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    Claim.objects.filter(pk=claim.pk).update(verification=Claim.Verification.RETRACTED, verified_at=timezone.now())
    assert 'class="badge badge-retracted"' in text_of(client.get(f"/stories/{article.slug}/"))


def test_story_page_shows_a_claims_verbatim_quote_as_a_blockquote(client):
    speaker = ActorFactory(kind="person", name="Michael Kimmage")
    claim = ClaimFactory(kind=Claim.Kind.QUOTE, quote="It is a partnership of grievance.", attributed_to=speaker)
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert '<blockquote class="claim-quote"><p>It is a partnership of grievance.</p></blockquote>' in html


def test_story_page_lists_a_claims_sources_with_safe_links(client):
    claim = ClaimFactory()
    claim.sources.add(
        SourceFactory(title="The axis that isn't", publisher="Foreign Affairs", url="https://example.org/axis")
    )
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert '<a href="https://example.org/axis" rel="noopener noreferrer">The axis that isn&#x27;t</a>' in html
    assert "Foreign Affairs" in html


def test_story_page_links_a_source_only_through_the_web_address_filter(client):
    # The database holds no other scheme (tests/relations/test_constraints.py); the page states the
    # rule again, for a row from before it.
    from django.template import Context, Template

    claim = ClaimFactory()
    claim.sources.add(SourceFactory(title="Good source", url="https://example.org/report"))
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    html = client.get(f"/stories/{article.slug}/").content.decode()
    assert '<a href="https://example.org/report" rel="noopener noreferrer">Good source</a>' in html
    link = Template("{% load newsroom_public %}[{{ url|web_url }}]")
    for unsafe in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://example.org/x"):
        assert link.render(Context({"url": unsafe})) == "[]"
    assert link.render(Context({"url": "HTTPS://example.org/a"})) == "[HTTPS://example.org/a]"


def test_story_page_shows_the_relationships_a_claim_bears_on_with_stance(client):
    russia = ActorFactory(name="Russia", slug="russia")
    north_korea = ActorFactory(name="North Korea", slug="north-korea")
    treaty = RelationshipFactory(subject=russia, object=north_korea, type=SymmetricTypeFactory())
    claim = ClaimFactory()
    ClaimRelationshipFactory(claim=claim, relationship=treaty, stance=ClaimRelationship.Stance.CONTRADICTS)
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert (
        '<span class="stance stance-contradicts">Contradicts</span> <a href="/actors/russia/">Russia</a> '
        'has a treaty with <a href="/actors/north-korea/">North Korea</a>'
    ) in html


def test_story_page_never_shows_a_claims_internal_note(client):
    claim = ClaimFactory(internal_note="Source is a friend of the desk; double-check.")
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    article = publish_article(article=article, by=EditorFactory())
    assert "friend of the desk" not in text_of(client.get(f"/stories/{article.slug}/"))


def test_story_page_sets_last_modified_from_the_last_change_readers_were_told_of(client):
    with time_machine.travel(NOW, tick=False):
        article = live_article()
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        article_add_correction(article=article, by=EditorFactory(), text="A figure was wrong.")
    response = client.get(f"/stories/{article.slug}/")
    assert response["Last-Modified"] == "Mon, 17 Mar 2025 12:00:00 GMT"
    assert parse_http_date(response["Last-Modified"]) == int((NOW + timedelta(days=3)).timestamp())


def test_story_page_has_news_article_structured_data(client):
    with time_machine.travel(NOW, tick=False):
        article = live_article(title="Arms for oil", standfirst="Drones one way, crude the other.", byline="Jane Doe")
    with editing(article):
        article.actors.add(ActorFactory(name="Iran", slug="iran", wikidata_id="Q794"))
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        article_add_correction(article=article, by=EditorFactory(), text="Fixed a date.")
    data = json_ld(client.get(f"/stories/{article.slug}/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Arms for oil"
    assert data["description"] == "Drones one way, crude the other."
    assert data["datePublished"] == "2025-03-14T12:00:00Z"
    assert data["dateModified"] == "2025-03-15T12:00:00Z"
    assert data["author"] == {"@type": "Person", "name": "Jane Doe"}
    assert data["publisher"]["name"] == "Newsroom relations"
    assert data["mainEntityOfPage"]["@id"] == f"http://testserver/stories/{article.slug}/"
    assert data["about"] == [
        {
            "@type": "Country",
            "name": "Iran",
            "url": "http://testserver/actors/iran/",
            "sameAs": "https://www.wikidata.org/wiki/Q794",
        }
    ]


def test_structured_data_names_a_staff_byline_as_an_organisation(client):
    article = live_article(byline="Newsroom staff")
    assert json_ld(client.get(f"/stories/{article.slug}/"))["author"] == {
        "@type": "Organization",
        "name": "Newsroom staff",
    }


def test_structured_data_cannot_close_its_script_element(client):
    article = live_article(title="</script><script>alert('x')</script> & <!-- more")
    html = text_of(client.get(f"/stories/{article.slug}/"))
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["headline"] == "</script><script>alert('x')</script> & <!-- more"


def test_story_page_has_canonical_link_description_and_open_graph(client):
    article = live_article(title="Arms for oil", standfirst="Drones one way, crude the other.")
    html = text_of(client.get(f"/stories/{article.slug}/"))
    assert f'<link rel="canonical" href="http://testserver/stories/{article.slug}/">' in html
    assert '<meta name="description" content="Drones one way, crude the other.">' in html
    assert '<meta property="og:title" content="Arms for oil">' in html
    assert '<meta property="og:description" content="Drones one way, crude the other.">' in html


def test_story_page_of_an_unknown_slug_answers_404(client):
    assert client.get("/stories/no-such-story/").status_code == 404


# Actor page


def test_actor_page_shows_name_kind_description_aliases_and_wikidata_link(client):
    russia = ActorFactory(name="Russia", slug="russia", description="Russian Federation.", wikidata_id="Q159")
    article = live_article()
    with editing(article):
        article.actors.add(russia)
    ActorAliasFactory(actor=russia, name="Moscow")
    ActorAliasFactory(actor=russia, name="Kremlin")
    response = client.get("/actors/russia/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Russia</h1>" in html
    assert "Country" in html
    assert "Russian Federation." in html
    assert 'Also called <span class="alias">Kremlin</span> and <span class="alias">Moscow</span>' in html
    assert '<a href="https://www.wikidata.org/wiki/Q159" rel="noopener noreferrer">' in html


def _public_relationship(**fields) -> Relationship:
    """A relationship a live story's claim bears on, hence public."""
    relationship = RelationshipFactory(**fields)
    claim = ClaimFactory()
    ClaimRelationshipFactory(claim=claim, relationship=relationship)
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    publish_article(article=article, by=EditorFactory())
    return relationship


@pytest.fixture
def unmapped_ties(monkeypatch):
    """Ties past the actor's map are listed under it, each read from the actor's side: with no room
    on the map, every tie is."""
    from newsroom import selectors

    monkeypatch.setattr(selectors, "ACTOR_MAP_TIES", 0)


def test_actor_page_reads_a_directed_relationship_from_the_actors_side(client, unmapped_ties):
    iran = ActorFactory(name="Iran", slug="iran")
    russia = ActorFactory(name="Russia", slug="russia")
    _public_relationship(subject=iran, object=russia)  # supplies arms to / receives arms from
    assert 'Iran <strong>supplies arms to</strong> <a href="/actors/russia/">Russia</a>' in text_of(
        client.get("/actors/iran/")
    )
    assert 'Russia <strong>receives arms from</strong> <a href="/actors/iran/">Iran</a>' in text_of(
        client.get("/actors/russia/")
    )


def test_actor_page_reads_a_symmetric_relationship_the_same_from_both_sides(client, unmapped_ties):
    russia = ActorFactory(name="Russia", slug="russia")
    north_korea = ActorFactory(name="North Korea", slug="north-korea")
    _public_relationship(subject=russia, object=north_korea, type=SymmetricTypeFactory())
    assert 'Russia <strong>has a treaty with</strong> <a href="/actors/north-korea/">North Korea</a>' in text_of(
        client.get("/actors/russia/")
    )
    assert 'North Korea <strong>has a treaty with</strong> <a href="/actors/russia/">Russia</a>' in text_of(
        client.get("/actors/north-korea/")
    )


def test_actor_page_says_since_when_an_active_relationship_began(client, unmapped_ties):
    _public_relationship(
        subject=ActorFactory(slug="iran"), valid_from=datetime.date(2024, 6, 1), valid_from_precision="month"
    )
    assert "Since June 2024" in text_of(client.get("/actors/iran/"))


def test_actor_page_shows_a_relationships_status_dates_and_summary(client, unmapped_ties):
    _public_relationship(
        subject=ActorFactory(slug="iran"),
        status=Relationship.Status.ENDED,
        valid_from=datetime.date(2022, 6, 1),
        valid_from_precision="month",
        valid_until=datetime.date(2024, 1, 1),
        valid_until_precision="year",
        summary="Drones and shells, paid for in oil.",
    )
    html = text_of(client.get("/actors/iran/"))
    assert '<span class="status status-ended">Ended</span>' in html
    assert "June 2022 – 2024" in html
    assert "Drones and shells, paid for in oil." in html


def test_actor_page_lists_public_claims_about_it_and_by_it_with_their_citing_stories(client):
    iran = ActorFactory(name="Iran", slug="iran")
    about = VerifiedClaimFactory(text="Iran sent drones to Russia.")
    about.actors.add(iran)
    by = ClaimFactory(text="Tehran says it sent nothing.", kind=Claim.Kind.ALLEGATION, attributed_to=iran)
    article = ArticleFactory(title="Drones over Kyiv", slug="drones-over-kyiv")
    ArticleClaimFactory(article=article, claim=about)
    ArticleClaimFactory(article=article, claim=by)
    publish_article(article=article, by=EditorFactory())
    html = text_of(client.get("/actors/iran/"))
    assert "Iran sent drones to Russia." in html
    assert "Tehran says it sent nothing." in html
    assert 'class="badge badge-verified"' in html
    assert 'class="badge badge-unverified"' in html
    assert html.count('<li><a href="/stories/drones-over-kyiv/">Drones over Kyiv</a></li>') == 2


def test_actor_page_shows_a_claims_sources_and_the_relationships_it_bears_on(client):
    iran = ActorFactory(name="Iran", slug="iran")
    russia = ActorFactory(name="Russia", slug="russia")
    claim = ClaimFactory(text="Iran sent drones to Russia.")
    claim.actors.add(iran)
    claim.sources.add(SourceFactory(title="Drones for oil", publisher="Reuters", url="https://example.org/drones"))
    supply = RelationshipFactory(subject=iran, object=russia, type=RelationshipTypeFactory(label="supplies arms to"))
    ClaimRelationshipFactory(claim=claim, relationship=supply, stance=ClaimRelationship.Stance.SUPPORTS)
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim)
    publish_article(article=article, by=EditorFactory())
    html = text_of(client.get("/actors/iran/"))
    claims = html[html.index('id="claims-title"') :]
    assert '<a href="https://example.org/drones" rel="noopener noreferrer">Drones for oil</a>' in claims
    assert '<span class="publisher">Reuters</span>' in claims
    assert (
        '<span class="stance stance-supports">Supports</span> <a href="/actors/iran/">Iran</a> '
        'supplies arms to <a href="/actors/russia/">Russia</a>'
    ) in claims


def test_actor_page_lists_live_stories_about_it_newest_first(client):
    iran = ActorFactory(slug="iran")
    older = live_at(timezone.now() - timedelta(days=2), title="Older story about Iran")
    newer = live_at(timezone.now() - timedelta(days=1), title="Newer story about Iran")
    with editing(older, newer):
        older.actors.add(iran)
        newer.actors.add(iran)
    html = text_of(client.get("/actors/iran/"))
    stories = html[html.index('id="stories-title"') :]
    assert stories.index("Newer story about Iran") < stories.index("Older story about Iran")


def test_actor_page_of_an_unknown_slug_answers_404(client):
    assert client.get("/actors/atlantis/").status_code == 404


# Not found, methods


def test_not_found_page_is_friendly_and_reads_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in text_of(response)
    assert '<a class="button" href="/">' in text_of(response)


@pytest.mark.parametrize("path", ["/", "/stories/a-story/", "/actors/iran/"])
def test_public_pages_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_public_pages_answer_head(client):
    article = live_article()
    assert client.head(f"/stories/{article.slug}/").status_code == 200


def test_actor_page_lists_are_bounded_and_say_so(client, monkeypatch):
    from newsroom import selectors

    monkeypatch.setattr(selectors, "ACTOR_PAGE_LIST", 2)
    actor = ActorFactory(name="Iran", slug="iran")
    article = ArticleFactory()
    for _ in range(3):
        citation = ArticleClaimFactory(article=article)
        citation.claim.actors.add(actor)
        ClaimRelationshipFactory(claim=citation.claim, relationship=RelationshipFactory(subject=actor))
    publish_article(article=article, by=EditorFactory())
    response = client.get(f"/actors/{actor.slug}/")
    assert len(response.context["relationships"]) == len(response.context["claims"]) == 2
    html = response.content.decode()
    assert "Only the first 2 ties are listed here." in html
    assert "Only the 2 most recent claims are listed here." in html


# Defence in depth


def test_story_page_sanitises_a_body_that_reached_the_database_unsanitised(client):
    article = live_article(body="<p>Clean.</p>")
    raw = '<p>Kept.</p><img src=x onerror=alert(1)><script>alert("body")</script>'
    with connection.cursor() as cursor:
        cursor.execute("UPDATE newsroom_article SET body = %s WHERE id = %s", [raw, article.pk])
    html = text_of(client.get(f"/stories/{article.slug}/"))
    prose = html[html.index('<div class="prose">') : html.index("</div>", html.index('<div class="prose">'))]
    assert "<p>Kept.</p>" in prose
    assert "onerror" not in html
    assert "alert(" not in html
    assert "<script>" not in prose
