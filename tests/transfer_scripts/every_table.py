"""Run in ``manage.py shell`` after the demo: content that fills every exported table the demo leaves
empty or thin (a withdrawn and a republished box, a correction, former slugs, a verdict, a deleted
story in the feed, an admin save with its revision and log entry, an account with its own permission)."""

import datetime

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from newsroom import services
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, ArticleClaim, FactBox
from relations.models import Actor, Claim, Source
from relations.services import claim_set_verification, record_slug_change
from tests.helpers import editing, publish_article, publish_factbox

User = get_user_model()
editor = User.objects.get(username="editor")
checker = User.objects.get(username="factchecker")

live = Article.objects.get(slug="china-and-russia-keep-their-distance-from-iran")
services.article_add_correction(article=live, by=editor, text="An earlier version misdated the SCO meeting.")

boxes = list(FactBox.objects.filter(status="published").order_by("pk"))
factbox_withdraw(factbox=boxes[0], by=editor, note="Superseded.")
republished = boxes[1]
republished.intro = republished.intro + " Updated."
republished.save()
publish_factbox(factbox=republished, by=editor)

actor = Actor.objects.get(slug="iran")
with reversion.create_revision():
    reversion.set_user(editor)
    reversion.set_comment("Shorter address")
    actor.slug = "iran-islamic-republic"
    actor.description = actor.description + " (Islamic Republic.)"
    actor.save()
record_slug_change(target=actor, former_slug="iran", by=editor)
LogEntry.objects.create(
    user=editor,
    content_type=ContentType.objects.get_for_model(Actor),
    object_id=str(actor.pk),
    object_repr=str(actor),
    action_flag=CHANGE,
    change_message='[{"changed": {"fields": ["Slug", "Description"]}}]',
)

claim = Claim.objects.filter(articles=live).order_by("pk").first()
claim_set_verification(claim=claim, state="disputed", by=checker)

# Dated: SQLite and PostgreSQL order a source without a date differently among dated ones, whichever
# database it was written in.
source = Source.objects.create(
    title="A briefing heard, not published", publisher="", url="", published_on=datetime.date(2025, 6, 30)
)
with editing(claim):
    claim.sources.add(source)

doomed = Article.objects.create(
    title="A brief that was pulled",
    slug="a-brief-that-was-pulled",
    body="<p>Moscow and Pyongyang signed again.</p>",
    byline="Desk",
)
ArticleClaim.objects.create(article=doomed, claim=claim, position=1, passage="signed again")
publish_article(article=doomed, by=editor, publish_at=timezone.now() - datetime.timedelta(minutes=5))
doomed.delete()

# A draft of changes to the live story, waiting for an editor: its actors and citations too.
services.article_save_draft(
    article=live,
    by=editor,
    title=live.title + " (draft)",
    standfirst=live.standfirst,
    body=live.body,
    byline=live.byline,
    section=live.section,
    actors=[actor],
    citations=[{"claim": claim, "position": 1, "passage": "A passage drafted."}],
)

guest = User.objects.create_user("guest", "guest@example.org", "a-long-guest-password", is_active=False)
guest.user_permissions.add(Permission.objects.get(codename="view_article"))
guest.last_login = timezone.now()
guest.save()
print("filled")
