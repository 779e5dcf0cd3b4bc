"""``manage.py generate_archive`` at a small scale: the archive it writes is one the app reads as its own."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Article, ArticleClaim, ArticleEvent, FactBox, FactBoxReference, FactBoxVersion
from newsroom.richtext import sanitise
from relations import closure
from relations.models import Actor, ActorAlias, Claim, ClaimReach, ClaimRelationship, PublicChange, Relationship, Source

pytestmark = pytest.mark.django_db
CLAIMS = 300


def _generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_archive", claims=CLAIMS, seed=7, stdout=out, **options)
    return out.getvalue()


def test_archive(settings, client):
    """One archive, checked from every side the app reads it from (each generation takes seconds)."""
    settings.DEMO_CONTENT = True
    report = _generate()
    _counts_and_links(report)
    _every_workflow_state_with_what_the_services_set()
    _published_boxes_render_and_embed(client)
    _public_api_lists(client)
    _the_closure_is_as_the_roots_derive_it()
    _refuses_a_full_archive_and_replaces_it_with_flush_the_same_again()


def _counts_and_links(archive: str) -> None:
    assert Claim.objects.count() == CLAIMS
    assert Article.objects.count() == CLAIMS // 10
    assert FactBox.objects.count() == 20
    assert Actor.objects.count() >= CLAIMS // 20
    assert set(Actor.objects.values_list("kind", flat=True)) >= {"country", "person", "organisation", "bloc"}
    assert ActorAlias.objects.exists()
    assert Relationship.objects.count() >= 60
    assert Source.objects.exists()
    assert 1.75 <= Claim.actors.through.objects.count() / CLAIMS <= 2.05
    assert 0.85 <= ClaimRelationship.objects.count() / CLAIMS <= 1.05
    assert 1.0 <= ArticleClaim.objects.count() / CLAIMS <= 1.2
    assert set(ClaimRelationship.objects.values_list("stance", flat=True)) == {"supports", "contradicts", "context"}
    # The command reports what it made and how long each part took.
    assert "relations.Claim: 300 rows" in archive
    assert "published closure (rebuild):" in archive
    assert "written in" in archive


def _every_workflow_state_with_what_the_services_set() -> None:
    now = timezone.now()
    articles = Article.objects.all()
    assert set(articles.values_list("status", flat=True)) == {"draft", "in_review", "published", "withdrawn"}
    assert articles.public().exists()
    assert articles.scheduled().exists()
    for article in articles.filter(status__in=["published", "withdrawn"]):
        assert article.first_published_at == article.last_published_at == article.publish_at
        assert article.last_modified_at >= article.publish_at
        assert article.body == sanitise(article.body)
    for article in articles.filter(status__in=["draft", "in_review"]):
        assert article.publish_at is article.first_published_at is None
    scheduled = articles.scheduled().first()
    assert scheduled.publish_at > now
    assert ArticleEvent.objects.filter(article=scheduled, kind="scheduled").exists()
    # Live content cites no claim found false; unpublished content may.
    refused = ["false", "retracted"]
    assert not Claim.objects.filter(citations__article__status="published", verification__in=refused).exists()
    assert Claim.objects.filter(verification__in=refused).exists()
    assert Claim.objects.exclude(verification="unverified").filter(verified_at__isnull=True).count() == 0
    withdrawn = articles.filter(status="withdrawn").first()
    assert PublicChange.objects.filter(object_id=withdrawn.pk, kind="withdrawn", key=withdrawn.slug).exists()
    assert set(FactBox.objects.values_list("status", flat=True)) <= {"published", "withdrawn", "draft"}


def _published_boxes_render_and_embed(client) -> None:
    big = FactBox.objects.get(slug="ten-country-map")
    payload = big.published_version.payload
    assert len([item for item in payload["items"] if item["type"] == "actor"]) == 10
    assert any(item["type"] == "relationship" for item in payload["items"])
    key_facts = FactBox.objects.filter(kind="key_facts", status="published").first()
    for box in (big, key_facts):
        response = client.get(reverse("embed_factbox", args=[box.slug]))
        assert response.status_code == 200
        assert box.title.encode() in response.content or box.title in response.content.decode()
    # Every box published through the service has a version with what it shows.
    assert FactBoxReference.objects.filter(version__factbox=big).exists()
    assert FactBoxVersion.objects.filter(factbox__status="published").count() >= 20
    story = Article.objects.public().filter(factbox_placements__isnull=False).first()
    assert client.get(reverse("story", args=[story.slug])).status_code == 200


def _public_api_lists(client) -> None:
    for path in ("articles", "claims", "actors", "relationships", "factboxes", "changes"):
        response = client.get(f"/api/v1/{path}/")
        assert response.status_code == 200, response.content[:300]
        assert response.json()["results"], path


def _the_closure_is_as_the_roots_derive_it() -> None:
    assert not closure.check()
    # Scrambled, the whole closure comes back from the roots.
    Claim.objects.filter(pk__in=Claim.objects.order_by("pk").values("pk")[:100]).update(public_from=None)
    Relationship.objects.update(public_from=timezone.now())
    Actor.objects.update(published_claim_count=3, published_relationship_count=0)
    ClaimReach.objects.filter(pk__in=ClaimReach.objects.order_by("pk").values("pk")[:100]).delete()
    assert closure.check()
    closure.rebuild()
    assert not closure.check()
    out = io.StringIO()
    call_command("check_closure", stdout=out)
    assert "matches" in out.getvalue()


def _refuses_a_full_archive_and_replaces_it_with_flush_the_same_again() -> None:
    with pytest.raises(CommandError, match="--flush"):
        _generate()
    texts = list(Claim.objects.order_by("pk").values_list("text", flat=True)[:50])
    _generate(flush=True)
    assert Claim.objects.count() == CLAIMS
    assert list(Claim.objects.order_by("pk").values_list("text", flat=True)[:50]) == texts
    assert not closure.check()


def test_demo_content_off_refuses(settings):
    settings.DEMO_CONTENT = False
    with pytest.raises(CommandError, match="DEMO_CONTENT"):
        _generate()
