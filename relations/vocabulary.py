"""The relationship types every newsroom starts with; editors extend them in the admin.

The vocabulary migration created them from a frozen copy of this list; a test holds the two
equal. Nothing recreates them on its own: a newsroom may have retired a starting type.
"""

from __future__ import annotations

# (slug, name, label, inverse label or "" when symmetric, category)
STARTING_VOCABULARY = [
    ("mutual-defence-treaty", "Mutual defence treaty", "has a mutual defence treaty with", "", "security"),
    ("strategic-partnership", "Strategic partnership", "is a strategic partner of", "", "diplomatic"),
    ("arms-supply", "Arms supply", "supplies arms to", "receives arms from", "military"),
    ("troop-deployment", "Troop deployment", "deploys troops to support", "receives troops from", "military"),
    ("energy-trade", "Energy trade", "supplies energy to", "buys energy from", "economic"),
    ("sanctions-cooperation", "Sanctions cooperation", "cooperates against sanctions with", "", "economic"),
    ("mediation", "Mediation", "mediates for", "is mediated for by", "diplomatic"),
    ("armed-conflict", "Armed conflict", "is in armed conflict with", "", "conflict"),
    ("ceasefire", "Ceasefire", "has a ceasefire with", "", "conflict"),
    ("rivalry", "Rivalry", "is a rival of", "", "conflict"),
    ("membership", "Membership", "is a member of", "has as a member", "membership"),
    ("affiliation", "Affiliation", "is affiliated with", "has as an affiliate", "membership"),
]


def create_starting_vocabulary() -> None:
    """The starting types that are missing, as the migration made them (a database that was
    flushed, in tests)."""
    from relations.models import RelationshipType

    for slug, name, label, inverse_label, category in STARTING_VOCABULARY:
        RelationshipType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "label": label,
                "inverse_label": inverse_label,
                "symmetric": not inverse_label,
                "category": category,
            },
        )
