"""Load the demo story idempotently: a second run finds everything in place and writes nothing."""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction
from django.utils import timezone

from newsroom import demo_content as content
from newsroom import roles
from newsroom.factboxes.services import factbox_publish, factbox_start_relationship_map, factbox_unverified_claims
from newsroom.factboxes.snapshots import build_snapshot, same_content
from newsroom.models import Article, FactBox, FactBoxItem, FactBoxPlacement
from newsroom.services import (
    article_publish,
    article_submit_for_review,
    article_sync_citations,
    article_tag_mentioned_actors,
    article_unverified_claims,
)
from relations import closure
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

# Demo only: load_demo refuses to run unless settings.DEMO_CONTENT is on.
DEMO_PASSWORD = "axis-at-a-glance"
DEMO_EDITOR_USERNAME = "editor"
DEMO_EDITOR_PASSWORD = DEMO_PASSWORD
DEMO_REPORTER_USERNAME = "reporter"
DEMO_FACTCHECKER_USERNAME = "factchecker"
SCHEDULED_AFTER = datetime.timedelta(days=3)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    title: str
    # People are known by name on the start page, in the header and in the audit trail.
    first_name: str = ""
    last_name: str = ""


DEMO_ACCOUNTS = (
    DemoAccount(DEMO_EDITOR_USERNAME, roles.EDITOR, "Editor", "Amina", "Haddad"),
    DemoAccount(DEMO_REPORTER_USERNAME, roles.REPORTER, "Reporter", "Tomás", "Reyes"),
    DemoAccount(DEMO_FACTCHECKER_USERNAME, roles.FACT_CHECKER, "Fact-checker", "Mei", "Chen"),
)
# What the demo's reporter tells the editors when handing in the brief.
BRIEF_SUBMISSION_NOTE = "Kept short on purpose: the ceasefire timeline still needs a check."


@dataclass
class DemoResult:
    users: dict[str, AbstractUser] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    factboxes: list[FactBox] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def editor(self) -> AbstractUser:
        return self.users[DEMO_EDITOR_USERNAME]

    @property
    def reporter(self) -> AbstractUser:
        return self.users[DEMO_REPORTER_USERNAME]

    @property
    def factchecker(self) -> AbstractUser:
        return self.users[DEMO_FACTCHECKER_USERNAME]


@transaction.atomic
def load_demo() -> DemoResult:
    # One revision for the whole load, so every object's history starts with the demo.
    with reversion.create_revision():
        result = DemoResult()
        for account in DEMO_ACCOUNTS:
            result.users[account.username] = demo_user(account, result)
        reversion.set_user(result.editor)
        reversion.set_comment("Demo content")
        # Loaded again, the demo brings its live stories and public claims back to what it wrote.
        with closure.maintained(_demo_articles(), _demo_claims()):
            _load_story(result)
    return result


def _demo_articles() -> models.QuerySet:
    slugs = [fields["slug"] for fields in (content.ARTICLE, content.BRIEF, content.SCHEDULED)]
    return Article.objects.filter(slug__in=slugs)


def _demo_claims() -> models.QuerySet:
    return Claim.objects.filter(text__in=[text for text, *_rest in content.CLAIMS.values()])


def _load_story(result: DemoResult) -> None:
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
        # A verdict set by anyone else (an older demo gave them to the editor) is set again,
        # so the demo shows fact-checking as the fact-checker's job.
        checked_by = None if verification == Claim.Verification.UNVERIFIED else result.factchecker.pk
        if claim.verification != verification or claim.verified_by_id != checked_by:
            claim_set_verification(claim=claim, state=verification, by=result.factchecker)
            result.updated += 1
        claim.actors.set([actors[slug] for slug in about])
        claim.sources.set([source])
        for relationship_key, stance in stances.items():
            upsert(ClaimRelationship, {"claim": claim, "relationship": relationships[relationship_key]}, stance=stance)
        claim.relationship_links.exclude(relationship__in=[relationships[k] for k in stances]).delete()
        claims[key] = claim

    story = _article(upsert, claims, content.ARTICLE, content.PARAGRAPHS, by=result.editor, author=result.reporter)
    story = _submit(story, result)
    story = _publish(story, result)

    brief = _article(upsert, claims, content.BRIEF, content.BRIEF_PARAGRAPHS, by=result.editor, author=result.reporter)
    brief = _submit(brief, result, note=BRIEF_SUBMISSION_NOTE)

    scheduled = _article(
        upsert, claims, content.SCHEDULED, content.SCHEDULED_PARAGRAPHS, by=result.editor, author=result.reporter
    )
    scheduled = _submit(scheduled, result)
    scheduled = _publish(scheduled, result, publish_at=timezone.now() + SCHEDULED_AFTER)

    result.articles.extend([story, brief, scheduled])

    boxes = {content.AXIS_MAP["slug"]: _axis_map(result, actors)}
    for slug, spec in content.FACTBOXES.items():
        boxes[slug] = _factbox(upsert, slug, spec, claims=claims, relationships=relationships, actors=actors)
    for position, (slug, after_paragraph) in enumerate(content.PLACEMENTS, start=1):
        upsert(
            FactBoxPlacement,
            {"factbox": boxes[slug], "article": story},
            after_paragraph=after_paragraph,
            position=position,
        )
    for box in boxes.values():
        _publish_box(box, result)
    result.factboxes.extend(boxes.values())


