"""What the benchmark requests in one database, found by querying it, and what each request costs in queries.

Runs in a process whose default database is the scale being measured. Nothing here knows how the
archive was made: it asks for the best-connected actor, a live story, a published box and so on, so
the same code finds comparable targets at a thousand claims and at a million.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.factboxes.services import factbox_publish, factbox_start_relationship_map, factbox_unverified_claims
from newsroom.models import Article, FactBox, FactBoxItem
from newsroom.models.factboxes import PUBLISH_FACTBOX_PERMISSION
from newsroom.roles import EDITOR
from relations.models import Actor, Claim, ClaimRelationship, Relationship

HOST = "127.0.0.1"
# The servers sit behind "the load balancer": it says the request came over HTTPS.
FORWARDED = {"X-Forwarded-Proto": "https"}
DEEP_PAGE = 50
MAP_ACTORS = 10
KEY_FACTS_CLAIMS = 8


class ProbeError(Exception):
    pass


@dataclass
class Target:
    name: str
    group: str  # api, pages, embed, admin
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    search: bool = False
    queries: int | None = None
    note: str = ""


def _client(cookie: str = "") -> Client:
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def check_migrated() -> None:
    # Migrating a million-claim archive is a release step, not something a benchmark should start unasked.
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ProbeError(f"{connection.settings_dict['NAME']} has unapplied migrations: run manage.py migrate on it.")


def best_actor() -> Actor:
    actor = Actor.objects.public().order_by("-published_claim_count", "pk").first()
    if actor is None:
        raise ProbeError("no public actor: the database holds no published content.")
    return actor


def _deep_page(client: Client, first: str) -> tuple[str, int]:
    """The address `DEEP_PAGE - 1` `next` links from the first page, or the last page if the list is shorter."""
    path, depth = first, 1
    while depth < DEEP_PAGE:
        response = client.get(path)
        if response.status_code != 200:
            raise ProbeError(f"{path} answered {response.status_code} while following next links.")
        following = response.json().get("next")
        if not following:
            break
        path, depth = _path(following), depth + 1
    return path, depth


def public_targets(actor: Actor) -> tuple[list[Target], dict]:
    client = _client()
    story = Article.objects.public().order_by("-publish_at", "-pk").first()
    box = FactBox.objects.public().select_related("published_version").order_by("-last_published_at", "-pk").first()
    if story is None or box is None:
        raise ProbeError("the benchmark needs a live story and a published fact box.")
    ties = Relationship.objects.public().filter(Q(subject=actor) | Q(object=actor))
    # A day the actor's most recently begun tie already held, so the filter has something to find.
    today = timezone.localdate()
    dated = ties.filter(valid_from__lte=today).order_by("-valid_from").values_list("valid_from", flat=True).first()
    active_on = (dated or story.publish_at.date()).isoformat()
    term = actor.name.split()[0]

    targets = []
    # Every collection the API's root lists, so that one added later is measured too.
    for prefix in client.get("/api/v1/").json():
        if prefix.startswith("_"):  # "_links": the documentation's addresses, not a collection
            continue
        first = f"/api/v1/{prefix}/"
        targets.append(Target(f"API {prefix}, first page", "api", first))
        deep, depth = _deep_page(client, first)
        note = "" if depth == DEEP_PAGE else f"ends at page {depth}"
        targets.append(Target(f"API {prefix}, page {DEEP_PAGE}", "api", deep, note=note))
    embed = f"/embed/factboxes/{box.slug}/"
    targets += [
        Target("API claims by actor", "api", f"/api/v1/claims/?actor={actor.slug}"),
        Target(
            "API relationships by actor and active_on",
            "api",
            f"/api/v1/relationships/?actor={actor.slug}&active_on={active_on}",
        ),
        Target("API actors by q", "api", f"/api/v1/actors/?q={quote(term)}", search=True),
        Target("API articles by actor", "api", f"/api/v1/articles/?actor={actor.slug}"),
        Target("API story detail", "api", f"/api/v1/articles/{story.slug}/"),
        Target("API network, depth 2", "api", f"/api/v1/actors/{actor.slug}/network/?depth=2"),
        Target("front page", "pages", "/"),
        Target("story page", "pages", f"/stories/{story.slug}/"),
        Target("actor page", "pages", f"/actors/{actor.slug}/"),
        Target("embed, hot", "embed", embed),
        Target("embed, pinned version", "embed", f"/embed/factboxes/{box.slug}/v/{box.published_version.number}/"),
        Target("oEmbed", "embed", f"/oembed/?url={quote(f'https://{HOST}{embed}', safe='')}"),
    ]
    response = client.get(embed)
    if response.status_code != 200:
        raise ProbeError(f"{embed} answered {response.status_code}.")
    targets.append(Target("embed, 304", "embed", embed, headers={"If-None-Match": response["ETag"]}, expect=304))
    found = {
        "actor": actor.slug,
        "actor_published_claims": actor.published_claim_count,
        "story": story.slug,
        "factbox": box.slug,
        "active_on": active_on,
        "q": term,
    }
    return targets, {"found": found, "embed": {"path": embed, "body": response.content.decode()}}


def editor_session() -> dict:
    """A session for an editor, made directly so that no login signal touches the account; the
    benchmark deletes it (and the account, if it had to create one) when it is done."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    user = users.filter(groups__name=EDITOR, is_superuser=False).order_by("pk").first()
    created = user is None
    if created:
        from newsroom.roles import ensure_roles

        user = users.model.objects.create_user(username=f"benchmark-editor-{time.time_ns()}", is_staff=True)
        user.groups.add(ensure_roles()[EDITOR])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that signs users in; the sign-in brake before it only vets attempts.
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"key": session.session_key, "user": user.pk, "created_user": created, "username": user.get_username()}


