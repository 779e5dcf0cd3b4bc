"""In a real browser: an editor reorders a map's ties by dragging and with the keyboard, adds an item
by kind, and the preview beside the items follows the form, numbers included, before anything is saved."""

import pytest

from newsroom.models import FactBox, FactBoxItem
from tests.factories import ActorFactory, RelationshipFactory, RelationshipTypeFactory, RoleEditorFactory
from tests.helpers import change_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]

PASSWORD = "correct horse battery staple"


def tie_row(page, label: str):
    return page.locator("#items-group tr.has_original", has_text=label)


def preview_ties(page) -> list[str]:
    frame = page.frame_locator("iframe.factbox-preview-frame")
    return [text.strip() for text in frame.locator("table.fb-ties tbody .fb-tie-label").all_inner_texts()]


def wait_for_first_tie(page, label: str) -> None:
    """Until the preview's table of ties starts with ``label`` (the frame reloads after each change)."""
    page.wait_for_function(
        "label => { const doc = document.querySelector('iframe.factbox-preview-frame').contentDocument;"
        " const first = doc && doc.querySelector('#factbox-preview-data')"
        " && doc.querySelector('table.fb-ties tbody .fb-tie-label');"
        " return first !== null && first.textContent.trim() === label; }",
        arg=label,
    )


def test_dragging_a_tie_renumbers_it_and_the_preview_follows(page, live_server):
    RoleEditorFactory(username="eddie")
    china, russia, iran = (ActorFactory(name=name) for name in ("China", "Russia", "Iran"))
    box = FactBox.objects.create(kind=FactBox.Kind.RELATIONSHIP_MAP, title="The axis", slug="the-axis")
    for position, actor in enumerate((china, russia, iran), start=1):
        FactBoxItem.objects.create(factbox=box, actor=actor, position=position)
    arms = RelationshipFactory(subject=iran, object=russia, type=RelationshipTypeFactory(label="supplies arms to"))
    energy = RelationshipFactory(subject=russia, object=china, type=RelationshipTypeFactory(label="sells oil to"))
    FactBoxItem.objects.create(factbox=box, relationship=arms, position=4)
    FactBoxItem.objects.create(factbox=box, relationship=energy, position=5)

    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{live_server.url}/admin/login/?next={change_url(box)}")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    # django-admin-sortable2 makes the rows draggable once the page has loaded.
    page.wait_for_load_state("load")

    assert tie_row(page, "Iran supplies arms to Russia").locator(".factbox-reader-place").inner_text() == "Tie 1"
    assert preview_ties(page) == ["supplies arms to", "sells oil to"]
    # Wide screens: the preview sits beside the items.
    items, preview = page.locator("#items-group").bounding_box(), page.locator("#factbox-preview").bounding_box()
    assert preview["x"] > items["x"] + items["width"] - 1

    # Drag the second tie above the first by its handle.
    handle = tie_row(page, "Russia sells oil to China").locator("td.original p")
    target = tie_row(page, "Iran supplies arms to Russia").locator("td.original p")
    handle.drag_to(target, target_position={"x": 5, "y": 2})
    order = "Array.from(document.querySelectorAll('#items-group tr.has_original input._reorder_'), i => i.value)"
    assert page.evaluate(order) == ["1", "2", "3", "4", "5"]
    assert tie_row(page, "Russia sells oil to China").locator("input._reorder_").input_value() == "4"
    wait_for_first_tie(page, "sells oil to")
    page.locator("#factbox-preview-status", has_text="shows the form as it stands").wait_for()
    assert preview_ties(page) == ["sells oil to", "supplies arms to"]
    assert tie_row(page, "Russia sells oil to China").locator(".factbox-reader-place").inner_text() == "Tie 1"
    assert tie_row(page, "Iran supplies arms to Russia").locator(".factbox-reader-place").inner_text() == "Tie 2"
    assert FactBoxItem.objects.get(relationship=energy).position == 5  # nothing saved yet

    # The keyboard does the same: the arms tie moves back up with its "Move up" button.
    tie_row(page, "Iran supplies arms to Russia").get_by_role("button", name="Move up").press("Enter")
    wait_for_first_tie(page, "supplies arms to")
    assert tie_row(page, "Iran supplies arms to Russia").locator(".factbox-reader-place").inner_text() == "Tie 1"

    # A text line added by its button shows only the text field, and appears in the preview.
    page.get_by_role("button", name="Add text line").click()
    new_row = page.locator("#items-group tr.form-row:not(.has_original):not(.empty-form)").last
    assert new_row.locator('.factbox-item-field[data-kind="text"]').is_visible()
    assert not new_row.locator('.factbox-item-field[data-kind="claim"]').is_visible()
    new_row.locator('input[name$="-text"]').fill("Both deny it.")
    page.frame_locator("iframe.factbox-preview-frame").get_by_text("Both deny it.").wait_for()
    assert new_row.locator(".factbox-reader-place").inner_text() == "Under the map"

    page.click("input[name=_continue]")
    assert [item.content for item in box.items.filter(relationship__isnull=False).order_by("position")] == [
        arms,
        energy,
    ]
    assert box.items.filter(text="Both deny it.").exists()
    # The preview's form, its frame and the data it hands back break none of the page's policy.
    assert refused == []
