"""The heights oEmbed gives (and the admin's snippet) are those the demo's embeds render at, in Chromium."""

import pytest

from newsroom.benchmark import embed_heights

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_demo_embed_is_as_tall_as_oembed_says_at_every_width(live_demo, live_server, browser, capsys):
    rows = embed_heights.measure(browser, live_server.url)

    with capsys.disabled():
        print("\n" + embed_heights.table(rows))
    assert {row.width for row in rows} == set(embed_heights.WIDTHS)
    assert len(rows) >= 4 * 9  # four boxes and their compact forms, and the story's card, at four widths
    assert [row for row in rows if not row.ok] == []
