"""schema.org ClaimReview for a claim check: the verdicts search engines may show beside the claims."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from newsroom.templatetags.newsroom_public import PUBLISHER_NAME

# A verdict as a 1–5 rating for ClaimReview. Unverified claims have no review to publish, and a
# retraction says the claim was taken back, not how true it is.
RATINGS = {"verified": 5, "disputed": 3, "false": 1}


def _author(who: dict[str, Any]) -> dict[str, Any]:
    # A claim's author is a person or a body speaking; a country speaks through its government.
    author = {"@type": "Person" if who["kind"] == "person" else "Organization", "name": who["name"]}
    if who["url"]:
        author["url"] = who["url"]
    return author


def _reviewed(claim: dict[str, Any]) -> dict[str, Any]:
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if claim["attributed_to"]:
        reviewed["author"] = _author(claim["attributed_to"])
    appearances = [{"@type": "CreativeWork", "url": source["url"]} for source in claim["sources"] if source["url"]]
    if appearances:
        reviewed["appearance"] = appearances
    return reviewed


def claim_reviews(claims: Iterable[dict[str, Any]], *, page_url: str, published: str | None) -> list[dict[str, Any]]:
    """ClaimReview for each claim with a verdict. ``claims`` are as the box's template reads them
    (``rendering.claim``): their authors' and sources' addresses already checked.

    The review states the claim's current verdict: where it has moved since the version was
    published (the claim's ``notice``), the rating is the new one and ``dateModified`` its day, and a
    claim since retracted has no rating left to publish. Search engines must not keep showing a
    verdict we have taken back."""
    reviews = []
    for claim in claims:
        notice = claim.get("notice")
        verdict, label = (notice["verification"], notice["label"]) if notice else (claim["verification"], None)
        rating = RATINGS.get(verdict)
        if rating is None:
            continue
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page_url,
            "claimReviewed": claim["text"],
            "author": {"@type": "Organization", "name": PUBLISHER_NAME},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rating,
                "bestRating": max(RATINGS.values()),
                "worstRating": min(RATINGS.values()),
                "alternateName": label or claim["verification_label"],
            },
            "itemReviewed": _reviewed(claim),
        }
        if published:
            review["datePublished"] = published[:10]
        if notice:
            review["dateModified"] = notice["since"].astimezone(datetime.UTC).date().isoformat()
        reviews.append(review)
    return reviews
