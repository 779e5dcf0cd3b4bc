"""The editors' workspace for editorial content: articles and fact boxes."""

from newsroom.admin import articles, factboxes  # noqa: F401  (each module registers its admins)
