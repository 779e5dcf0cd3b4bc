"""Every rule of the knowledge graph refuses bad input with a clear message and writes nothing.

Each rule is checked twice where the database can hold it: model validation gives
the editor's message, and the database refuses a write that skipped validation.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from relations import dates
from relations.models import Actor, ActorAlias, Claim, ClaimRelationship, Relationship, RelationshipType, Source
from relations.services import claim_set_verification
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
    SymmetricTypeFactory,
)

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def refused_by_database(model, **values) -> None:
    """The write fails at the database and leaves the table as it was."""
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)
    assert model.objects.count() == before


# Actor


@pytest.mark.parametrize("bad", ["q159", "Q0", "Q12a", "P31", "Q", " Q159"])
def test_actor_wikidata_id_must_be_q_and_digits(bad):
    actor = Actor(kind=Actor.Kind.COUNTRY, name="Russia", slug="russia", wikidata_id=bad)
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "A Wikidata ID is Q followed by digits, e.g. Q159." in messages(error.value)["wikidata_id"]


@pytest.mark.parametrize("bad", ["q159", "Q0", "Q12a", "P31"])
def test_database_refuses_a_malformed_wikidata_id(bad):
    refused_by_database(Actor, kind="country", name="Russia", slug="russia", wikidata_id=bad)


def test_actor_wikidata_id_may_be_empty_for_many_actors():
    ActorFactory(wikidata_id="")
    actor = ActorFactory.build(wikidata_id="")
    actor.full_clean()


def test_actor_wikidata_id_is_unique_when_set():
    ActorFactory(wikidata_id="Q159")
    actor = ActorFactory.build(wikidata_id="Q159")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "Another actor already has this Wikidata ID." in str(error.value)
    refused_by_database(Actor, kind="country", name="Other", slug="other", wikidata_id="Q159")


def test_actor_slug_is_unique():
    ActorFactory(slug="russia")
    with pytest.raises(ValidationError) as error:
        ActorFactory.build(slug="russia").full_clean()
    assert "slug" in messages(error.value)
    refused_by_database(Actor, kind="country", name="Russia again", slug="russia")


def test_actor_needs_a_name():
    with pytest.raises(ValidationError) as error:
        Actor(kind="country", name="", slug="nameless").full_clean()
    assert "name" in messages(error.value)
    refused_by_database(Actor, kind="country", name="", slug="nameless")


# ActorAlias


def test_alias_is_unique_per_actor_whatever_its_case():
    alias = ActorAliasFactory(name="Kremlin")
    with pytest.raises(ValidationError) as error:
        ActorAlias(actor=alias.actor, name="KREMLIN").full_clean()
    assert "This actor already has that alias." in str(error.value)
    refused_by_database(ActorAlias, actor=alias.actor, name="kremlin")


def test_two_actors_may_share_an_alias():
    ActorAliasFactory(name="Korea")
    ActorAlias(actor=ActorFactory(), name="Korea").full_clean()


def test_alias_cannot_repeat_the_actors_own_name():
    actor = ActorFactory(name="Russia")
    with pytest.raises(ValidationError) as error:
        ActorAlias(actor=actor, name=" russia ").full_clean()
    assert messages(error.value)["name"] == ["An alias must differ from the actor's own name."]


def test_alias_whitespace_is_normalised():
    alias = ActorAlias(actor=ActorFactory(), name="  North \n Korean   army ")
    alias.full_clean()
    assert alias.name == "North Korean army"


# RelationshipType


def test_symmetric_type_cannot_have_a_different_inverse_label():
    kind = RelationshipType(
        name="Treaty", slug="treaty", label="has a treaty with", inverse_label="is bound by", symmetric=True
    )
    kind.category = RelationshipType.Category.SECURITY
    with pytest.raises(ValidationError) as error:
        kind.full_clean()
    assert "leave the inverse label empty" in messages(error.value)["inverse_label"][0]
    refused_by_database(
        RelationshipType,
        name="Treaty",
        slug="treaty",
        label="has a treaty with",
        inverse_label="is bound by",
        symmetric=True,
        category="security",
    )


def test_directed_type_needs_an_inverse_label():
    kind = RelationshipType(name="Supply", slug="supply", label="supplies", symmetric=False, category="military")
    with pytest.raises(ValidationError) as error:
        kind.full_clean()
    assert messages(error.value)["inverse_label"] == ["A directed type needs an inverse label."]


def test_starting_vocabulary_is_there():
    slugs = set(RelationshipType.objects.values_list("slug", flat=True))
    assert {"mutual-defence-treaty", "arms-supply", "membership", "ceasefire", "mediation"} <= slugs
    assert RelationshipType.objects.get(slug="mutual-defence-treaty").symmetric
    assert RelationshipType.objects.get(slug="arms-supply").reverse_label == "receives arms from"


# Relationship


def test_relationship_never_links_an_actor_to_itself():
    russia = ActorFactory()
    relationship = Relationship(subject=russia, object=russia, type=RelationshipTypeFactory())
    with pytest.raises(ValidationError) as error:
        relationship.full_clean()
    assert messages(error.value)["object"] == ["A relationship links two different actors."]
    refused_by_database(Relationship, subject=russia, object=russia, type=RelationshipTypeFactory())


def test_relationship_cannot_end_before_it_starts():
    relationship = RelationshipFactory.build(
        subject=ActorFactory(),
        object=ActorFactory(),
        type=RelationshipTypeFactory(),
        valid_from=datetime.date(2024, 6, 19),
        valid_until=datetime.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        relationship.full_clean()
    assert "A relationship cannot end before it starts." in str(error.value)
    refused_by_database(
        Relationship,
        subject=ActorFactory(),
        object=ActorFactory(),
        type=RelationshipTypeFactory(),
        valid_from=datetime.date(2024, 6, 19),
        valid_until=datetime.date(2023, 1, 1),
    )


def test_relationship_is_unique_per_pair_and_type():
    existing = RelationshipFactory()
    duplicate = Relationship(subject=existing.subject, object=existing.object, type=existing.type)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "These two actors already have a relationship of this type: edit that one instead." in str(error.value)
    refused_by_database(Relationship, subject=existing.subject, object=existing.object, type=existing.type)


def test_symmetric_relationship_is_stored_in_one_order_whatever_the_entry():
    first, second = ActorFactory(), ActorFactory()
    treaty = SymmetricTypeFactory()
    relationship = Relationship(subject=second, object=first, type=treaty)
    relationship.full_clean()
    relationship.save()
    assert (relationship.subject, relationship.object) == (first, second)


def test_symmetric_relationship_entered_the_other_way_round_is_a_duplicate():
    first, second = ActorFactory(), ActorFactory()
    treaty = SymmetricTypeFactory()
    stored = Relationship(subject=first, object=second, type=treaty)
    stored.full_clean()
    stored.save()
    reversed_entry = Relationship(subject=second, object=first, type=treaty)
    with pytest.raises(ValidationError) as error:
        reversed_entry.full_clean()
    assert "already have a relationship of this type" in str(error.value)
    assert Relationship.objects.count() == 1


def test_directed_relationship_may_run_both_ways():
    supply = RelationshipTypeFactory()
    one_way = RelationshipFactory(type=supply)
    other_way = Relationship(subject=one_way.object, object=one_way.subject, type=supply)
    other_way.full_clean()
    other_way.save()
    assert (other_way.subject, other_way.object) == (one_way.object, one_way.subject)


@pytest.mark.parametrize(
    ("precision", "stored", "shown"),
    [
        (dates.Precision.YEAR, datetime.date(2024, 1, 1), "2024"),
        (dates.Precision.MONTH, datetime.date(2024, 6, 1), "June 2024"),
        (dates.Precision.DAY, datetime.date(2024, 6, 19), "19 June 2024"),
    ],
)
def test_validity_dates_are_stored_and_shown_to_their_precision(precision, stored, shown):
    relationship = RelationshipFactory.build(
        subject=ActorFactory(),
        object=ActorFactory(),
        type=RelationshipTypeFactory(),
        valid_from=datetime.date(2024, 6, 19),
        valid_from_precision=precision,
    )
    relationship.full_clean()
    assert relationship.valid_from == stored
    assert relationship.valid_from_display == shown


def test_missing_date_shows_nothing():
    assert dates.display(None, dates.Precision.DAY) == ""


def test_relationship_reads_as_a_sentence():
    relationship = RelationshipFactory(
        subject=ActorFactory(name="Iran"), object=ActorFactory(name="Russia"), type=RelationshipTypeFactory()
    )
    assert str(relationship) == "Iran supplies arms to Russia"


# Source


def test_source_url_is_unique_when_set():
    SourceFactory(url="https://example.org/report")
    with pytest.raises(ValidationError) as error:
        Source(title="Same report", url="https://example.org/report").full_clean()
    assert "A source with this URL already exists: pick it instead." in str(error.value)
    refused_by_database(Source, title="Same report", url="https://example.org/report")


def test_sources_without_url_may_be_many():
    SourceFactory(url="")
    Source(title="Interview notes", url="").full_clean()


def test_source_needs_a_title():
    with pytest.raises(ValidationError) as error:
        Source(title="", url="https://example.org/x").full_clean()
    assert "title" in messages(error.value)
    refused_by_database(Source, title="", url="https://example.org/x")


def test_source_url_must_be_a_url():
    with pytest.raises(ValidationError) as error:
        Source(title="Report", url="javascript:alert(1)").full_clean()
    assert "url" in messages(error.value)


# Claim


def test_claim_needs_a_statement():
    with pytest.raises(ValidationError) as error:
        Claim(text="").full_clean()
    assert "text" in messages(error.value)
    refused_by_database(Claim, text="")


def test_quote_needs_its_words():
    claim = Claim(text="He said so.", kind=Claim.Kind.QUOTE, attributed_to=ActorFactory())
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert messages(error.value)["quote"] == ["A quote needs its exact words."]
    refused_by_database(Claim, text="He said so.", kind="quote", attributed_to=ActorFactory())


@pytest.mark.parametrize("kind", [Claim.Kind.ASSESSMENT, Claim.Kind.QUOTE])
def test_assessments_and_quotes_must_be_attributed(kind):
    claim = Claim(text="It is thin.", kind=kind, quote="thin")
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert messages(error.value)["attributed_to"] == ["Assessments and quotes must say who they are attributed to."]
    refused_by_database(Claim, text="It is thin.", kind=kind, quote="thin")


@pytest.mark.parametrize("kind", [Claim.Kind.FACT, Claim.Kind.ALLEGATION])
def test_facts_and_allegations_may_be_our_own_reporting(kind):
    Claim(text="Iran sells oil to China.", kind=kind).full_clean()


def test_database_refuses_a_verification_state_without_its_time():
    refused_by_database(Claim, text="Verified?", verification="verified")


def test_setting_verification_records_who_and_when():
    checker = EditorFactory()
    claim = claim_set_verification(claim=ClaimFactory(), state=Claim.Verification.VERIFIED, by=checker)
    claim.refresh_from_db()
    assert (claim.verification, claim.verified_by) == ("verified", checker)
    assert claim.verified_at is not None


def test_back_to_unverified_clears_who_and_when():
    claim = claim_set_verification(claim=ClaimFactory(), state="disputed", by=EditorFactory())
    claim_set_verification(claim=claim, state=Claim.Verification.UNVERIFIED, by=EditorFactory())
    claim.refresh_from_db()
    assert (claim.verification, claim.verified_by, claim.verified_at) == ("unverified", None, None)


def test_unknown_verification_state_is_refused_and_nothing_changes():
    claim = ClaimFactory()
    with pytest.raises(ValueError, match="Unknown verification state"):
        claim_set_verification(claim=claim, state="probably", by=None)
    claim.refresh_from_db()
    assert claim.verification == Claim.Verification.UNVERIFIED


def test_claim_links_a_relationship_once():
    link = ClaimRelationshipFactory()
    with pytest.raises(ValidationError) as error:
        ClaimRelationship(claim=link.claim, relationship=link.relationship, stance="context").full_clean()
    assert "The claim is already linked to this relationship." in str(error.value)
    refused_by_database(ClaimRelationship, claim=link.claim, relationship=link.relationship, stance="context")


def test_claim_label_is_short_for_dropdowns():
    claim = ClaimFactory(text="word " * 50)
    assert len(str(claim)) == 90
    assert str(claim).endswith("…")


# --- Source addresses ---------------------------------------------------------------------

NOT_WEB = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>", "ftp://example.org/x"]


@pytest.mark.parametrize("bad", NOT_WEB)
def test_a_source_url_must_be_an_http_address(bad):
    with pytest.raises(ValidationError) as refused:
        SourceFactory.build(url=bad).full_clean()
    assert "Enter an http:// or https:// address." in refused.value.message_dict["url"]


@pytest.mark.parametrize("bad", NOT_WEB)
def test_database_refuses_a_source_url_written_around_the_form(bad):
    refused_by_database(Source, title="Imported", url=bad)


@pytest.mark.parametrize("good", ["", "https://example.org/report", "HTTP://EXAMPLE.ORG/old"])
def test_an_http_address_or_none_is_a_source_url(good):
    source = Source.objects.create(title="Report", url=good)
    source.full_clean()
