"""The API's browsable documentation: Swagger UI over the OpenAPI schema, served from the app's own static files.

The split view serves the page's start-up script from its own address (``?script``) instead of
inline, which the Content-Security-Policy would refuse."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI over the schema, from the sidecar's files: the same page for every reader."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The start-up script would attach a CSRF token to writes, and asking for one sets a
        # cookie and varies the answer on it, which shared caches cannot keep. The API takes no writes.
        response.data["csrf_token"] = ""
        return response

    def options(self, request, *args, **kwargs):
        # DRF would describe the view through the page's template, which has no such page: a 500.
        return HttpResponse(headers={"Allow": ", ".join(self.allowed_methods)})
