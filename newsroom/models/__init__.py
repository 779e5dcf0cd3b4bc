"""Editorial content: articles with their workflow, and the fact boxes that run alongside them."""

from newsroom.models.articles import Article, ArticleClaim, ArticleEvent, Correction
from newsroom.models.drafts import ArticleDraft, ArticleDraftClaim, PreviewLink
from newsroom.models.factboxes import (
    FactBox,
    FactBoxEvent,
    FactBoxItem,
    FactBoxPlacement,
    FactBoxReference,
    FactBoxVersion,
)

__all__ = [
    "Article",
    "ArticleClaim",
    "ArticleDraft",
    "ArticleDraftClaim",
    "ArticleEvent",
    "Correction",
    "FactBox",
    "FactBoxEvent",
    "FactBoxItem",
    "FactBoxPlacement",
    "FactBoxReference",
    "FactBoxVersion",
    "PreviewLink",
]
