"""Load the demo story idempotently: a second run finds everything in place and writes nothing."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.db import models, transaction

from newsroom import demo_content as content
from newsroom.models import Article, ArticleClaim
from newsroom.services import article_tag_mentioned_actors
from relations.models import (
    Actor,
    ActorAlias,
    Claim,
    ClaimRelationship,
    Relationship,
    RelationshipType,
    Source,
)
from relations.services import claim_set_verification

DEMO_EDITOR_USERNAME = "editor"
# Demo only: load_demo refuses to run unless settings.DEMO_CONTENT is on.
DEMO_EDITOR_PASSWORD = "axis-at-a-glance"


@dataclass
class DemoResult:
    editor: AbstractUser
    articles: list[Article]
    created: int = 0
    updated: int = 0


@transaction.atomic
def load_demo() -> DemoResult:
    result = DemoResult(editor=_demo_editor(), articles=[])
    upsert = _Upserter(result)

    actors = {}
    for slug, (kind, name, wikidata_id, description, aliases) in content.ACTORS.items():
        actor = upsert(Actor, {"slug": slug}, kind=kind, name=name, wikidata_id=wikidata_id, description=description)
        for alias in aliases:
            upsert(ActorAlias, {"actor": actor, "name": alias})
        actors[slug] = actor

    types = {t.slug: t for t in RelationshipType.objects.all()}
    relationships = {}
    for key, (subject, type_slug, object_, status, valid_from, summary) in content.RELATIONSHIPS.items():
        # Let the model put a symmetric pair in its stored order before looking it up.
        probe = Relationship(subject=actors[subject], object=actors[object_], type=types[type_slug])
        probe.clean()
        date, precision = valid_from or (None, "day")
        relationships[key] = upsert(
            Relationship,
            {"subject": probe.subject, "object": probe.object, "type": probe.type},
            status=status,
            valid_from=date,
            valid_from_precision=precision,
            summary=summary,
        )

    source_fields = dict(content.STORY_SOURCE)
    source = upsert(Source, {"url": source_fields.pop("url")}, **source_fields)

    claims = {}
    for key, (text, kind, attributed_to, about, stances, verification, note) in content.CLAIMS.items():
        claim = upsert(
            Claim,
            {"text": text},
            kind=kind,
            attributed_to=actors[attributed_to] if attributed_to else None,
            internal_note=note,
        )
        if claim.verification != verification:
            claim_set_verification(claim=claim, state=verification, by=result.editor)
        claim.actors.set([actors[slug] for slug in about])
        claim.sources.set([source])
        for relationship_key, stance in stances.items():
            upsert(ClaimRelationship, {"claim": claim, "relationship": relationships[relationship_key]}, stance=stance)
        claim.relationship_links.exclude(relationship__in=[relationships[k] for k in stances]).delete()
        claims[key] = claim

    for fields, paragraphs in ((content.ARTICLE, content.PARAGRAPHS), (content.BRIEF, content.BRIEF_PARAGRAPHS)):
        body = "\n".join(f"<p>{html.escape(text, quote=False)}</p>" for text, _ in paragraphs)
        article = upsert(
            Article, {"slug": fields["slug"]}, **{k: v for k, v in fields.items() if k != "slug"}, body=body
        )
        for position, (passage, claim_key) in enumerate(paragraphs, start=1):
            upsert(ArticleClaim, {"article": article, "claim": claims[claim_key]}, position=position, passage=passage)
        article_tag_mentioned_actors(article=article)
        result.articles.append(article)
    return result


def _demo_editor() -> AbstractUser:
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_EDITOR_USERNAME,
        defaults={"is_staff": True, "first_name": "Demo", "last_name": "Editor", "email": "editor@example.org"},
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    # set_password salts anew each time; only reset it when it no longer matches.
    if not user.check_password(DEMO_EDITOR_PASSWORD):
        user.set_password(DEMO_EDITOR_PASSWORD)
        user.save(update_fields=["password"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["relations", "newsroom"]))
    return user


class _Upserter:
    """Create a row, or bring an existing one up to date, saving only what differs."""

    def __init__(self, result: DemoResult) -> None:
        self.result = result

    def __call__(self, model: type[models.Model], lookup: dict, **values) -> models.Model:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.result.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            self.result.updated += 1
        return obj
