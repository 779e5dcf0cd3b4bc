"""Public answers kept in the default cache: the readers' pages, embeds, ``/embed.js`` and oEmbed,
and the API.

Each answer is stored whole (status, headers, body) under a key naming everything
it depends on besides the data: the address with its query, the host and scheme
(its links are absolute), the code that made it, and for the API the media type
negotiated. It is served only while the public state it was made under is
current (``core.public_state``): every public change and every scheduled
moment ends it, so nothing withdrawn, and nothing not yet public, is served
from here.

- ``PublicCacheMiddleware`` sits right after WhiteNoise: a hit costs one cache
  round trip and none of the session, authentication, CSRF or messages
  machinery (the front, story and actor pages and the embeds use none of it,
  and set no cookie). It answers ``If-None-Match``/``If-Modified-Since`` from
  the stored validators itself.
- ``CachedApiAnswers`` is mixed into the API's viewsets: after the throttle has
  counted the request, a current stored answer stands in for the view.

Headers are the view's own either way: what the middlewares outside these
layers add (security headers, CORS, the API's ETag) they add to both.
See docs/architecture.md, "Caching".
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from django.utils.http import parse_etags, parse_http_date_safe

from core import public_state

log = logging.getLogger(__name__)

# Addresses the middleware answers, besides the front page; anything else never waits on the cache.
CACHED_PREFIXES = ("/sections/", "/stories/", "/actors/", "/embed/", "/embed.js", "/oembed/", "/developers/")
# Search, feeds, sitemaps and robots.txt: public answers too, made of public rows and the address.
CACHED_PREFIXES += ("/search/", "/feeds/", "/sitemap", "/robots.txt")
# The request headers that make a request conditional: a miss renders the full answer without them,
# so that it can be stored, and then answers them from the stored validators.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# Stored answers a later generation has made stale are never read again: they go after a day.
TIMEOUT = 24 * 60 * 60
CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".lock"}
# How many bytes of answers each process keeps in its own memory (see ``_Recent``).
RECENT_BYTES = 16 * 1024 * 1024


@functools.cache
def _code_digest() -> str:
    """The project's code, templates, static files and pinned dependencies: a deployment that
    changes any of them does not serve answers the previous one rendered. Hashed by content, so
    that every app server of one deployment agrees."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    roots = [base / name for name in ("config", "core", "relations", "newsroom", "templates")]
    files = [path for root in roots for path in root.rglob("*") if path.suffix in CODE_SUFFIXES and path.is_file()]
    for path in sorted([*files, base / "requirements.lock"]):
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# What else answers depend on that may change while the process runs, each a callable giving a
# fingerprint; the content apps register theirs (the embeds' assets, which the development server
# reloads without a restart).
_fingerprints: list[Callable[[], str]] = []


def register_fingerprint(fingerprint: Callable[[], str]) -> None:
    _fingerprints.append(fingerprint)


def code_digest() -> str:
    return _code_digest() + "".join(fingerprint() for fingerprint in _fingerprints)


def answer_key(request: HttpRequest, *parts: object) -> str:
    """The cache key of the answer to ``request``; raises DisallowedHost for a host not served."""
    material = "|".join(map(str, (code_digest(), request.scheme, request.get_host(), request.get_full_path(), *parts)))
    return "public-answer:" + hashlib.sha256(material.encode()).hexdigest()[:40]


# What Django's 304 keeps of the full answer (django.utils.cache._not_modified).
VALIDATORS = ("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Last-Modified", "Vary")

Stored = tuple[int, tuple[tuple[str, str], ...], bytes]


def _stored(response: HttpResponse) -> Stored | None:
    """What of ``response`` to keep, when it is a complete public 200 made with no reader in mind."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if "cookie" in response.get("Vary", "").lower() or "private" in response.get("Cache-Control", ""):
        return None
    return response.status_code, tuple(response.items()), response.content


def _rebuilt(value: Stored, names=None) -> HttpResponse:
    status, headers, content = value
    response = HttpResponse(content, status=status)
    for name, header in headers:
        if names is None or name in names:
            response[name] = header
    return response


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """304 (or 412) when the request's validators match the answer's, as the views decide it."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", "")) if "Last-Modified" in response else None
    answer = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    if answer is not response:
        # As CommonMiddleware, inside this one, gives the views' own 304s.
        answer["Content-Length"] = str(len(answer.content))
    return answer


