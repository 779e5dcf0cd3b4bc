"""What the knowledge graph's API tests share: the demo, live content to make rows public, reading lists."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client

from newsroom.models import Article
from newsroom.services import article_publish
from relations.models import Claim
from tests.factories import ArticleClaimFactory, ArticleFactory, EditorFactory

API = "/api/v1"


def load_demo(settings) -> None:
    settings.DEMO_CONTENT = True
    call_command("load_demo", stdout=io.StringIO())


def live_story(*claims: Claim, **fields) -> Article:
    """A live story citing ``claims``: what makes them, their ties and their actors public."""
    article = ArticleFactory(**fields)
    for claim in claims:
        ArticleClaimFactory(article=article, claim=claim)
    return article_publish(article=article, by=EditorFactory())


def get(client: Client, path: str, **params):
    return client.get(path if path.startswith("http") else f"{API}{path}", params)


def body(client: Client, path: str, **params) -> dict:
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    return response.json()


def results(client: Client, path: str, **params) -> list[dict]:
    """The first page's items."""
    return body(client, path, **params)["results"]


def every_item(client: Client, path: str, **params) -> list[dict]:
    """Every item of a collection, following ``next`` to the end."""
    items = []
    page = body(client, path, **params)
    while True:
        items += page["results"]
        if not page["next"]:
            return items
        page = body(client, page["next"])


def tie(item: dict) -> tuple[str, str, str]:
    """A relationship as (subject, type, object) slugs: demo ids differ from run to run."""
    type_slug = item["type"] if isinstance(item["type"], str) else item["type"]["slug"]
    subject, object_ = item["subject"], item["object"]
    if isinstance(subject, dict):
        subject, object_ = subject["slug"], object_["slug"]
    return subject, type_slug, object_


def errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]
