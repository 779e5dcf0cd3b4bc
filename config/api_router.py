"""The public API's one router: every endpoint under /api/v1/, registered by the app that owns it."""

from rest_framework import routers
from rest_framework.routers import DefaultRouter

from core.addresses import absolute_url
from newsroom.api.views import ArticleViewSet, ChangeViewSet, ClaimViewSet, FactBoxViewSet
from relations.api.views import ActorViewSet, RelationshipTypeViewSet, RelationshipViewSet


class APIRootView(routers.APIRootView):
    """The collections' addresses, and under ``_links`` the documentation's: a client that walks the
    collections skips the one key that is not one (HAL's convention). The same two links go in
    ``Link`` headers (RFC 8631), for clients that read headers, not bodies."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        links = {"docs": absolute_url(request, "api-docs"), "schema": absolute_url(request, "api-schema")}
        response.data["_links"] = links
        response["Link"] = f'<{links["docs"]}>; rel="service-doc", <{links["schema"]}>; rel="service-desc"'
        return response


router = DefaultRouter()
router.APIRootView = APIRootView
# JSON is the one format: no ".json" twin of every address to document, cache and test.
router.include_format_suffixes = False

# The newsroom's collections: stories, fact boxes and the feed of changes.
router.register("articles", ArticleViewSet, basename="article")
router.register("factboxes", FactBoxViewSet, basename="factbox")
router.register("changes", ChangeViewSet, basename="change")
# The knowledge graph's claims, with the live stories citing each.
router.register("claims", ClaimViewSet, basename="claim")

# The knowledge graph's other collections.
router.register("actors", ActorViewSet, basename="actor")
router.register("relationship-types", RelationshipTypeViewSet, basename="relationship-type")
router.register("relationships", RelationshipViewSet, basename="relationship")
