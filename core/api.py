"""What every endpoint of the public API shares: pagination, ordering, error bodies and HTTP caching.

DRF's settings name the classes here, and DRF reads them while ``rest_framework.views`` is first
imported, so this module imports no view; the viewset every collection starts from is in
``core.viewsets``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe
from django.views import defaults
from rest_framework import exceptions, filters, negotiation, pagination, throttling

API_PREFIX = "/api/"


class CursorPagination(pagination.CursorPagination):
    """Keyset pages: a deep page costs what the first does, and rows added meanwhile shift nothing.

    A cursor is opaque, but it is still input: one that does not decode, or decodes to a
    position the ordering column cannot take (a date that is not one), answers 400 naming the
    parameter. A well-formed position past every row is no error: it is an empty page.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"
    cursor_query_description = (
        "Where this page starts. Take it from the `next` or `previous` address of a page this API gave; "
        "do not build one."
    )
    page_size_query_description = (
        "How many items a page holds: 1 to 100, 20 by default. A larger number gives 100; zero, a "
        "negative number or anything else gives 20."
    )

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self.position_is_valid(cursor.position):
            raise _cursor_error()
        return cursor

    def position_is_valid(self, position: str) -> bool:
        """Whether a decoded cursor's position is one the ordering column can hold."""
        # No text column holds a NUL character (PostgreSQL's text cannot), so such a position is
        # no row's; comparing it would be a database error there, not an empty page.
        return "\x00" not in position

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            raise _cursor_error() from error
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as error:
            raise _cursor_error() from error

    def get_paginated_response_schema(self, schema):
        example = f"https://news.example.org/api/v1/actors/?{self.cursor_query_param}=cD0xMjM%3D"
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Address of the following page, or null on the last one. Follow it as it is.",
                    "example": example,
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Address of the page before, or null on the first one.",
                    "example": example.replace("cD0xMjM", "cj0xJnA9MTQz"),
                },
                "results": {**schema, "description": "This page's items, in the list's order."},
            },
        }


def _cursor_error() -> exceptions.ValidationError:
    reason = "This cursor is not one this API gave out: start again from the first page."
    return exceptions.ValidationError({"cursor": [reason]})


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` with the fields each endpoint lists; any other field answers 400 instead of being ignored.

    A nullable column cannot be a cursor's position (a page ending on "no date" would
    give a cursor no query can read back), so such a field is ordered by a key the
    viewset annotates with the empty values sorted first, named in its ``ordering_keys``.
    The id always ends the ordering, so that rows with equal keys come in one order on
    every page.
    """

    def get_ordering(self, request, queryset, view):
        keys = getattr(view, "ordering_keys", {})
        ordering = []
        for term in super().get_ordering(request, queryset, view) or ():
            name = term.lstrip("-")
            ordering.append(term.replace(name, keys.get(name, name)))
        if ordering and not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        # One dash at most: "--name" is no field's order, and Django would refuse it with a FieldError.
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            allowed = ", ".join(sorted(valid))
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(unknown)}. Choose among: {allowed}."]}
            )
        return fields

    def get_schema_operation_parameters(self, view):
        fields = getattr(view, "ordering_fields", None)
        description = "Order of the list: a field name, or the name after `-` for descending."
        if fields and fields != "__all__":
            description += " Fields: " + ", ".join(f"`{field}`" for field in fields) + "."
        default = getattr(view, "ordering", None)
        if default:
            description += " Default: `" + ",".join([default] if isinstance(default, str) else default) + "`."
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string"},
            }
        ]


def exception_handler(exc, context):
    """Every error answers the same shape: ``{"status", "detail", "errors"?}``.

    ``errors`` maps each offending parameter (or field) to its reasons; ``detail``
    is one sentence for a person reading the response.
    """
    # Imported here: rest_framework.views resolves the negotiation and throttle classes
    # below while it is imported, so this module must not import it first.
    from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if request is not None and not isinstance(getattr(request, "accepted_renderer", None), BrowsableAPIRenderer):
        # The schema (YAML) and docs (HTML) views would render their errors in their own format.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid parameters."
        data = response.data
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        body["detail"] = str(response.data.get("detail", exc)) if isinstance(response.data, dict) else str(exc)
    response.data = body
    return response


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """JSON whatever the client asks for: an ``Accept`` or ``?format=`` the API cannot honour gets JSON, not 406/404.

    Where there is a choice (the browsable API when DEBUG is on, the schema's YAML and
    JSON), a request the API can honour still makes it.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except (exceptions.NotAcceptable, Http404):
            return renderers[0], renderers[0].media_type


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as the API throttle counts it: the connecting address, or
    with ``API_NUM_PROXIES`` set, the one the outermost trusted proxy saw. The admin's sign-in
    brake keys on the same, so that one proxy setting governs both."""
    return throttling.BaseThrottle().get_ident(request)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous readers' rate, from ``settings.API_ANON_RATE``.

    DRF copies its rates into a class attribute when it is imported; reading the
    setting on each request lets a changed setting apply (tests override it).

    The counts are kept in the default cache. While it is away (``config/cache.py``)
    the throttle lets every request through uncounted: the API is read-only and
    public, the same content is on the readers' pages, which have no allowance,
    and refusing would turn a cache outage into an API outage for every partner
    (README, "Throttling").
    """

    def get_rate(self):
        return settings.API_ANON_RATE

    def allow_request(self, request, view):
        if not getattr(self.cache, "available", True):
            return True
        return super().allow_request(request, view)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 handler: the API's error shape under /api/, the site's own 404 page everywhere else."""
    if not request.path.startswith(API_PREFIX):
        return defaults.page_not_found(request, exception)
    detail = "Nothing is published at this address. The list of collections is at /api/v1/."
    return JsonResponse({"status": 404, "detail": detail}, status=404)


class ApiCacheMiddleware(ConditionalGetMiddleware):
    """API answers are public and cacheable: ETag, conditional GET (304) and ``Cache-Control: public``.

    Django's conditional-GET middleware, on the API's paths only: the story pages
    decide their own validators. HEAD gets the same validators as GET, so a client
    can check for a change without the body: DRF renders the body for HEAD too, and
    the server drops it after the middleware.
    """

    def process_response(self, request, response):
        if not request.path.startswith(API_PREFIX) or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE)
        if request.method == "GET":
            return super().process_response(request, response)
        if response.streaming or not response.content:
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
