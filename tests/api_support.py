"""What the API tests share: making content public through the services, and reading the API's pages."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from newsroom.models import Article, FactBox
from relations.models import Claim
from tests.factories import ArticleClaimFactory, ArticleFactory, EditorFactory
from tests.helpers import editing, publish_article, publish_factbox

API = "/api/v1"


# --- Making content public ------------------------------------------------------------------


def live_story(*claims: Claim, **fields) -> Article:
    """A live story citing ``claims``: what makes them, their ties and their actors public."""
    article = ArticleFactory(**fields)
    for claim in claims:
        ArticleClaimFactory(article=article, claim=claim)
    return publish_article(article=article, by=EditorFactory())


def publish(article: Article, editor, *, at: datetime.datetime | None = None) -> Article:
    return publish_article(article=article, by=editor, publish_at=at)


def publish_box(box: FactBox, editor) -> FactBox:
    publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    return box


def backdate(article: Article, *, minutes_ago: int) -> Article:
    """Move a live article's publication into the past, so that lists have an order to show."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    with editing(article):
        Article.objects.filter(pk=article.pk).update(
            publish_at=when, first_published_at=when, last_published_at=when, last_modified_at=when
        )
    article.refresh_from_db()
    return article


# --- Reading the API --------------------------------------------------------------------------


def get(client: Client, path: str, **params):
    return client.get(path if path.startswith("http") else f"{API}{path}", params)


def body(client: Client, path: str, **params) -> dict:
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    return response.json()


def results(client: Client, path: str, **params) -> list[dict]:
    """The first page's items."""
    return body(client, path, **params)["results"]


def keys(client: Client, path: str, key: str = "slug", **params) -> list:
    return [item[key] for item in results(client, path, **params)]


def every_item(client: Client, path: str, **params) -> list[dict]:
    """Every item of a collection, following ``next`` to the end."""
    items = []
    page = body(client, path, **params)
    while True:
        items += page["results"]
        if not page["next"]:
            return items
        page = body(client, page["next"])


def errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def tie(item: dict) -> tuple[str, str, str]:
    """A relationship as (subject, type, object) slugs: demo ids differ from run to run."""
    type_slug = item["type"] if isinstance(item["type"], str) else item["type"]["slug"]
    subject, object_ = item["subject"], item["object"]
    if isinstance(subject, dict):
        subject, object_ = subject["slug"], object_["slug"]
    return subject, type_slug, object_
