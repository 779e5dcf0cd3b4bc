"""The public API's one router: every endpoint under /api/v1/, registered by the app that owns it."""

from rest_framework.routers import DefaultRouter

from newsroom.api.views import ArticleViewSet, ChangeViewSet, ClaimViewSet, FactBoxViewSet
from relations.api.views import ActorViewSet, RelationshipTypeViewSet, RelationshipViewSet

router = DefaultRouter()
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