def cleanup(*, session_key: str, user: int | None) -> None:
    SessionStore(session_key=session_key).delete()
    if user is not None:
        get_user_model().objects.filter(pk=user).delete()


def admin_targets(actor: Actor, user_pk: int) -> list[Target]:
    """The start page; every changelist the editor may see, searched, and filtered by each of its
    list filters in turn (the first choice each offers); two change forms."""
    user = get_user_model().objects.get(pk=user_pk)
    term = actor.name.split()[0]
    targets = [Target("admin start page", "admin", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        request = RequestFactory().get(url)
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            continue
        label = f"admin {opts.verbose_name_plural}"
        targets.append(Target(f"{label}, list", "admin", url))
        if model_admin.get_search_fields(request):
            targets.append(Target(f"{label}, search", "admin", f"{url}?q={quote(term)}", search=True))
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            lookup = getattr(spec, "lookup_kwarg", None)
            if spec.__class__.__name__.startswith("AutocompleteListFilter"):
                query = f"?{lookup}={actor.pk}"
            else:
                choices = [choice for choice in spec.choices(changelist) if not choice["selected"]]
                if not choices:
                    continue
                query = choices[0]["query_string"]
            targets.append(Target(f"{label}, filter {spec.title}", "admin", f"{url}{query}"))
    many = ClaimRelationship.objects.values("claim").annotate(n=Count("pk")).order_by("-n", "claim").first()
    targets.append(
        Target("admin actor, change form", "admin", reverse("admin:relations_actor_change", args=[actor.pk]))
    )
    if many is not None:
        targets.append(
            Target(
                "admin claim, change form",
                "admin",
                reverse("admin:relations_claim_change", args=[many["claim"]]),
                note=f"{many['n']} relationships",
            )
        )
    return targets


def count_queries(targets: list[Target], cookie: str = "") -> None:
    """Each target's queries on its second request, once whatever a worker keeps between requests is warm.
    Public answers are counted with no cache: a stored answer costs none, and the count is the view's."""
    client = _client(cookie)
    uncached = override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
    for target in targets:
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in target.headers.items()}
        with uncached if target.group != "admin" else contextlib.nullcontext():
            client.get(target.path, **headers)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(target.path, **headers)
        if response.status_code != target.expect:
            raise ProbeError(f"{target.path} answered {response.status_code}, not {target.expect}.")
        target.queries = len(queries)


class _RolledBack(Exception):
    pass


def _publish_in_rollback(compose, user) -> tuple[float, int]:
    """Milliseconds and queries of publishing the draft ``compose`` makes, all of it then rolled back."""
    elapsed, queries = 0.0, 0
    try:
        with transaction.atomic():
            box = compose()
            # The editor's confirmation of any unverified claims, as the admin asks for it before publishing.
            unverified = [claim.pk for claim in factbox_unverified_claims(factbox=box)]
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                factbox_publish(factbox=box, by=user, confirmed_unverified=unverified)
                elapsed = (time.perf_counter() - start) * 1000
            queries = len(captured)
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed, queries


def time_publishing(actor: Actor, user_pk: int, samples: int) -> list[dict]:
    """Publishing through the real service, each time in a transaction rolled back afterwards, so the
    database is left as it was found. Only the publish call is timed, not composing the draft."""
    user = get_user_model().objects.get(pk=user_pk)
    if not user.has_perm(PUBLISH_FACTBOX_PERMISSION):
        raise ProbeError(f"{user} may not publish fact boxes: the Editor role lacks the permission.")
    # The actor and those it has public ties with: a map of ten actors with no tie among them is refused.
    partners: list[int] = []
    sides = Relationship.objects.public().filter(Q(subject=actor) | Q(object=actor)).values_list("subject", "object")
    for subject, object_ in sides.order_by("pk")[: MAP_ACTORS * 20]:
        other = object_ if subject == actor.pk else subject
        if other not in partners and len(partners) < MAP_ACTORS - 1:
            partners.append(other)
    actors = [actor, *Actor.objects.filter(pk__in=partners).order_by("pk")]
    claims = list(
        Claim.objects.public()
        .concerning(actor)
        .exclude(verification__in=[Claim.Verification.FALSE, Claim.Verification.RETRACTED])
        .order_by("-pk")[:KEY_FACTS_CLAIMS]
    )

    def relationship_map() -> FactBox:
        return factbox_start_relationship_map(actors=actors, by=user, slug=f"benchmark-map-{time.time_ns()}")

    def key_facts() -> FactBox:
        box = FactBox.objects.create(
            kind=FactBox.Kind.KEY_FACTS, title=f"Key facts: {actor.name}", slug=f"benchmark-facts-{time.time_ns()}"
        )
        items = [FactBoxItem(factbox=box, actor=actor, position=1)]
        items += [FactBoxItem(factbox=box, claim=claim, position=n) for n, claim in enumerate(claims, start=2)]
        FactBoxItem.objects.bulk_create(items)
        return box

    ties = Relationship.objects.filter(subject__in=actors, object__in=actors).count()
    results = []
    for name, detail, compose in [
        ("publish a relationship map", f"{len(actors)} actors, {ties} ties", relationship_map),
        ("publish a key facts box", f"{len(claims)} claims", key_facts),
    ]:
        timings = [_publish_in_rollback(compose, user) for _ in range(samples)]
        results.append(
            {"name": name, "detail": detail, "times_ms": [ms for ms, _ in timings], "queries": timings[-1][1]}
        )
    return results


def probe(*, samples: int, with_admin: bool, with_publishing: bool) -> dict:
    check_migrated()
    actor = best_actor()
    targets, extra = public_targets(actor)
    count_queries(targets)
    result = {
        "database": connection.settings_dict["NAME"],
        "claims": Claim.objects.count(),
        "public": [asdict(target) for target in targets],
        **extra,
    }
    if with_admin or with_publishing:
        session = editor_session()
        result["session"] = session
        if with_admin:
            admin = admin_targets(actor, session["user"])
            count_queries(admin, cookie=session["key"])
            result["admin"] = [asdict(target) for target in admin]
        if with_publishing:
            result["publishing"] = time_publishing(actor, session["user"], samples)
    return result
