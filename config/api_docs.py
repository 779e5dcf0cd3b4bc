"""The API's browsable documentation: Swagger UI over the OpenAPI schema, served from the app's own static files."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI over the schema, from the sidecar's files: the same page for every reader."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The page's script would attach a CSRF token to writes, and asking for one sets a
        # cookie and varies the page on it, which shared caches cannot keep. The API takes no writes.
        response.data["csrf_token"] = ""
        return response

    def options(self, request, *args, **kwargs):
        # DRF would describe the view through the page's template, which has no such page: a 500.
        return HttpResponse(headers={"Allow": ", ".join(self.allowed_methods)})
