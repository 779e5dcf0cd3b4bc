"""State changes on articles, shared by the admin and management commands."""

from django.db import transaction

from newsroom.models import Article
from relations.mentions import mentioned_actors
from relations.models import Actor


def article_mentioned_actors(*, article: Article) -> list[Actor]:
    return mentioned_actors(article.plain_text)


@transaction.atomic
def article_tag_mentioned_actors(*, article: Article) -> list[Actor]:
    """Tag the article with every actor its text mentions; returns those newly tagged."""
    already = set(article.actors.values_list("pk", flat=True))
    new = [actor for actor in article_mentioned_actors(article=article) if actor.pk not in already]
    article.actors.add(*new)
    return new
