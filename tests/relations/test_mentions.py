"""Finding the actors a text mentions."""

import pytest

from relations.mentions import MentionIndex, find_mentions, mentioned_actors
from tests.factories import ActorAliasFactory, ActorFactory

RUSSIA, NORTH_KOREA, SOUTH_KOREA, KOREA, US, CHINA, SCO, UAE, IRAN = range(1, 10)

NAMES = [
    (RUSSIA, "Russia"),
    (RUSSIA, "Moscow"),
    (RUSSIA, "the Kremlin"),
    (NORTH_KOREA, "North Korea"),
    (NORTH_KOREA, "DPRK"),
    (NORTH_KOREA, "Pyongyang"),
    (SOUTH_KOREA, "South Korea"),
    (KOREA, "Korea"),
    (US, "United States"),
    (US, "U.S."),
    (US, "US"),
    (CHINA, "China"),
    (CHINA, "Beijing"),
    (SCO, "Shanghai Cooperation Organization"),
    (SCO, "SCO"),
    (UAE, "UAE"),
    (IRAN, "Iran"),
    (NORTH_KOREA, "Democratic People's Republic of Korea"),
]


@pytest.fixture
def index():
    return MentionIndex(NAMES)


def texts(index, text):
    return [(m.actor_id, m.text) for m in index.find(text)]


def test_finds_names_in_a_sentence_of_the_story(index):
    sentence = "Only Russia and North Korea have signed a mutual defence treaty; China has kept its distance."
    assert texts(index, sentence) == [(RUSSIA, "Russia"), (NORTH_KOREA, "North Korea"), (CHINA, "China")]


def test_longest_name_wins(index):
    assert texts(index, "North Korea sent troops.") == [(NORTH_KOREA, "North Korea")]


def test_shorter_name_still_found_on_its_own(index):
    assert texts(index, "The Korean War divided Korea.") == [(KOREA, "Korea")]


def test_possessives_count(index):
    sentence = "Russia's war and Iran’s drones; the Kremlin's aims."
    assert texts(index, sentence) == [(RUSSIA, "Russia"), (IRAN, "Iran"), (RUSSIA, "the Kremlin")]


def test_no_match_inside_another_word(index):
    assert texts(index, "Iranian and Russian officials met; Chinatown was quiet; a USB stick.") == []


def test_acronyms_are_case_sensitive(index):
    assert texts(index, "Let us meet the US envoy.") == [(US, "US")]


def test_dotted_acronym_matches_with_its_dots(index):
    assert texts(index, "Officials in the U.S. and the U.K. call it an axis.") == [(US, "U.S.")]


def test_dotted_acronym_at_the_end_of_a_sentence(index):
    assert texts(index, "The drones worried the U.S.") == [(US, "U.S.")]


def test_proper_names_match_in_headline_capitals(index):
    assert texts(index, "RUSSIA AND CHINA KEEP THEIR DISTANCE") == [(RUSSIA, "RUSSIA"), (CHINA, "CHINA")]


def test_all_lower_case_word_is_not_a_proper_name(index):
    assert texts(index, "She collects fine china.") == []


def test_name_spanning_a_line_break_matches(index):
    assert texts(index, "the Shanghai\nCooperation  Organization met") == [(SCO, "Shanghai\nCooperation  Organization")]


def test_typographic_apostrophe_inside_a_name_matches(index):
    assert texts(index, "the Democratic People’s Republic of Korea") == [
        (NORTH_KOREA, "Democratic People’s Republic of Korea")
    ]


def test_hyphenated_pair_mentions_both(index):
    assert texts(index, "the Iran-Russia channel") == [(IRAN, "Iran"), (RUSSIA, "Russia")]


def test_punctuation_inside_a_name_must_match(index):
    assert texts(index, "U S") == []


def test_actor_ids_are_unique_in_order_of_first_mention(index):
    assert index.actor_ids("Moscow and Beijing; Russia again; DPRK.") == [RUSSIA, CHINA, NORTH_KOREA]


def test_spans_point_into_the_text(index):
    text = "Troops from Pyongyang."
    (mention,) = index.find(text)
    assert text[mention.start : mention.end] == "Pyongyang"


def test_reads_names_and_aliases_from_the_database(db):
    russia = ActorFactory(name="Russia", slug="russia")
    ActorAliasFactory(actor=russia, name="Kremlin")
    north_korea = ActorFactory(name="North Korea", slug="north-korea")
    ActorFactory(name="Korea", slug="korea")
    ActorAliasFactory(actor=north_korea, name="DPRK")
    text = "The Kremlin signed a treaty with the DPRK; North Korea's troops followed."
    assert mentioned_actors(text) == [russia, north_korea]
    assert [m.text for m in find_mentions(text)] == ["Kremlin", "DPRK", "North Korea"]


def test_the_index_is_kept_while_no_actor_or_alias_changes(db, django_assert_num_queries):
    ActorFactory(name="Russia", slug="russia")
    index = MentionIndex.current()
    with django_assert_num_queries(0):
        assert MentionIndex.current() is index


def test_a_new_alias_reaches_the_kept_index(db):
    russia = ActorFactory(name="Russia", slug="russia")
    assert mentioned_actors("The Kremlin said so.") == []
    ActorAliasFactory(actor=russia, name="Kremlin")
    assert mentioned_actors("The Kremlin said so.") == [russia]


def test_a_renamed_actor_reaches_the_kept_index(db):
    actor = ActorFactory(name="Burma", slug="burma")
    assert mentioned_actors("Troops in Myanmar.") == []
    actor.name = "Myanmar"
    actor.save()
    assert mentioned_actors("Troops in Myanmar.") == [actor]


def test_a_deleted_actor_leaves_the_kept_index(db):
    actor = ActorFactory(name="Ruritania", slug="ruritania")
    assert mentioned_actors("Ruritania again.") == [actor]
    actor.delete()
    assert mentioned_actors("Ruritania again.") == []
