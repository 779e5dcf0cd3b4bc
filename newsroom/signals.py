"""Cache invalidation for editorial content, and the feed of changes told of deletions.

The fact boxes' review state (``newsroom.factboxes.snapshots.live_review_notes``) follows
changes by the rows' timestamps; relationship types have none, so changing one forgets it.

Cached public answers (``core.public_state``) end when a live or scheduled story, a
correction, a published box or a box's place beside a story is saved or deleted outside
``closure.maintained()`` (which ends them itself).

A story or fact box deleted however it is (the admin, a shell) leaves the feed of changes what
readers saw of it, and a withdrawal if it was public (``relations.services.record_deletion``):
a story scheduled and deleted before its time never reaches the feed.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import public_state
from newsroom.factboxes.snapshots import forget_review_state
from newsroom.models import Article, Correction, FactBox, FactBoxPlacement
from relations.models import RelationshipType
from relations.services import record_deletion


@receiver(post_save, sender=RelationshipType, dispatch_uid="type_saved_forget_review_state")
@receiver(post_delete, sender=RelationshipType, dispatch_uid="type_deleted_forget_review_state")
def forget_review_state_on_type_change(sender, **kwargs) -> None:
    # Now, and once committed for a request that read the old type in between.
    forget_review_state()
    transaction.on_commit(forget_review_state)


@receiver(post_save, sender=Article, dispatch_uid="article_saved_public_state")
@receiver(post_delete, sender=Article, dispatch_uid="article_deleted_public_state")
@receiver(post_save, sender=FactBox, dispatch_uid="factbox_saved_public_state")
@receiver(post_delete, sender=FactBox, dispatch_uid="factbox_deleted_public_state")
def public_content_changed(sender, instance, **kwargs) -> None:
    # Drafts and work in review change nothing readers see; leaving the public goes through the closure.
    if instance.status == "published":
        public_state.forget()


@receiver(post_save, sender=Correction, dispatch_uid="correction_saved_public_state")
@receiver(post_delete, sender=Correction, dispatch_uid="correction_deleted_public_state")
@receiver(post_save, sender=FactBoxPlacement, dispatch_uid="placement_saved_public_state")
@receiver(post_delete, sender=FactBoxPlacement, dispatch_uid="placement_deleted_public_state")
def public_detail_changed(sender, **kwargs) -> None:
    public_state.forget()


@receiver(post_delete, sender=Article, dispatch_uid="article_deleted_feed")
@receiver(post_delete, sender=FactBox, dispatch_uid="factbox_deleted_feed")
def public_content_deleted(sender, instance, **kwargs) -> None:
    record_deletion(target=instance, key=instance.slug)
