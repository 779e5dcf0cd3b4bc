"""The public API's one router: every endpoint under /api/v1/, registered by the app that owns it."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
# JSON is the one format: no ".json" twin of every address to document, cache and test.
router.include_format_suffixes = False
