"""Health check for load balancers, and a plain answer when the database is away."""

import base64
import hashlib
import logging
import re
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.api import API_PREFIX

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


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


def with_its_styles_allowed(response: HttpResponse) -> HttpResponse:
    """``response`` with the Content-Security-Policy allowing exactly the inline ``<style>`` blocks
    it carries, by their hashes: the error pages style themselves without static files."""
    blocks = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    digests = [base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() for block in blocks]
    response._csp_update = {"style-src": [f"'sha256-{digest}'" for digest in digests]}
    return response


def service_unavailable() -> HttpResponse:
    """The static 503 page: it needs no database, no request context and no static files."""
    response = with_its_styles_allowed(HttpResponse(render_to_string("503.html"), status=503))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A cache or CDN keeping the outage page would go on serving it after the database is back.
    add_never_cache_headers(response)
    return response


def _database_error(exception: BaseException | None) -> bool:
    while exception is not None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return True
        exception = exception.__cause__
    return False


def _database_reachable() -> bool:
    """Whether the default database answers now. Never raises: it runs while another
    exception is being handled, and must not replace it."""
    try:
        connection.ensure_connection()
        return connection.is_usable()
    except Exception:
        return False


def _database_unavailable(exception: BaseException | None) -> bool:
    # A deadlock, a statement timeout or SQLite's "database is locked" raise OperationalError
    # too, with the database perfectly reachable: those are bugs to see as 500s in the logs,
    # not an outage to hide behind the 503 page.
    return _database_error(exception) and not _database_reachable()


class DatabaseUnavailableMiddleware:
    """Turn a lost database into 503 Service Unavailable with a static page.

    Without this a reader would get a 500, and a load balancer would not know
    to retry elsewhere. The page is rendered from a template that needs no
    database and no context processor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _database_unavailable(exception):
            return None
        logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
        return service_unavailable()


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: the 503 page for a database failure the middleware never saw.

    ``process_exception`` only sees exceptions from views. One raised by another
    middleware (a session saved on the way out) or while rendering an error page
    reaches Django's last-resort handler instead, which calls this while the
    exception is still being handled.
    """
    if _database_unavailable(sys.exc_info()[1]):
        return service_unavailable()
    if request.path.startswith(API_PREFIX):
        # A client of the API parses the documented error shape, and learns nothing of the cause.
        detail = "The server could not answer this request. Try again later."
        return JsonResponse({"status": 500, "detail": detail}, status=500)
    return with_its_styles_allowed(defaults.server_error(request, template_name=template_name))
