"""In Chromium: an editor writes in the body's editor, cites a recorded claim and a new one by
selecting their passages, is asked before deleting a cited passage, and a reader opens a cited
claim from its passage with the keyboard. No page breaks its Content-Security-Policy."""

import pytest

from newsroom.demo import DEMO_EDITOR_PASSWORD, DEMO_EDITOR_USERNAME
from newsroom.demo_content import ARTICLE
from newsroom.models import Article, ArticleClaim
from relations.models import Actor, Claim

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def editor_page(page, live_server, live_demo):
    page.add_init_script(RECORD_VIOLATIONS)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", DEMO_EDITOR_USERNAME)
    page.fill("#id_password", DEMO_EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return page


def _type_paragraph_at_the_end(page, text: str) -> None:
    # The cursor goes to the end through the editor (a click lands wherever the layout puts it), and
    # the paragraph is typed once the editor has the focus. Predicates are functions: a bare
    # expression is evaluated with eval() while polling, which the page's policy refuses.
    page.evaluate("() => document.querySelector('.tiptap').editor.commands.focus('end')")
    page.wait_for_function("() => document.activeElement.classList.contains('ProseMirror')")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const p = document.querySelector('.tiptap.ProseMirror').lastElementChild;"
        " return p.tagName === 'P' && p.textContent === ''; }"
    )
    page.keyboard.type(text)
    # Three clicks select the paragraph, however many lines the editor's width wraps it to.
    page.locator(".tiptap.ProseMirror p").last.click(click_count=3)


def test_an_editor_cites_a_recorded_claim_and_a_new_one_from_the_text(editor_page, live_server):
    page = editor_page
    article = Article.objects.get(slug=ARTICLE["slug"])
    before = ArticleClaim.objects.filter(article=article).count()
    recorded = Claim.objects.create(text="Iran sold crude oil to Chinese refiners in 2025.")
    page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    page.wait_for_selector(".tiptap.ProseMirror")
    cite = page.get_by_role("button", name="Cite a claim")

    _type_paragraph_at_the_end(page, "Iran kept selling oil to China.")
    cite.click()
    dialog = page.locator("dialog.cite-dialog")
    assert "Iran kept selling oil to China." in dialog.locator(".cite-passage").inner_text()
    assert page.evaluate("() => document.activeElement.type") == "search"
    page.keyboard.type("crude")
    dialog.get_by_role("button", name=str(recorded)).click()
    dialog.wait_for(state="detached")

    _type_paragraph_at_the_end(page, "Tehran says the drones came first.")
    cite.click()
    dialog = page.locator("dialog.cite-dialog")
    assert dialog.locator("textarea").first.input_value() == "Tehran says the drones came first."
    dialog.locator("select").first.select_option("assessment")
    dialog.get_by_label("Who says so").fill("Iran")
    dialog.locator(".cite-pick").first.get_by_role("button", name="Iran", exact=True).click()
    dialog.get_by_label("Source address").fill("https://example.org/tehran-statement")
    dialog.get_by_role("button", name="Create the claim and cite it").click()
    dialog.wait_for(state="detached")

    body = page.locator("#id_body").input_value()
    assert f'<mark data-claim="{recorded.pk}">Iran kept selling oil to China.</mark>' in body
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    made = Claim.objects.get(text="Tehran says the drones came first.")
    assert (made.kind, made.attributed_to, made.verification) == (
        "assessment",
        Actor.objects.get(name="Iran"),
        "unverified",
    )
    assert list(made.sources.values_list("url", flat=True)) == ["https://example.org/tehran-statement"]
    # The demo story is live: the edits, citations included, wait in its draft; readers' citations are as they were.
    assert ArticleClaim.objects.filter(article=article).count() == before
    cited = list(article.draft_citations.order_by("position").values_list("claim", "passage"))
    assert len(cited) == before + 2
    assert cited[-2:] == [
        (recorded.pk, "Iran kept selling oil to China."),
        (made.pk, "Tehran says the drones came first."),
    ]
    assert page.evaluate("window.__violations") == [] and page.errors == []


def test_deleting_a_cited_passage_asks_first(editor_page, live_server):
    page = editor_page
    article = Article.objects.get(slug=ARTICLE["slug"])
    page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    page.wait_for_selector(".tiptap.ProseMirror")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    first = page.locator(".tiptap.ProseMirror p").first
    text = first.inner_text()
    first.click(click_count=3)
    page.keyboard.press("Backspace")
    assert len(asked) == 1 and "citation will be removed" in asked[0]
    assert page.locator(".tiptap.ProseMirror p").first.inner_text() == text


def test_a_reader_opens_a_cited_claim_from_its_passage_with_the_keyboard(page, live_server, live_demo):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/stories/{ARTICLE['slug']}/")
    passage = page.locator(".cited-passage").first
    note = page.locator(".cited-note").first
    assert passage.get_attribute("aria-expanded") == "false" and note.is_hidden()
    passage.focus()
    page.keyboard.press("Enter")
    assert passage.get_attribute("aria-expanded") == "true" and note.is_visible()
    assert "who says so" in note.inner_text().lower()
    page.keyboard.press("Escape")
    assert passage.get_attribute("aria-expanded") == "false" and note.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('cited-passage')")
    assert page.evaluate("window.__violations") == []
