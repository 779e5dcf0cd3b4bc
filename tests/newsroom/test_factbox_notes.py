"""A box cites each source once, as a numbered note at its foot, and each item links to its notes."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from newsroom.factboxes.rendering import number_sources, render_factbox
from newsroom.models import Article, FactBox
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import editing, publish_factbox

pytestmark = pytest.mark.django_db

Kind = FactBox.Kind


class Notes(HTMLParser):
    """The ids, the note links and the numbered notes of a page or a box, with the box each sits in."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (box id, href, number shown)
        self.notes: list[tuple[str, str, str]] = []  # (box id, note id, text)
        self._box = ""
        self._in: tuple[str, list[str]] | None = None  # the ref or note being read, and its text
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "section" and "factbox" in classes:
            self._box = attrs["id"]
        if tag == "a" and "fb-ref" in classes:
            self._in = ("ref:" + attrs["href"], [])
        if tag == "li" and "fb-source" in classes:
            self._in = ("note:" + attrs["id"], [])

    def handle_endtag(self, tag):
        if self._in and ((tag == "a" and self._in[0].startswith("ref:")) or tag == "li"):
            what, text = self._in
            kind, _, value = what.partition(":")
            words = " ".join("".join(text).split())
            (self.refs if kind == "ref" else self.notes).append((self._box, value, words))
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._in[1].append(data)


def _render(rf, payload: dict) -> str:
    return str(render_factbox(payload, rf.get("/stories/somewhere/")))


def _claim(text: str, *sources) -> VerifiedClaimFactory:
    claim = VerifiedClaimFactory(text=text)
    claim.sources.add(*sources)
    return claim


def _box(kind: str, *claims, title: str = "Sourced") -> dict:
    box = FactBoxFactory(kind=kind, title=title)
    for claim in claims:
        FactBoxItemFactory(factbox=box, claim=claim)
    return publish_factbox(factbox=box, by=EditorFactory()).payload


@pytest.fixture
def wire():
    return SourceFactory(url="https://example.org/wire", title="Wire report", publisher="Wire service")


@pytest.fixture
def customs():
    return SourceFactory(url="https://example.org/customs", title="Customs data", publisher="Customs")


# --- Numbering, on the prepared claims ----------------------------------------------------------------------------


def _source(title: str, url: str = "", publisher: str = "") -> dict:
    return {"title": title, "url": url, "publisher": publisher, "published_on": None}


def test_sources_are_numbered_in_the_order_readers_meet_them():
    claims = [{"sources": [_source("B", "https://b.example/")]}, {"sources": [_source("A", "https://a.example/")]}]
    notes = number_sources("fb-x-v1", claims)
    assert [(note["number"], note["title"], note["id"]) for note in notes] == [
        (1, "B", "fb-x-v1-source-1"),
        (2, "A", "fb-x-v1-source-2"),
    ]
    assert [[note["number"] for note in claim["notes"]] for claim in claims] == [[1], [2]]


def test_a_source_cited_twice_is_one_note():
    shared = _source("Wire", "https://wire.example/1")
    claims = [
        {"sources": [shared, _source("Other", "https://other.example/")]},
        {"sources": [_source("Wire, again", "https://wire.example/1")]},
        {"sources": [shared, shared]},
    ]
    notes = number_sources("fb-x-v1", claims)
    assert len(notes) == 2
    assert [[note["number"] for note in claim["notes"]] for claim in claims] == [[1, 2], [1], [1]]


def test_sources_without_an_address_are_told_apart_by_title_and_publisher():
    claims = [
        {"sources": [_source("Interview", publisher="Our desk")]},
        {"sources": [_source("interview ", publisher="our desk")]},
        {"sources": [_source("Interview", publisher="Another desk")]},
    ]
    notes = number_sources("fb-x-v1", claims)
    assert [note["publisher"] for note in notes] == ["Our desk", "Another desk"]
    assert [[note["number"] for note in claim["notes"]] for claim in claims] == [[1], [1], [2]]


def test_a_claim_without_sources_has_no_notes():
    claims = [{"sources": []}]
    assert number_sources("fb-x-v1", claims) == []
    assert claims[0]["notes"] == []


# --- In the rendered box ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.KEY_FACTS, Kind.CLAIM_CHECK])
def test_each_source_is_listed_once_however_many_items_cite_it(rf, wire, customs, kind):
    payload = _box(kind, _claim("Trade doubled.", customs), _claim("Trade fell.", wire, customs), _claim("Oil.", wire))
    html = _render(rf, payload)
    page = Notes(html)
    assert [text for _, _, text in page.notes] == ["Customs data, Customs", "Wire report, Wire service"]
    assert html.count('href="https://example.org/wire"') == 1
    assert [text for _, _, text in page.refs] == ["Source 1", "Source 1", "Source 2", "Source 2"]


def test_every_note_link_leads_to_a_note_in_its_own_box(rf, wire, customs):
    page = Notes(_render(rf, _box(Kind.CLAIM_CHECK, _claim("One.", wire), _claim("Two.", customs, wire))))
    notes = {(box, note_id) for box, note_id, _ in page.notes}
    assert page.refs
    assert all((box, href.removeprefix("#")) in notes for box, href, _ in page.refs)


def test_a_map_numbers_its_sources_in_the_tables_order(rf, wire, customs):
    first, second = RelationshipFactory(), RelationshipFactory()
    for tie, source in ((first, customs), (second, wire)):
        claim = _claim("Evidence.", source)
        when = timezone.now() - datetime.timedelta(hours=1)
        article = ArticleFactory()
        ArticleClaimFactory(article=article, claim=claim)
        with editing(article):
            Article.objects.filter(pk=article.pk).update(status="published", publish_at=when, first_published_at=when)
        ClaimRelationshipFactory(claim=claim, relationship=tie)
    box = FactBoxFactory(kind=Kind.RELATIONSHIP_MAP)
    for tie in (first, second):
        FactBoxItemFactory(factbox=box, claim=None, relationship=tie)
    page = Notes(_render(rf, publish_factbox(factbox=box, by=EditorFactory()).payload))
    assert [text.split(",")[0] for _, _, text in page.notes] == ["Customs data", "Wire report"]


def test_a_box_without_sources_has_no_sources_list(rf):
    box = FactBoxFactory(kind=Kind.KEY_FACTS)
    FactBoxItemFactory(factbox=box, claim=None, text="Our own line.")
    html = _render(rf, publish_factbox(factbox=box, by=EditorFactory()).payload)
    assert "fb-sources" not in html and "fb-ref" not in html


def test_ids_stay_unique_with_two_boxes_on_one_story_page(client, wire, customs):
    article = ArticleFactory(slug="two-boxes")
    when = timezone.now() - datetime.timedelta(hours=1)
    with editing(article):
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED, publish_at=when, first_published_at=when, last_published_at=when
        )
    for position, kind in enumerate([Kind.KEY_FACTS, Kind.CLAIM_CHECK]):
        box = FactBoxFactory(kind=kind, title=f"Box {position}")
        FactBoxItemFactory(factbox=box, claim=_claim(f"Claim {position}.", wire, customs))
        publish_factbox(factbox=box, by=EditorFactory())
        FactBoxPlacementFactory(factbox=box, article=article, position=position)
    html = client.get("/stories/two-boxes/").content.decode()
    page = Notes(html)
    assert len(page.ids) == len(set(page.ids))
    assert len(page.notes) == 4 and len({box for box, _, _ in page.notes}) == 2
    assert all(re.fullmatch(rf"#{re.escape(box)}-source-\d+", href) for box, href, _ in page.refs)
