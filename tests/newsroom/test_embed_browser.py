"""A partner's page on another origin embeds fact boxes with /embed.js, in a real browser."""

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from newsroom.models import FactBoxVersion
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
)
from tests.helpers import publish_factbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]

SCRIPT = "<script>window.__x=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__x=1;alert(1)">'
STYLE = "</style><script>window.__x=1;alert(1)</script>"
SVG = "</text></svg><svg onload=alert(1)>"
PAYLOADS = [SCRIPT, ATTRIBUTE, STYLE, SVG]
HOSTILE_URL = "javascript:window.__x=1;alert(1)"
PLACEHOLDER_URL = "https://example.org/placeholder-for-a-hostile-address"
HEIGHT_TOLERANCE = 3


@pytest.fixture
def partner_site():
    """Another origin (127.0.0.1 on its own port; the live server is ``localhost``) serving a page we set."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(html: str, path: str = "/article.html") -> str:
        pages[path] = html
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield publish
    server.shutdown()
    server.server_close()


def _partner_page(body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner's article</title></head>
<body style="margin:0 auto;max-width:640px;font-family:sans-serif">
<h1>A partner's article</h1>
<p>Their own reporting, then our boxes.</p>
{body}
<p>The end of their article.</p>
</body></html>"""


def _placeholder(live_server, slug: str, title: str) -> str:
    return f'<div data-factbox="{slug}"><a href="{live_server.url}/embed/factboxes/{slug}/">{title}</a></div>'


def _publish_box(slug: str, statements: list[str], **fields):
    box = FactBoxFactory(slug=slug, **fields)
    for position, text in enumerate(statements, start=1):
        FactBoxItemFactory(factbox=box, claim=ClaimFactory(text=text), position=position)
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


def _watch(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "policy": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen["policy"].append(message.text),
    )
    return seen


def _frame_sizes(page, frame_element) -> tuple[float, float]:
    """The iframe's height on the partner's page, and the height of the document inside it."""
    frame_element.scroll_into_view_if_needed()
    frame = frame_element.content_frame()
    frame.wait_for_load_state("load")
    deadline = time.monotonic() + 10
    while True:
        outer = frame_element.evaluate("el => el.getBoundingClientRect().height")
        inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        if abs(outer - inner) <= HEIGHT_TOLERANCE or time.monotonic() > deadline:
            return outer, inner
        time.sleep(0.1)


def test_two_boxes_on_another_origin_take_their_contents_heights(live_server, page, partner_site):
    _publish_box("short-box", ["One short statement."], title="A short box")
    long_statements = [
        f"Statement {n}: a longer line that wraps on a narrow column, as news copy does." for n in range(14)
    ]
    _publish_box("long-box", long_statements, title="A long box")
    body = "\n".join(
        [
            _placeholder(live_server, "short-box", "A short box"),
            _placeholder(live_server, "long-box", "A long box"),
            f'<script src="{live_server.url}/embed.js"></script>',
            # Twice, as a page pasting two snippets has it: no harm done.
            f'<script src="{live_server.url}/embed.js"></script>',
        ]
    )
    seen = _watch(page)

    page.goto(partner_site(_partner_page(body)))

    frames = page.locator("iframe")
    frames.nth(1).wait_for(state="attached")
    assert frames.count() == 2
    sizes = [_frame_sizes(page, frames.nth(i).element_handle()) for i in range(2)]
    for outer, inner in sizes:
        assert abs(outer - inner) <= HEIGHT_TOLERANCE, sizes
    assert sizes[1][0] > sizes[0][0] + 200
    assert [frames.nth(i).get_attribute("title") for i in range(2)] == ["A short box", "A long box"]
    assert frames.nth(0).evaluate("el => [el.style.width, getComputedStyle(el).borderTopWidth, el.loading]") == [
        "100%",
        "0px",
        "lazy",
    ]
    assert page.locator("div[data-factbox] > a").count() == 0  # the fallback gave way to the frame
    assert "One short statement." in frames.nth(0).element_handle().content_frame().inner_text("body")
    assert seen == {"dialogs": [], "policy": []}


