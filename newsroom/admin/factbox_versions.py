"""Published fact box versions as an editor sees them: what changed between two, and the snippets that embed one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from newsroom.embeds.oembed import WIDTH, box_height
from newsroom.models import FactBox, FactBoxVersion

NAME_LENGTH = 90


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


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"


def _name(actor: dict | None) -> str:
    return (actor or {}).get("name", "")


def _content(entry: dict) -> dict:
    content = entry.get(entry.get("type"))
    return content if isinstance(content, dict) else {}


def item_name(entry: dict) -> str:
    """How an editor recognises an item: the claim's words, the tie, the actor, or the line of text."""
    kind, content = entry.get("type"), _content(entry)
    if kind == "claim":
        return _shorten(content.get("text", ""))
    if kind == "relationship":
        label = (content.get("type") or {}).get("label", "")
        return _shorten(f"{_name(content.get('subject'))} {label} {_name(content.get('object'))}")
    if kind == "actor":
        return _shorten(content.get("name", ""))
    return _shorten(entry.get("text", ""))


def _claim_fields(claim: dict) -> dict[str, str]:
    sources = "; ".join(
        f"{source.get('title', '')} ({source['publisher']})" if source.get("publisher") else source.get("title", "")
        for source in claim.get("sources", [])
    )
    return {
        _("statement"): claim.get("text", ""),
        _("quote"): claim.get("quote", ""),
        _("kind"): claim.get("kind_label", ""),
        _("verification"): claim.get("verification_label", ""),
        _("attributed to"): _name(claim.get("attributed_to")),
        _("sources"): sources,
    }


def _fields(entry: dict) -> dict[str, str]:
    """What readers read of an item, label by label."""
    kind, content = entry.get("type"), _content(entry)
    if kind == "claim":
        fields = _claim_fields(content)
    elif kind == "relationship":
        fields = {
            _("type"): (content.get("type") or {}).get("label", ""),
            _("status"): content.get("status_label", ""),
            _("from"): (content.get("valid_from") or {}).get("display", ""),
            _("until"): (content.get("valid_until") or {}).get("display", ""),
            _("summary"): content.get("summary", ""),
            _("evidence"): "; ".join(
                f"{claim.get('stance_label', '')}: {claim.get('text', '')} ({claim.get('verification_label', '')})"
                for claim in content.get("evidence", [])
            ),
        }
    elif kind == "actor":
        fields = {
            _("name"): content.get("name", ""),
            _("kind"): content.get("kind_label", ""),
            _("description"): content.get("description", ""),
            _("aliases"): ", ".join(content.get("aliases", [])),
        }
    else:
        fields = {}
    fields[_("date")] = (entry.get("when") or {}).get("display", "")
    return fields


def _keyed(items: list[dict]) -> dict[tuple, dict]:
    """Items by what they show; the same claim shown twice is two items."""
    seen: Counter = Counter()
    keyed = {}
    for entry in items:
        kind = entry.get("type")
        identity = entry.get("text") if kind == "text" else _content(entry).get("id")
        seen[kind, identity] += 1
        keyed[kind, identity, seen[kind, identity]] = entry
    return keyed


def compare_payloads(before: dict[str, Any], after: dict[str, Any]) -> VersionDiff:
    """What a reader of ``after`` sees that a reader of ``before`` did not, and the reverse."""
    diff = VersionDiff()
    for label, key in ((_("title"), "title"), (_("introduction"), "intro"), (_("kind"), "kind_label")):
        if before.get(key, "") != after.get(key, ""):
            diff.box.append(Change(label, before.get(key, ""), after.get(key, "")))
    old, new = _keyed(before.get("items", [])), _keyed(after.get("items", []))
    diff.removed = [item_name(entry) for key, entry in old.items() if key not in new]
    diff.added = [item_name(entry) for key, entry in new.items() if key not in old]
    for key in (key for key in new if key in old):
        was, now = _fields(old[key]), _fields(new[key])
        changes = [Change(label, was.get(label, ""), value) for label, value in now.items() if was.get(label) != value]
        if changes:
            diff.changed.append(ItemChange(item_name(new[key]), changes))
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
        path, payload, pinned = reverse("embed_factbox", args=[box.slug]), box.published_version.payload, ""
    else:
        path, payload = reverse("embed_factbox_version", args=[box.slug, version.number]), version.payload
        pinned = format_html(' data-version="{}"', version.number)
    url = request.build_absolute_uri(path)
    script = request.build_absolute_uri(reverse("embed_js"))
    title = payload.get("title") or box.title
    placeholder = format_html(
        '<div data-factbox="{}"{}><a href="{}">{}</a></div><script async src="{}"></script>',
        box.slug,
        pinned,
        url,
        title,
        script,
    )
    iframe = format_html(
        '<iframe src="{}" title="{}" style="width:100%;border:0" height="{}" loading="lazy"></iframe>'
        '<script async src="{}"></script>',
        url,
        title,
        box_height(payload, WIDTH),
        script,
    )
    return Snippets(url=url, placeholder=placeholder, iframe=iframe)