def _answer(request: HttpRequest, value: Stored) -> HttpResponse:
    """The stored answer, or its 304 (or 412): a conditional request is first checked against
    the validators alone, since a revalidation mostly ends in a 304 that needs nothing else."""
    meta = request.META
    if not any(name in meta for name in CONDITIONAL_HEADERS):
        return _rebuilt(value)
    if "HTTP_IF_MATCH" not in meta and "HTTP_IF_UNMODIFIED_SINCE" not in meta:
        # The usual revalidation, an ETag sent back, decided here as get_conditional_response would:
        # If-None-Match alone counts (a date beside it is ignored), weak or strong alike.
        etags = parse_etags(meta.get("HTTP_IF_NONE_MATCH", ""))
        headers = dict(value[1])
        etag = headers.get("ETag")
        if etags and etag:
            if etags != ["*"] and etag.strip("W/") not in (sent.strip("W/") for sent in etags):
                return _rebuilt(value)
            answer = HttpResponseNotModified()
            for name in VALIDATORS:
                if name in headers:
                    answer[name] = headers[name]
            answer["Content-Length"] = "0"
            return answer
    probe = _rebuilt((value[0], value[1], b""), VALIDATORS)
    answer = _conditional(request, probe)
    return _rebuilt(value) if answer is probe else answer


class _Recent:
    """The answers this process served last, by key, each with the generation it was made under.

    Whether an answer is current is always read from the shared cache (two small keys); only
    the answer itself is taken from here when this process already holds it for that
    generation. Fetching a 40 kB embed from Redis and unpickling it on every hit cost more
    CPU than the rest of the answer."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, tuple[str, tuple]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, generation: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != generation:
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, generation: str, value: tuple) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[1][2])
            self.entries[key] = (generation, value)
            self.size += len(value[2])
            while self.size > self.budget and self.entries:
                _key, (_generation, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped[2])


_recent = _Recent(RECENT_BYTES)


def _find(key: str) -> tuple[str | None, tuple | None]:
    """The current generation and the answer stored under ``key`` for it, if any."""
    generation = public_state.lookup()
    if generation is None:
        return None, None
    value = _recent.get(key, generation)
    if value is None:
        value = public_state.unpack(cache.get(key), generation)
        if value is not None:
            _recent.put(key, generation, value)
    return generation, value


def _keep(key: str, generation: str, value: tuple) -> None:
    try:
        public_state.store(key, generation, value, TIMEOUT)
    except Exception:
        log.exception("Could not store a public answer.")
    _recent.put(key, generation, value)


def _cached_path(path: str) -> bool:
    return path == "/" or path.startswith(CACHED_PREFIXES)


def _cache_away() -> bool:
    """Whether the cache failed a moment ago (config/cache.py): the answer is then rendered, and not
    stored, without asking it again, nor working out the public state's next moment for it."""
    return not getattr(cache, "available", True)


class PublicCacheMiddleware:
    """The readers' pages, embeds, ``/embed.js`` and oEmbed from the cache, before the rest of
    the stack runs.

    The views mark what may be kept (``keep_public``); on a miss the view runs as
    usual and its answer is stored for the generation read before it ran.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _cached_path(request.path_info) or _cache_away():
            return self.get_response(request)
        try:
            key = answer_key(request)
            _generation, value = _find(key)
        except DisallowedHost:
            return self.get_response(request)
        except Exception:  # the cache being away must not take the embeds with it
            log.exception("Cache lookup failed; answering without it.")
            return self.get_response(request)
        if value is not None:
            return _answer(request, value)
        if _cache_away():
            return self.get_response(request)
        return self._fill(request, key)

    def _fill(self, request: HttpRequest, key: str) -> HttpResponse:
        try:
            generation = public_state.current()
        except Exception:
            log.exception("Cache lookup failed; answering without it.")
            return self.get_response(request)
        conditions = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META}
        try:
            response = self.get_response(request)
        finally:
            request.META.update(conditions)
        value = _stored(response) if getattr(response, "keep_public", False) else None
        if value is not None:
            _keep(key, generation, value)
        if conditions and response.status_code == 200:
            return _conditional(request, response)
        return response


def keep_public(response: HttpResponse) -> HttpResponse:
    """Mark a view's answer as one the public cache may keep: it reads nothing but public rows,
    the request's address and host, and nothing about the reader."""
    response.keep_public = True
    return response


class _Answered(Exception):  # not an error: it carries the stored answer past the view
    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


class CachedApiAnswers:
    """For the API's viewsets: a stored answer, while current, instead of the view's work.

    Looked up after ``initial()``, so that the throttle has counted the request and the
    media type is negotiated; stored when the view answers 200.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._public_answer = None
        if request.method not in ("GET", "HEAD") or _cache_away():
            return
        try:
            key = answer_key(request, request.accepted_media_type)
            _generation, value = _find(key)
            if value is None and not _cache_away():
                self._public_answer = key, public_state.current()
        except Exception:
            log.exception("Cache lookup failed; answering without it.")
            return
        if value is not None:
            raise _Answered(_rebuilt(value))

    def handle_exception(self, exc):
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        pending = getattr(self, "_public_answer", None)
        if pending is not None and response.status_code == 200:
            key, generation = pending
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            value = _stored(response)
            if value is not None:
                _keep(key, generation, value)
        return response
