"""Reusable reads on editorial content; ``.public()`` is what readers may see."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def public(self, *, at: datetime.datetime | None = None) -> ArticleQuerySet:
        """Live articles: published, with a publish-at that has passed.

        Scheduling needs no job: a scheduled article is simply not live yet.
        The clock is read in Python, not with the database's NOW(), so that
        every query in one request agrees on the moment and tests can freeze it.
        """
        return self.filter(status="published", publish_at__lte=at or timezone.now())

    def scheduled(self, *, at: datetime.datetime | None = None) -> ArticleQuerySet:
        return self.filter(status="published", publish_at__gt=at or timezone.now())

    def in_review(self) -> ArticleQuerySet:
        return self.filter(status="in_review")

    def about(self, actor) -> ArticleQuerySet:
        return self.filter(actors=actor)

    def citing(self, claim) -> ArticleQuerySet:
        return self.filter(claim_citations__claim=claim)


def live_article_claims() -> Q:
    from newsroom.models import Article, ArticleClaim

    return Q(pk__in=ArticleClaim.objects.filter(article__in=Article.objects.public()).values("claim"))


def live_article_actors() -> Q:
    from newsroom.models import Article

    return Q(pk__in=Article.actors.through.objects.filter(article__in=Article.objects.public()).values("actor"))
