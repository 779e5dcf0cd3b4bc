"""Cache invalidation on the knowledge graph, and nothing else.

- The mention index each process keeps (``relations.mentions``) is dropped when an
  actor or alias is saved or deleted.
- ``Claim.updated_at`` follows the claim's sources, which live in a link table of
  their own: linking or unlinking one writes only the link table, so ``auto_now``
  never sees it. Published fact boxes find the claims that changed since they were
  published by that timestamp (``newsroom.factboxes.snapshots.may_have_changed``).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from relations.mentions import forget_index
from relations.models import Actor, ActorAlias, Claim, Source


@receiver(post_save, sender=Actor, dispatch_uid="actor_saved_forget_mentions")
@receiver(post_delete, sender=Actor, dispatch_uid="actor_deleted_forget_mentions")
@receiver(post_save, sender=ActorAlias, dispatch_uid="alias_saved_forget_mentions")
@receiver(post_delete, sender=ActorAlias, dispatch_uid="alias_deleted_forget_mentions")
def forget_mention_index(sender, **kwargs) -> None:
    # Now, for this transaction's own next read; again once committed, for a process that
    # rebuilt in between from rows read before the commit.
    forget_index()
    transaction.on_commit(forget_index)


def _touch(claim_ids) -> None:
    if claim_ids:
        Claim.objects.filter(pk__in=list(claim_ids)).update(updated_at=timezone.now())


@receiver(m2m_changed, sender=Claim.sources.through, dispatch_uid="claim_sources_touch_claims")
def touch_claims_whose_sources_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action in ("post_add", "post_remove"):
        _touch(pk_set if reverse else [instance.pk])
    elif action == "post_clear" and not reverse:
        _touch([instance.pk])
    elif action == "pre_clear" and reverse:
        # Cleared from the source's side: the claims are known only before the links go.
        _touch(instance.claims.values_list("pk", flat=True))


@receiver(pre_delete, sender=Source, dispatch_uid="deleted_source_touches_claims")
def touch_claims_of_a_deleted_source(sender, instance, **kwargs) -> None:
    _touch(instance.claims.values_list("pk", flat=True))
