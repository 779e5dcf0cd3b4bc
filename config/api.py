"""What every endpoint of the public API shares: pagination, ordering, error bodies and HTTP caching."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control
from rest_framework import exceptions, filters, pagination
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
# Ids in addresses are bounded so that a number no column can hold answers 404, not a database error.
ID_PATTERN = r"[0-9]{1,18}"


class CursorPagination(pagination.CursorPagination):
    """Keyset pages: a deep page costs what the first does, and rows added meanwhile shift nothing.

    A cursor is opaque, but it is still input: one that does not decode, or decodes to a
    position the ordering column cannot hold, answers 400 naming the parameter.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            raise _cursor_error() from error
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as error:
            raise _cursor_error() from error


def _cursor_error() -> exceptions.ValidationError:
    reason = "This cursor is not one this API gave out: start again from the first page."
    return exceptions.ValidationError({"cursor": [reason]})


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` with the fields each endpoint lists; any other field answers 400 instead of being ignored."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            allowed = ", ".join(sorted(valid))
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(unknown)}. Choose among: {allowed}."]}
            )
        return fields


def exception_handler(exc, context):
    """Every error answers the same shape: ``{"status", "detail", "errors"?}``.

    ``errors`` maps each offending parameter (or field) to its reasons; ``detail``
    is one sentence for a person reading the response.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid parameters."
        data = response.data
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    else:
        body["detail"] = str(response.data.get("detail", exc)) if isinstance(response.data, dict) else str(exc)
    response.data = body
    return response


class ApiCacheMiddleware(ConditionalGetMiddleware):
    """API answers are public and cacheable: ETag, conditional GET (304) and ``Cache-Control: public``.

    Django's conditional-GET middleware, on the API's paths only: the story pages
    decide their own validators.
    """

    def process_response(self, request, response):
        if not request.path.startswith(API_PREFIX) or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE)
        return super().process_response(request, response)
