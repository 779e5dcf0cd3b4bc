"""Health check for load balancers, and a plain answer when the database is away.

A request that fails because the database connection is lost, or cannot be made,
answers 503 with ``Retry-After``: the failure is the outage's, and the same request
will succeed once the database is back. Any other database error (a deadlock, a lock
or statement timeout) stays a 500, a bug to see in the logs. See docs/architecture.md,
"When the database is away".
"""

import base64
import hashlib
import logging
import re
import sys

import psycopg
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.api import API_PREFIX
from newsroom.embeds.pages import frame_ancestors_directive, requested_theme

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# PostgreSQL's codes for a connection that was ended or refused: class 08 (connection exception), the
# backend terminated by an administrator or a shutdown (57P01, 57P02), the server starting up or
# shutting down (57P03), and no connection slot left (53300). Each is over when the server is back.
CONNECTION_LOST_CLASSES = ("08",)
CONNECTION_LOST_CODES = {"57P01", "57P02", "57P03", "53300"}
# The answers' bodies, documented in the README ("Production").
UNAVAILABLE_DETAIL = "The service cannot reach its database just now. Try again shortly."
EMBED_ROUTES = {"embed_factbox", "embed_factbox_version", "embed_story"}
OEMBED_ROUTE = "oembed"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def _style_hashes(html: str) -> list[str]:
    blocks = re.findall(r"<style>(.*?)</style>", html, re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'" for block in blocks]


def with_its_styles_allowed(response: HttpResponse) -> HttpResponse:
    """``response`` with the Content-Security-Policy allowing exactly the inline ``<style>`` blocks
    it carries, by their hashes: the error pages style themselves without static files."""
    response._csp_update = {"style-src": _style_hashes(response.content.decode())}
    return response


def _route(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if request.resolver_match is not None:
        return request.resolver_match.url_name
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _page() -> HttpResponse:
    return with_its_styles_allowed(HttpResponse(render_to_string("503.html"), status=503))


def _embed_page(request: HttpRequest) -> HttpResponse:
    """A short note in the frame, which the sites that may frame the embed may frame too."""
    theme = requested_theme(request)
    html = render_to_string("503_embed.html", {"color_scheme": "light dark" if theme == "auto" else theme})
    response = HttpResponse(html, status=503)
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {' '.join(_style_hashes(html))}; base-uri 'none'; "
        f"form-action 'none'; {frame_ancestors_directive(settings.EMBED_FRAME_ANCESTORS)}"
    )
    response.xframe_options_exempt = True
    return response


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 answer, in the form the address's clients read: the API's JSON error, oEmbed's,
    a note an embed's frame can show, or the static page. None of them needs the database, a
    request context or static files."""
    route = _route(request)
    if request is not None and request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"status": 503, "detail": UNAVAILABLE_DETAIL}, status=503)
    elif route == OEMBED_ROUTE:
        # oEmbed's own error shape, as its 400, 404 and 501 answers; readable from any site, as its answers are.
        response = JsonResponse({"error": UNAVAILABLE_DETAIL}, status=503)
        response["Access-Control-Allow-Origin"] = "*"
    elif route in EMBED_ROUTES:
        response = _embed_page(request)
    else:
        response = _page()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A cache or CDN keeping the outage answer would go on serving it after the database is back.
    add_never_cache_headers(response)
    return response


def _chain(exception: BaseException | None):
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        yield exception
        exception = exception.__cause__


def _database_reachable() -> bool:
    """Whether the default database answers now. Never raises: it runs while another
    exception is being handled, and must not replace it."""
    try:
        connection.ensure_connection()
        return connection.is_usable()
    except Exception:
        return False


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether ``exception`` is the database connection lost or refused: an outage, which a
    retry will get past, rather than a bug.

    PostgreSQL says which it is: the driver's error carries the server's SQLSTATE, or
    none when the client saw the connection fail (refused, timed out, closed under it).
    A deadlock (40P01), a lock or statement timeout (55P03, 57014) come with the database
    perfectly reachable: those stay 500s. For a driver that does not say (SQLite, whose
    "database is locked" is as much an OperationalError as "unable to open database
    file"), the database is asked whether it answers now.
    """
    errors = list(_chain(exception))
    if not any(isinstance(error, DATABASE_UNAVAILABLE) for error in errors):
        return False
    if any(isinstance(error, InterfaceError | psycopg.InterfaceError) for error in errors):
        # The connection was already closed, by the server or by a failure before.
        return True
    for error in errors:
        if isinstance(error, psycopg.Error):
            sqlstate = error.sqlstate
            if sqlstate is None:
                return isinstance(error, psycopg.OperationalError)
            return sqlstate.startswith(CONNECTION_LOST_CLASSES) or sqlstate in CONNECTION_LOST_CODES
    return not _database_reachable()


class DatabaseUnavailableMiddleware:
    """Turn a lost database into 503 Service Unavailable with a static answer.

    Without this a reader would get a 500, and a load balancer would not know
    to retry elsewhere. The answer is rendered from templates that need no
    database and no context processor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
        return service_unavailable(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: the 503 answer for a database failure the middleware never saw.

    ``process_exception`` only sees exceptions from views. One raised by another
    middleware (a session saved on the way out) or while rendering an error page
    reaches Django's last-resort handler instead, which calls this while the
    exception is still being handled.
    """
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if request.path.startswith(API_PREFIX):
        # A client of the API parses the documented error shape, and learns nothing of the cause.
        detail = "The server could not answer this request. Try again later."
        return JsonResponse({"status": 500, "detail": detail}, status=500)
    return with_its_styles_allowed(defaults.server_error(request, template_name=template_name))
