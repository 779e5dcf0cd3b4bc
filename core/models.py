"""The one table of the shared layer: invalidations the cache could not take (``core.invalidations``)."""

from django.db import models


class UnsentInvalidation(models.Model):
    """A cache key whose new token never reached the cache: deleted from the cache before it is used again."""

    key = models.CharField(max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
