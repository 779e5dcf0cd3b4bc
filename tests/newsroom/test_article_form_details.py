"""The article's change form shows one publication time, a corrections table without a blank row,
and labels as a person would write them."""

import datetime
import re

import pytest
from django.utils import formats, timezone

from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
)
from tests.helpers import change_url, publish_article, signed_in

pytestmark = pytest.mark.django_db


def _rows(page: str) -> set[str]:
    """The fields of the publication fieldset and around it, by the class of their row."""
    return set(re.findall(r'class="form-row[^"]*\bfield-(go_live_at|publish_at|goes_live|went_live)\b', page))


def _labels(page: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", "", label).split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", page)]


def test_an_editor_choosing_when_to_publish_sees_one_time_to_choose():
    article = ArticleFactory()
    page = signed_in(RoleEditorFactory()).get(change_url(article)).content.decode()
    assert _rows(page) == {"go_live_at"}
    assert _labels(page).count("Publish at:") == 1


def test_a_scheduled_article_shows_its_time_to_change_to_an_editor_and_when_it_goes_live_to_others():
    when = timezone.now() + datetime.timedelta(days=1)
    article = publish_article(article=ArticleFactory(), by=RoleEditorFactory(), publish_at=when)
    assert _rows(signed_in(RoleEditorFactory()).get(change_url(article)).content.decode()) == {"go_live_at"}
    page = signed_in(ReporterFactory()).get(change_url(article)).content.decode()
    assert _rows(page) == {"goes_live"}
    assert formats.localize(timezone.localtime(article.publish_at)) in page


def test_a_live_article_says_when_it_went_live():
    article = publish_article(article=ArticleFactory(), by=RoleEditorFactory())
    for user in (RoleEditorFactory(), ReporterFactory()):
        page = signed_in(user).get(change_url(article)).content.decode()
        assert _rows(page) == {"went_live"}
        assert "Went live" in page
        row = page[page.index("field-went_live") :]
        row = row[: row.index("</div>", row.index('class="readonly"'))]
        # Written as the form's other moments are, not as Python prints a datetime.
        assert formats.localize(timezone.localtime(article.publish_at)) in row and "+00:00" not in row


def test_a_draft_shown_to_a_reporter_has_no_publication_time():
    page = signed_in(ReporterFactory()).get(change_url(ArticleFactory())).content.decode()
    assert _rows(page) == set()


def test_a_live_story_has_no_blank_correction_row():
    article = publish_article(article=ArticleFactory(), by=RoleEditorFactory())
    editor_page = signed_in(RoleEditorFactory()).get(change_url(article)).content.decode()
    assert 'name="corrections-TOTAL_FORMS" value="0"' in editor_page
    assert "&quot;addText&quot;: &quot;Add a correction&quot;" in editor_page
    reporter_page = signed_in(ReporterFactory()).get(change_url(article)).content.decode()
    # Shown for the record, without a way to add one.
    assert "Public corrections" in reporter_page
    assert 'name="corrections-MAX_NUM_FORMS" value="0"' in reporter_page


def test_labels_read_as_written():
    claim = ClaimFactory()
    claim.relationship_links.create(relationship=RelationshipFactory())
    editor = signed_in(RoleEditorFactory())
    page = editor.get(change_url(claim)).content.decode()
    assert "Relationships the claim bears on" in page
    assert "bears ons" not in page
    assert "Wikidata ID:" in _labels(editor.get(change_url(ActorFactory())).content.decode())
    labels = _labels(editor.get(change_url(RelationshipFactory())).content.decode())
    assert labels.count("Precision:") == 2
    assert not [label for label in labels if "precision" in label.lower() and label != "Precision:"]
