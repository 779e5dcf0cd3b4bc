"""Published fact box versions as an editor sees them: what changed between two, and the snippets that embed one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.addresses import absolute_url
from newsroom.embeds.oembed import WIDTH, box_height
from newsroom.factboxes import payload
from newsroom.models import FactBox, FactBoxVersion

# --- Comparing two payloads ---------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    name: str
    changes: list[Change]


@dataclass
class VersionDiff:
    box: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    reordered: bool = False

    @property
    def empty(self) -> bool:
        return not (self.box or self.added or self.removed or self.changed or self.reordered)


def _name(actor: payload.ActorRef | None) -> str:
    return actor["name"] if actor else ""


def _claim_fields(claim: payload.Claim) -> dict[str, str]:
    sources = "; ".join(
        f"{source['title']} ({source['publisher']})" if source["publisher"] else source["title"]
        for source in claim["sources"]
    )
    return {
        _("statement"): claim["text"],
        _("quote"): claim["quote"],
        _("kind"): claim["kind_label"],
        _("verification"): claim["verification_label"],
        _("attributed to"): _name(claim["attributed_to"]),
        _("sources"): sources,
    }


def _relationship_fields(tie: payload.Relationship) -> dict[str, str]:
    return {
        _("type"): tie["type"]["label"],
        _("status"): tie["status_label"],
        _("from"): tie["valid_from"].get("display", ""),
        _("until"): tie["valid_until"].get("display", ""),
        _("summary"): tie["summary"],
        _("evidence"): "; ".join(
            f"{claim['stance_label']}: {claim['text']} ({claim['verification_label']})" for claim in tie["evidence"]
        ),
    }


def _actor_fields(actor: payload.Actor) -> dict[str, str]:
    return {
        _("name"): actor["name"],
        _("kind"): actor["kind_label"],
        _("description"): actor["description"],
        _("aliases"): ", ".join(actor["aliases"]),
    }


FIELDS = {"claim": _claim_fields, "relationship": _relationship_fields, "actor": _actor_fields}


def _fields(entry: payload.Item) -> dict[str, str]:
    """What readers read of an item, label by label."""
    kind = entry["type"]
    fields = FIELDS[kind](entry[kind]) if kind in FIELDS else {}
    fields[_("date")] = entry.get("when", {}).get("display", "")
    return fields


def _keyed(items: list[payload.Item]) -> dict[tuple, payload.Item]:
    """Items by what they show; the same claim shown twice is two items."""
    seen: Counter = Counter()
    keyed = {}
    for entry in items:
        kind = entry["type"]
        identity = entry["text"] if kind == "text" else entry[kind]["id"]
        seen[kind, identity] += 1
        keyed[kind, identity, seen[kind, identity]] = entry
    return keyed


def compare_payloads(before: Mapping[str, Any], after: Mapping[str, Any]) -> VersionDiff:
    """What a reader of ``after`` sees that a reader of ``before`` did not, and the reverse."""
    before, after = payload.read_payload(before), payload.read_payload(after)
    diff = VersionDiff()
    for label, key in ((_("title"), "title"), (_("introduction"), "intro"), (_("kind"), "kind_label")):
        if before[key] != after[key]:
            diff.box.append(Change(label, before[key], after[key]))
    old, new = _keyed(before["items"]), _keyed(after["items"])
    diff.removed = [payload.item_name(entry) for key, entry in old.items() if key not in new]
    diff.added = [payload.item_name(entry) for key, entry in new.items() if key not in old]
    for key in (key for key in new if key in old):
        was, now = _fields(old[key]), _fields(new[key])
        changes = [Change(label, was.get(label, ""), value) for label, value in now.items() if was.get(label) != value]
        if changes:
            diff.changed.append(ItemChange(payload.item_name(new[key]), changes))
    kept_order = [key for key in old if key in new]
    diff.reordered = kept_order != [key for key in new if key in old]
    return diff


# --- Embed snippets -------------------------------------------------------------------


@dataclass
class Snippets:
    url: str
    placeholder: SafeString
    iframe: SafeString


def embed_snippets(request: HttpRequest, box: FactBox, version: FactBoxVersion | None = None) -> Snippets:
    """Copy-ready HTML that embeds the box's latest published version, or ``version`` pinned."""
    if version is None:
        path, stored, pinned = reverse("embed_factbox", args=[box.slug]), box.published_version.payload, ""
    else:
        path, stored = reverse("embed_factbox_version", args=[box.slug, version.number]), version.payload
        pinned = format_html(' data-version="{}"', version.number)
    url = request.build_absolute_uri(path)
    script = absolute_url(request, "embed_js")
    title = payload.read_header(stored)["title"] or box.title
    placeholder = format_html(
        '<div data-factbox="{}"{}><a href="{}">{}</a></div><script async src="{}"></script>',
        box.slug,
        pinned,
        url,
        title,
        script,
    )
    iframe = format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" data-newsroom-embed="factbox" '
        'style="width:100%;max-width:{}px;border:0"></iframe>'
        '<script async src="{}"></script>',
        url,
        title,
        WIDTH,
        box_height(request, stored, WIDTH),
        WIDTH,
        script,
    )
    return Snippets(url=url, placeholder=placeholder, iframe=iframe)
