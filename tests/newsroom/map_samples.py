"""Payloads of relationship maps for the layout's tests: Sahel-sized, with long names, every kind of actor,
parallel ties between one pair, one-way and mutual ties."""

from __future__ import annotations

from typing import Any

SAHEL_ACTORS = [
    ("Mali", "country"),
    ("Burkina Faso", "country"),
    ("Niger", "country"),
    ("Alliance of Sahel States", "bloc"),
    ("ECOWAS", "bloc"),
    ("Russia", "country"),
    ("Wagner Group / Africa Corps", "armed_group"),
    ("France", "country"),
    ("Jama'at Nusrat al-Islam wal-Muslimin", "armed_group"),
    ("United Nations Mission in Mali", "organisation"),
    ("Assimi Goïta", "person"),
    ("Algeria", "country"),
]

# (subject, object, category, one way)
SAHEL_TIES = [
    (0, 3, "membership", True),
    (1, 3, "membership", True),
    (2, 3, "membership", True),
    (0, 4, "membership", True),
    (1, 4, "membership", True),
    (2, 4, "membership", True),
    (3, 4, "diplomatic", False),
    (5, 0, "security", True),
    (5, 1, "security", True),
    (5, 2, "security", True),
    (6, 0, "military", True),
    (6, 1, "military", True),
    (5, 6, "military", True),
    (7, 0, "security", True),
    (7, 0, "diplomatic", True),
    (0, 7, "conflict", True),
    (7, 2, "security", True),
    (8, 0, "conflict", True),
    (8, 1, "conflict", True),
    (6, 8, "conflict", False),
    (9, 0, "security", True),
    (10, 0, "membership", True),
    (10, 5, "diplomatic", False),
    (11, 0, "diplomatic", False),
    (0, 11, "economic", True),
]


def _actor(number: int, name: str, kind: str) -> dict[str, Any]:
    return {"id": 1000 + number, "name": name, "slug": f"actor-{number}", "kind": kind}


def map_payload(actors: list[tuple[str, str]], ties: list[tuple[int, int, str, bool]]) -> dict[str, Any]:
    ends = [_actor(n, name, kind) for n, (name, kind) in enumerate(actors)]
    return {
        "schema": 1,
        "title": "Who backs whom in the Sahel",
        "slug": "sahel-ties",
        "kind": "relationship_map",
        "kind_label": "Relationship map",
        "intro": "",
        "items": [
            {
                "type": "relationship",
                "relationship": {
                    "id": 5000 + n,
                    "subject": ends[a],
                    "object": ends[b],
                    "type": {
                        "name": category,
                        "slug": category,
                        "label": "ties with",
                        "reverse_label": "ties with",
                        "symmetric": not one_way,
                        "category": category,
                        "category_label": "",
                    },
                    "status": "active",
                    "status_label": "Active",
                    "summary": "",
                    "evidence": [],
                },
            }
            for n, (a, b, category, one_way) in enumerate(ties)
        ],
    }


def sahel_map() -> dict[str, Any]:
    return map_payload(SAHEL_ACTORS, SAHEL_TIES)
