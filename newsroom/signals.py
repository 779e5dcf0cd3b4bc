"""Cache invalidation for editorial content, and nothing else.

The fact boxes' review state (``newsroom.factboxes.snapshots.live_review_notes``) follows
changes by the rows' timestamps; relationship types have none, so changing one forgets it.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsroom.factboxes.snapshots import forget_review_state
from relations.models import RelationshipType


@receiver(post_save, sender=RelationshipType, dispatch_uid="type_saved_forget_review_state")
@receiver(post_delete, sender=RelationshipType, dispatch_uid="type_deleted_forget_review_state")
def forget_review_state_on_type_change(sender, **kwargs) -> None:
    # Now, and once committed for a request that read the old type in between.
    forget_review_state()
    transaction.on_commit(forget_review_state)
