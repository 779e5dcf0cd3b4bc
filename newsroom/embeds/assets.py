"""The files an embed page inlines and serves, read once, with their CSP hashes and a rendering fingerprint."""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

NEWSROOM_DIR = Path(__file__).resolve().parent.parent
RENDER_SUFFIXES = {".py", ".html", ".css", ".js", ".svg"}


@dataclass(frozen=True)
class Assets:
    css: str  # factbox.css and the page's own rules, inlined in one <style>
    script: str  # the in-frame script, inlined
    host_script: str  # /embed.js
    style_source: str  # CSP sources allowing exactly the inline style and script
    script_source: str
    fingerprint: str  # changes whenever what renders an embed changes


def _static(name: str) -> str:
    path = finders.find(name)
    if not path:
        raise ImproperlyConfigured(f"The embeds need the static file {name}.")
    return Path(path).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def _render_fingerprint(*texts: str) -> str:
    """A digest of the app's code, templates and assets. A deployment that changes how an
    embed looks gets new ETags, so caches do not keep answering 304 for the old rendering;
    contents are hashed rather than timestamps, so that every app server agrees."""
    digest = hashlib.sha256()
    # The project's templates too: the readers' pages, cached like the embeds, extend base.html.
    for root in (NEWSROOM_DIR, Path(settings.BASE_DIR) / "templates"):
        files = (
            path
            for path in root.rglob("*")
            if path.suffix in RENDER_SUFFIXES
            and not {"migrations", "admin"} & set(path.relative_to(root).parts)
            and path.is_file()
        )
        for path in sorted(files):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    for text in texts:
        digest.update(text.encode())
    return digest.hexdigest()[:16]


@functools.cache
def _load() -> Assets:
    css = _static("newsroom/factbox.css") + "\n" + _static("newsroom/embed-frame.css")
    script = _static("newsroom/embed-frame.js")
    # Inlined verbatim (the CSP hashes are of the exact text), so they must not close their element.
    if "</style" in css.lower() or "</script" in script.lower():
        raise ImproperlyConfigured("An inlined embed asset closes its own element.")
    return Assets(
        css=css,
        script=script,
        host_script=_static("newsroom/embed.js"),
        style_source=_csp_hash(css),
        script_source=_csp_hash(script),
        fingerprint=_render_fingerprint(css, script),
    )


def assets() -> Assets:
    # Read once per process; with DEBUG on, an edited stylesheet shows without a restart.
    if settings.DEBUG:
        _load.cache_clear()
    return _load()
