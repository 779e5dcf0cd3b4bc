"""Cache invalidation on the knowledge graph, and the feed of changes told of deleted claims.

- The mention index each process keeps (``relations.mentions``) is dropped when an
  actor or alias is saved or deleted.
- ``Claim.updated_at`` follows the claim's sources, which live in a link table of
  their own: linking or unlinking one writes only the link table, so ``auto_now``
  never sees it. Published fact boxes find the claims that changed since they were
  published by that timestamp (``newsroom.factboxes.snapshots.may_have_changed``).
- A deleted claim's entries leave the feed of changes (``relations.feed``): the feed shows a
  claim's entries only while the claim is public.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from core import public_state
from relations import feed
from relations.mentions import forget_index
from relations.models import Actor, ActorAlias, Claim, Relationship, RelationshipType, Source


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


@receiver(post_save, sender=Actor, dispatch_uid="actor_saved_public_state")
@receiver(post_delete, sender=Actor, dispatch_uid="actor_deleted_public_state")
@receiver(post_save, sender=Claim, dispatch_uid="claim_saved_public_state")
@receiver(post_delete, sender=Claim, dispatch_uid="claim_deleted_public_state")
@receiver(post_save, sender=Relationship, dispatch_uid="relationship_saved_public_state")
@receiver(post_delete, sender=Relationship, dispatch_uid="relationship_deleted_public_state")
@receiver(post_save, sender=Source, dispatch_uid="source_saved_public_state")
@receiver(post_delete, sender=Source, dispatch_uid="source_deleted_public_state")
def public_row_changed(sender, instance, **kwargs) -> None:
    # A row nothing public reaches changes nothing readers see; one that stops being reached
    # does so through the closure, which ends the cached answers itself.
    if instance.public_from is not None:
        public_state.forget()


@receiver(post_save, sender=ActorAlias, dispatch_uid="alias_saved_public_state")
@receiver(post_delete, sender=ActorAlias, dispatch_uid="alias_deleted_public_state")
@receiver(post_save, sender=RelationshipType, dispatch_uid="type_saved_public_state")
@receiver(post_delete, sender=RelationshipType, dispatch_uid="type_deleted_public_state")
def vocabulary_changed(sender, **kwargs) -> None:
    # Rare edits, shown wherever their actor or tie is: not worth finding out whether it is public.
    public_state.forget()


@receiver(post_delete, sender=Claim, dispatch_uid="claim_deleted_leaves_the_feed")
def claim_deleted_leaves_the_feed(sender, instance, **kwargs) -> None:
    feed.drop(instance)