def test_pasted_oembed_snippet_resizes_on_another_origin(live_server, page, partner_site):
    long_statements = [f"Statement {n}, as pasted by a partner's editor." for n in range(10)]
    _publish_box("long-box", long_statements, title="A long box")
    embed = quote(f"{live_server.url}/embed/factboxes/long-box/", safe="")
    with urllib.request.urlopen(f"{live_server.url}/oembed/?url={embed}&format=json", timeout=10) as response:
        snippet = json.loads(response.read())["html"]
    seen = _watch(page)

    page.goto(partner_site(_partner_page(snippet)))

    frame = page.locator("iframe").element_handle()
    outer, inner = _frame_sizes(page, frame)
    assert abs(outer - inner) <= HEIGHT_TOLERANCE
    assert seen == {"dialogs": [], "policy": []}


def test_pasted_snippets_log_nothing_in_the_partners_console(live_server, new_page, partner_site):
    # Below the fold, lazy frames are still about:blank (the host's origin) when /embed.js first asks them
    # their heights: the request must not be refused with an error in the partner's console.
    boxes = [
        (f"box-{n}", [f"Statement {i} of box {n}, as a partner pastes it." for i in range(4 + n)]) for n in range(4)
    ]
    snippets = []
    for slug, statements in boxes:
        _publish_box(slug, statements, title=f"Box {slug}")
        embed = quote(f"{live_server.url}/embed/factboxes/{slug}/", safe="")
        with urllib.request.urlopen(f"{live_server.url}/oembed/?url={embed}&maxwidth=400", timeout=10) as response:
            snippets.append(json.loads(response.read())["html"])
    spacer = '<p style="height:1500px">Their reporting.</p>'
    page = new_page(width=1280, height=720)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    partner_site(" ", path="/favicon.ico")  # the partner's own 404 is not ours to report
    page.goto(partner_site(_partner_page(spacer.join(snippets) + spacer)))
    frames = page.locator("iframe")
    sizes = [_frame_sizes(page, frames.nth(i).element_handle()) for i in range(len(boxes))]

    assert console == [] and page.errors == []
    for outer, inner in sizes:
        assert abs(outer - inner) <= HEIGHT_TOLERANCE, sizes
    assert {frames.nth(i).evaluate("el => el.getBoundingClientRect().width") for i in range(len(boxes))} == {400}


def test_a_compact_placeholder_frames_the_compact_box(live_server, new_page, partner_site):
    _publish_box("long-box", [f"Statement {n}." for n in range(8)], title="A long box")
    link = f'<a href="{live_server.url}/embed/factboxes/long-box/">A long box</a>'
    holder = f'<div data-factbox="long-box" data-compact>{link}</div>'
    page = new_page(width=800, height=720)

    page.goto(partner_site(_partner_page(holder + f'<script src="{live_server.url}/embed.js"></script>')))
    frame = page.locator("iframe")
    outer, inner = _frame_sizes(page, frame.element_handle())

    assert frame.get_attribute("src") == f"{live_server.url}/embed/factboxes/long-box/?compact=1"
    assert abs(outer - inner) <= HEIGHT_TOLERANCE
    content = frame.element_handle().content_frame()
    assert "See all 8 items" in content.inner_text("body") and "Statement 3." not in content.inner_text("body")


