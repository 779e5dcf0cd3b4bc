"""A partner's page pasted before a box's slug changed still shows the box, in a real browser."""

import pytest

from tests.newsroom.test_embed_browser import (
    _frame_sizes,
    _partner_page,
    _placeholder,
    _publish_box,
    _watch,
    partner_site,  # noqa: F401 - the fixture
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


def test_a_box_embedded_by_its_former_slug_is_framed_and_sized_on_another_origin(live_server, page, partner_site):  # noqa: F811
    box = _publish_box("first-address", ["One short statement."], title="A moved box")
    box.slug = "second-address"
    box.save()
    pasted = [
        _placeholder(live_server, "first-address", "A moved box"),
        f'<iframe src="{live_server.url}/embed/factboxes/first-address/v/1/" title="Pinned"></iframe>',
        f'<script src="{live_server.url}/embed.js"></script>',
    ]
    seen = _watch(page)

    page.goto(partner_site(_partner_page("\n".join(pasted))))

    frames = page.locator("iframe")
    frames.nth(1).wait_for(state="attached")
    for index in range(2):
        frame = frames.nth(index).element_handle()
        outer, inner = _frame_sizes(page, frame)
        assert abs(outer - inner) <= 3
        assert frame.content_frame().url.startswith(f"{live_server.url}/embed/factboxes/second-address/")
        assert "One short statement." in frame.content_frame().inner_text("body")
    assert seen == {"dialogs": [], "policy": []}
