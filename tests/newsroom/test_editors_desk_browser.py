"""In Chromium, a story from the reporter's first words to a correction of the live text.

A reporter writes three paragraphs in the body's editor, cites a recorded claim from a sentence they
select and submits the story with a note. An editor reads the note, previews the story at a desktop's
and a phone's width, shares a preview that someone signed out can read until it is revoked, and
publishes it. The editor then changes the live text as a draft, which readers do not see until the
changes are published. A reader finds the cited passage marked and opens the claim behind it.

A screenshot of each step is kept in ``$TEST_ARTEFACTS/editors-desk/`` (``test-artefacts/`` by
default), for a person to look at what the test saw.
"""

import pytest

from newsroom.models import Article, ArticleEvent
from tests.factories import ReporterFactory, RoleEditorFactory, SourceFactory, VerifiedClaimFactory
from tests.helpers import artefacts, signed_in_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]

TITLE = "Sahel juntas sign a mutual defence pact"
PARAGRAPHS = [
    "The military governments of Mali, Burkina Faso and Niger have bound themselves to defend one another.",
    "The three juntas signed the Liptako-Gourma charter in September 2023, founding the Alliance of Sahel States.",
    "Each had broken with France, and each has since turned to Moscow for weapons and instructors.",
]
CORRECTED = "The military governments of Mali, Burkina Faso and Niger have promised to come to one another's aid."


@pytest.fixture
def shots():
    folder = artefacts("editors-desk")

    def shoot(page, name: str) -> None:
        page.screenshot(path=folder / f"{name}.png", full_page=True)

    return shoot


def body_editor(page):
    page.wait_for_selector(".tiptap.ProseMirror")
    return page.locator(".tiptap.ProseMirror")