def test_a_height_from_another_origin_is_ignored(live_server, page, partner_site):
    _publish_box("short-box", ["One short statement."])
    body = _placeholder(live_server, "short-box", "A short box") + f'<script src="{live_server.url}/embed.js"></script>'
    page.goto(partner_site(_partner_page(body)))
    frame = page.locator("iframe").element_handle()
    outer, _inner = _frame_sizes(page, frame)

    # The partner page (another origin) posts a height as if it were the frame.
    page.evaluate(
        """() => window.dispatchEvent(new MessageEvent("message", {
            data: {type: "newsroom:factbox-height", height: 5000},
            origin: location.origin,
            source: document.querySelector("iframe").contentWindow,
        }))"""
    )
    page.wait_for_timeout(300)

    assert frame.evaluate("el => el.getBoundingClientRect().height") == outer


def _hostile_boxes() -> list[str]:
    """A key-facts box and a relationship map whose every text field carries a script payload."""
    text = " ".join(PAYLOADS)
    speaker = ActorFactory(name=f"Speaker {SCRIPT}", slug="speaker", kind="person", description=text)
    ActorAliasFactory(actor=speaker, name=ATTRIBUTE)
    claim = ClaimFactory(text=f"Claim {text}", quote=f"Quote {text}", attributed_to=speaker, internal_note=SCRIPT)
    claim.sources.add(SourceFactory(title=f"Source {text}", url=PLACEHOLDER_URL, publisher=STYLE))
    kind = RelationshipTypeFactory(label=f"backs {SVG}", inverse_label=f"is backed by {ATTRIBUTE}")
    north = ActorFactory(name=f"North {SVG}", slug="north", description=text)
    south = ActorFactory(name=f"South {STYLE}", slug="south", description=text)
    tie = RelationshipFactory(subject=north, object=south, type=kind, summary=f"Tie {text}")
    ClaimRelationshipFactory(claim=claim, relationship=tie, stance="supports")

    facts = FactBoxFactory(slug="hostile-facts", title=f"Facts {SCRIPT}", intro=f"Intro {text}")
    for position, content in enumerate(
        [{"claim": claim}, {"relationship": tie}, {"actor": speaker}, {"text": f"Line {ATTRIBUTE}"[:300]}], start=1
    ):
        FactBoxItemFactory(factbox=facts, position=position, **{"claim": None, **content})
    chart = FactBoxFactory(slug="hostile-map", kind="relationship_map", title=f"Map {STYLE}", intro=f"Intro {text}")
    for position, content in enumerate([{"actor": north}, {"actor": south}, {"relationship": tie}], start=1):
        FactBoxItemFactory(factbox=chart, position=position, **{"claim": None, **content})
    for box in (facts, chart):
        version = publish_factbox(factbox=box, by=EditorFactory())
        # The database takes no such source address now; a version frozen before that rule may hold one.
        stored = json.loads(json.dumps(version.payload).replace(PLACEHOLDER_URL, HOSTILE_URL))
        FactBoxVersion.objects.filter(pk=version.pk).update(payload=stored)
    return ["hostile-facts", "hostile-map"]


def test_script_payloads_in_every_text_field_stay_inert_text(live_server, page, partner_site):
    slugs = _hostile_boxes()
    placeholders = "\n".join(_placeholder(live_server, slug, slug) for slug in slugs)
    body = placeholders + f'\n<script src="{live_server.url}/embed.js"></script>'
    seen = _watch(page)

    page.goto(partner_site(_partner_page(body)))

    frames = page.locator("iframe")
    frames.nth(1).wait_for(state="attached")
    for i in range(2):
        handle = frames.nth(i).element_handle()
        _frame_sizes(page, handle)
        frame = handle.content_frame()
        shown = frame.inner_text("body")
        assert SCRIPT in shown and ATTRIBUTE in shown and STYLE in shown, slugs[i]
        assert frame.evaluate("typeof window.__x") == "undefined"
        assert frame.evaluate("document.querySelectorAll('[onerror], [onload], img[src=x]').length") == 0
        assert frame.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"])').length") == 1
        assert frame.evaluate("[...document.links].filter(a => !/^https?:/.test(a.href)).length") == 0
    assert page.evaluate("typeof window.__x") == "undefined"
    assert seen == {"dialogs": [], "policy": []}
