"""What the newsroom API tests share: the demo, publishing through the services, reading pages of results."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsroom.factboxes.services import factbox_publish
from newsroom.models import Article, FactBox
from newsroom.services import article_publish

API = "/api/v1"


def load_demo(settings) -> None:
    settings.DEMO_CONTENT = True
    call_command("load_demo", stdout=io.StringIO())


def publish(article: Article, editor, *, at: datetime.datetime | None = None) -> Article:
    return article_publish(article=article, by=editor, publish_at=at)


def publish_box(box: FactBox, editor) -> FactBox:
    factbox_publish(factbox=box, by=editor)
    box.refresh_from_db()
    return box


def backdate(article: Article, *, minutes_ago: int) -> Article:
    """Move a live article's publication into the past, so that lists have an order to show."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Article.objects.filter(pk=article.pk).update(
        publish_at=when, first_published_at=when, last_published_at=when, last_modified_at=when
    )
    article.refresh_from_db()
    return article


def get(client: Client, path: str, **params):
    response = client.get(path if path.startswith("http") else f"{API}{path}", params)
    return response


def results(client: Client, path: str, **params) -> list[dict]:
    """The first page's items; asserts the page answered 200."""
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(client: Client, path: str, key: str = "slug", **params) -> list:
    return [item[key] for item in results(client, path, **params)]


def every_item(client: Client, path: str, **params) -> list[dict]:
    """Every item of a collection, following ``next`` to the end."""
    items = []
    response = get(client, path, **params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["results"]
        if not body["next"]:
            return items
        response = client.get(body["next"])