def test_a_story_is_written_cited_previewed_shared_published_and_corrected(new_page, live_server, shots):
    ReporterFactory(username="tomas", first_name="Tomás", last_name="Reyes")
    RoleEditorFactory(username="amina", first_name="Amina", last_name="Haddad")
    claim = VerifiedClaimFactory(text="Mali, Burkina Faso and Niger signed the Liptako-Gourma charter in 2023.")
    claim.sources.add(SourceFactory(title="The charter's text", publisher="Sahel wire"))

    # The reporter writes three paragraphs as they would in any editor: typing, Enter between them.
    reporter = signed_in_page(new_page, live_server, "tomas")
    reporter.goto(f"{live_server.url}/admin/newsroom/article/add/")
    reporter.fill("#id_title", TITLE)
    editor = body_editor(reporter)
    editor.click()
    for number, paragraph in enumerate(PARAGRAPHS):
        if number:
            reporter.keyboard.press("Enter")
        reporter.keyboard.type(paragraph)
    assert editor.locator("p").all_inner_texts() == PARAGRAPHS

    # The second paragraph is where the claim comes from: selected, then cited.
    editor.locator("p").nth(1).click(click_count=3)
    reporter.get_by_role("button", name="Cite a claim").click()
    dialog = reporter.locator("dialog.cite-dialog")
    assert PARAGRAPHS[1] in dialog.locator(".cite-passage").inner_text()
    reporter.keyboard.type("Liptako")
    dialog.get_by_role("button", name=str(claim)).click()
    dialog.wait_for(state="detached")
    assert editor.locator(f'mark[data-claim="{claim.pk}"]').inner_text() == PARAGRAPHS[1]
    shots(reporter, "1-reporter-writes-and-cites")
    reporter.click("input[name=_continue]")
    assert "was added successfully" in reporter.locator(".messagelist").inner_text()

    article = Article.objects.get(title=TITLE)
    assert article.body.count("<p>") == 3
    assert list(article.claim_citations.values_list("claim", "passage")) == [(claim.pk, PARAGRAPHS[1])]

    reporter.get_by_label("Note for this move").fill("The charter's text is the source; dates checked.")
    reporter.click("input[name=_workflow_submit]")
    assert "is now in review" in reporter.locator(".messagelist").inner_text()
    shots(reporter, "2-reporter-submits-with-a-note")

    # The editor finds it on their start page with the reporter's note, and previews it.
    editor_page = signed_in_page(new_page, live_server, "amina")
    queue = editor_page.locator("#queue-review")
    assert "The charter's text is the source; dates checked." in queue.inner_text()
    shots(editor_page, "3-editor-start-page")
    queue.get_by_role("link", name=TITLE).click()
    editor_page.click("#preview-link")
    frame = editor_page.frame_locator("#story-preview-frame")
    assert frame.locator("h1").inner_text() == TITLE
    # A screen reader hears the verdict after the passage; the eye sees the passage marked.
    assert " ".join(frame.locator(".cited-passage").inner_text().split()) == f"{PARAGRAPHS[1]} (cited claim: verified)"
    shots(editor_page, "4-preview-desktop")
    editor_page.click("#preview-phone")
    assert editor_page.locator("#story-preview-frame").evaluate("frame => frame.clientWidth") == 390
    shots(editor_page, "5-preview-phone")

    # A preview shared with someone who has no account, then revoked.
    editor_page.click("#make-preview-link")
    link = editor_page.locator(".preview-link-url").first.input_value()
    guest = new_page(width=390, height=844)
    answer = guest.goto(link)
    assert answer.status == 200 and "noindex" in answer.headers["x-robots-tag"]
    assert guest.locator("h1").inner_text() == TITLE
    shots(guest, "6-shared-preview-signed-out")
    editor_page.get_by_role("button", name="Revoke").click()
    assert "revoked" in editor_page.locator(".messagelist").inner_text()
    assert guest.goto(link).status == 404
    # Not live yet: readers find nothing.
    reader = new_page()
    assert reader.goto(f"{live_server.url}/stories/{article.slug}/").status == 404

    editor_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    editor_page.click("input[name=_workflow_publish]")
    assert "is now published" in editor_page.locator(".messagelist").inner_text()
    assert reader.goto(f"{live_server.url}/stories/{article.slug}/").status == 200
    assert reader.locator(".story-body p, article p").first.is_visible()

    # A change to the live text waits in a draft until the editor publishes it.
    editor_page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    editor = body_editor(editor_page)
    editor.locator("p").first.click(click_count=3)
    editor_page.keyboard.type(CORRECTED)
    editor_page.click("input[name=_continue]")
    assert "saved as a draft" in editor_page.locator(".messagelist").inner_text()
    assert "Live version differs from draft." in editor_page.locator("#draft-banner").inner_text()
    shots(editor_page, "7-live-story-with-a-draft")
    reader.reload()
    page_text = reader.locator("body").inner_text()
    assert PARAGRAPHS[0] in page_text and CORRECTED not in page_text

    editor_page.click("input[name=_workflow_publish_changes]")
    assert "are live" in editor_page.locator(".messagelist").inner_text()
    reader.reload()
    page_text = reader.locator("body").inner_text()
    assert CORRECTED in page_text and PARAGRAPHS[0] not in page_text
    kinds = list(article.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        ArticleEvent.Kind.SUBMITTED,
        ArticleEvent.Kind.PUBLISHED,
        ArticleEvent.Kind.CHANGES_PUBLISHED,
    ]
    assert article.events.get(kind=ArticleEvent.Kind.SUBMITTED).note.startswith("The charter's text is the source")

    # The reader finds the cited passage marked and opens the claim behind it from the keyboard.
    passage = reader.locator(".cited-passage")
    assert " ".join(passage.inner_text().split()) == f"{PARAGRAPHS[1]} (cited claim: verified)"
    assert passage.get_attribute("aria-expanded") == "false"
    passage.focus()
    reader.keyboard.press("Enter")
    note = reader.locator(".cited-note").first
    assert passage.get_attribute("aria-expanded") == "true" and note.is_visible()
    assert "Verified" in note.inner_text() and "The charter's text" in note.inner_text()
    shots(reader, "8-reader-opens-the-claim")

    for page in (reporter, editor_page, guest, reader):
        assert page.errors == []