def _article(
    upsert: _Upserter,
    claims: dict[str, Claim],
    fields: dict,
    paragraphs: list,
    *,
    by: AbstractUser,
    author: AbstractUser,
) -> Article:
    """The article's text and citations, whatever its workflow state; ``author`` started it."""
    # Each cited paragraph is the passage its claim comes from, marked in the text: saving derives
    # the citations from the marks, in the order of the text, as the editor's saves do.
    body = "\n".join(
        f'<p><mark data-claim="{claims[claim_key].pk}">{html.escape(text, quote=False)}</mark></p>'
        if claim_key
        else f"<p>{html.escape(text, quote=False)}</p>"
        for text, claim_key in paragraphs
    )
    article = upsert(
        Article,
        {"slug": fields["slug"]},
        **{k: v for k, v in fields.items() if k != "slug"},
        body=body,
        created_by=author,
    )
    article_sync_citations(article=article, by=by)
    article_tag_mentioned_actors(article=article, by=by)
    return article


# Each step moves an article only from the state just before it: an article already
# further along (or withdrawn, or rescheduled by an editor) is left where it is.


def _submit(article: Article, result: DemoResult, *, note: str = "") -> Article:
    if article.status != Article.Status.DRAFT:
        return article
    result.updated += 1
    return article_submit_for_review(article=article, by=result.reporter, note=note)


def _publish(article: Article, result: DemoResult, *, publish_at: datetime.datetime | None = None) -> Article:
    if article.status != Article.Status.IN_REVIEW:
        return article
    result.updated += 1
    # The demo's stories quote assessments and cite claims still awaiting the fact-checker: its editor
    # publishes them knowingly, as the admin would ask an editor to, and the audit trail says so.
    unverified = [claim.pk for claim in article_unverified_claims(article=article)]
    return article_publish(article=article, by=result.editor, publish_at=publish_at, confirmed_unverified=unverified)


def _axis_map(result: DemoResult, actors: dict[str, Actor]) -> FactBox:
    """Started from its actors, the way an editor starts a map; left as it is once it exists."""
    spec = content.AXIS_MAP
    box = FactBox.objects.filter(slug=spec["slug"]).first()
    if box is None:
        chosen = [actors[slug] for slug in spec["actors"]]
        box = factbox_start_relationship_map(actors=chosen, by=result.editor, title=spec["title"], slug=spec["slug"])
        box.intro = spec["intro"]
        box.save(update_fields=["intro", "updated_at"])
        result.created += 1 + box.items.count()
    return box


def _factbox(upsert: _Upserter, slug: str, spec: dict, **targets: dict) -> FactBox:
    box = upsert(FactBox, {"slug": slug}, kind=spec["kind"], title=spec["title"], intro=spec["intro"])
    for position, (kind, key, *when) in enumerate(spec["items"], start=1):
        date, precision = when[0] if when else (None, "day")
        fields = {"claim": None, "relationship": None, "actor": None, "text": ""}
        fields.update(date=date, date_precision=precision)
        fields[kind] = key if kind == "text" else targets[f"{kind}s"][key]
        upsert(FactBoxItem, {"factbox": box, "position": position}, **fields)
    box.items.filter(position__gt=len(spec["items"])).delete()
    return box


def _publish_box(box: FactBox, result: DemoResult) -> None:
    """Publish the box when readers do not yet see its draft as it stands."""
    box.refresh_from_db()
    if box.is_live and same_content(build_snapshot(box).payload, box.published_version.payload):
        return
    unverified = [claim.pk for claim in factbox_unverified_claims(factbox=box)]
    factbox_publish(factbox=box, by=result.editor, confirmed_unverified=unverified)
    result.updated += 1


def demo_user(account: DemoAccount, result: DemoResult) -> AbstractUser:
    """A staff account whose only rights are its role's group: what a real newsroom member gets."""
    group = _role(account.role)
    user, created = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={
            "is_staff": True,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": f"{account.username}@example.org",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    flags = {
        "is_staff": True,
        "is_superuser": False,
        "first_name": account.first_name,
        "last_name": account.last_name,
    }
    changed = [name for name, value in flags.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, flags[name])
    # set_password salts anew each time; only reset it when it no longer matches.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    if list(user.groups.all()) != [group]:
        user.groups.set([group])
        changed.append("groups")
    if user.user_permissions.exists():
        user.user_permissions.clear()
        changed.append("user_permissions")
    if created:
        result.created += 1
    elif changed:
        result.updated += 1
    return user


def _role(name: str) -> Group:
    # `manage.py flush` empties the tables migrations filled too: put the roles back.
    return roles.ensure_roles()[name]


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
            if hasattr(obj, "edit_count"):
                # An editor's form opened before this reload is then refused instead of saved over it.
                obj.edit_count += 1
            obj.full_clean()
            obj.save()
            self.result.updated += 1
        return obj
