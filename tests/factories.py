"""factory_boy factories for the whole suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from newsroom.models import Article, ArticleClaim, FactBox, FactBoxItem, FactBoxPlacement
from relations import closure
from relations.models import (
    Actor,
    ActorAlias,
    Claim,
    ClaimRelationship,
    Relationship,
    RelationshipType,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    kind = Actor.Kind.COUNTRY
    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class RelationshipTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelationshipType

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")
    label = "supplies arms to"
    inverse_label = "receives arms from"
    symmetric = False
    category = RelationshipType.Category.MILITARY


class SymmetricTypeFactory(RelationshipTypeFactory):
    label = "has a treaty with"
    inverse_label = ""
    symmetric = True
    category = RelationshipType.Category.SECURITY


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    subject = factory.SubFactory(ActorFactory)
    object = factory.SubFactory(ActorFactory)
    type = factory.SubFactory(RelationshipTypeFactory)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://example.org/reports/{n}")
    publisher = "Example Wire"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Claim number {n} about the world.")
    kind = Claim.Kind.FACT


class VerifiedClaimFactory(ClaimFactory):
    verification = Claim.Verification.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class ClaimRelationshipFactory(factory.django.DjangoModelFactory):
    """A stance, written as the claim's admin page writes it: on a public claim, the tie becomes public."""

    class Meta:
        model = ClaimRelationship

    claim = factory.SubFactory(ClaimFactory)
    relationship = factory.SubFactory(RelationshipFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with closure.maintained(Claim.objects.filter(pk=kwargs["claim"].pk)):
            return super()._create(model_class, *args, **kwargs)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    standfirst = "What happened, in two lines."
    body = "<p>The body of the story.</p>"
    byline = "A. Reporter"
    section = "World"


class ArticleClaimFactory(factory.django.DjangoModelFactory):
    """A citation, written as the article's admin page writes it: on a live story, the claim becomes public."""

    class Meta:
        model = ArticleClaim

    article = factory.SubFactory(ArticleFactory)
    claim = factory.SubFactory(ClaimFactory)
    position = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with closure.maintained(Article.objects.filter(pk=kwargs["article"].pk)):
            return super()._create(model_class, *args, **kwargs)


def _in_groups(*default: str) -> factory.PostGeneration:
    """Put the user in the named groups (created by the roles migration); ``roles=[...]`` overrides."""

    def add(user, create, extracted, **kwargs):
        if create:
            user.groups.add(*Group.objects.filter(name__in=default if extracted is None else extracted))

    return factory.PostGeneration(add)


class StaffFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    is_staff = True
    roles = _in_groups()


class ReporterFactory(StaffFactory):
    roles = _in_groups("Reporter")


class RoleEditorFactory(StaffFactory):
    roles = _in_groups("Editor")


class FactCheckerFactory(StaffFactory):
    roles = _in_groups("Fact-checker")


class FactBoxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactBox

    title = factory.Sequence(lambda n: f"Fact box {n}")
    slug = factory.Sequence(lambda n: f"fact-box-{n}")
    kind = FactBox.Kind.KEY_FACTS
    intro = "What to know, at a glance."


class FactBoxItemFactory(factory.django.DjangoModelFactory):
    """A claim item unless ``relationship``, ``actor`` or ``text`` is given (pass ``claim=None`` then)."""

    class Meta:
        model = FactBoxItem

    factbox = factory.SubFactory(FactBoxFactory)
    position = factory.Sequence(lambda n: n)
    claim = factory.SubFactory(ClaimFactory)


class FactBoxPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactBoxPlacement

    factbox = factory.SubFactory(FactBoxFactory)
    article = factory.SubFactory(ArticleFactory)
