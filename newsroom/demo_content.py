"""The demo story's facts as data: actors, ties, claims and the article that cites them."""

import datetime

from relations import dates

# slug: (kind, name, Wikidata id, description, aliases)
ACTORS = {
    "china": ("country", "China", "Q148", "People's Republic of China.", ["Beijing", "PRC"]),
    "russia": (
        "country",
        "Russia",
        "Q159",
        "Russian Federation.",
        ["Moscow", "Kremlin", "Russian Federation"],
    ),
    "iran": ("country", "Iran", "Q794", "Islamic Republic of Iran.", ["Tehran", "Islamic Republic of Iran"]),
    "north-korea": (
        "country",
        "North Korea",
        "Q423",
        "Democratic People's Republic of Korea.",
        ["DPRK", "Pyongyang", "Democratic People's Republic of Korea"],
    ),
    "united-states": ("country", "United States", "Q30", "United States of America.", ["U.S.", "US", "USA"]),
    "united-kingdom": (
        "country",
        "United Kingdom",
        "Q145",
        "United Kingdom of Great Britain and Northern Ireland.",
        ["U.K.", "UK", "Britain"],
    ),
    "ukraine": ("country", "Ukraine", "Q212", "Ukraine, invaded by Russia in February 2022.", ["Kyiv"]),
    "israel": ("country", "Israel", "Q801", "State of Israel.", []),
    "saudi-arabia": ("country", "Saudi Arabia", "Q851", "Kingdom of Saudi Arabia.", ["Riyadh"]),
    "united-arab-emirates": (
        "country",
        "United Arab Emirates",
        "Q878",
        "Federation of seven emirates on the Gulf.",
        ["UAE", "Emirates"],
    ),
    "shanghai-cooperation-organization": (
        "bloc",
        "Shanghai Cooperation Organization",
        "Q485207",
        "Eurasian security and political grouping whose members include China, Russia and Iran.",
        ["SCO", "Shanghai Cooperation Organisation"],
    ),
    "carnegie-russia-eurasia-center": (
        "organisation",
        "Carnegie Russia Eurasia Center",
        "",
        "Research centre of the Carnegie Endowment for International Peace that studies Russia and Eurasia.",
        ["Carnegie Center"],
    ),
    "alexander-gabuev": (
        "person",
        "Alexander Gabuev",
        "",
        "Director of the Carnegie Russia Eurasia Center; writes on Russia and its ties with China.",
        ["Gabuev"],
    ),
    "michael-kimmage": (
        "person",
        "Michael Kimmage",
        "",
        "Historian and professor who studies Russia and US foreign policy.",
        ["Kimmage"],
    ),
}

JUNE_2024 = (datetime.date(2024, 6, 1), dates.Precision.MONTH)
FEBRUARY_2022 = (datetime.date(2022, 2, 24), dates.Precision.DAY)

# key: (subject slug, type slug, object slug, status, valid from or None, summary)
RELATIONSHIPS = {
    "ru-kp-treaty": (
        "russia",
        "mutual-defence-treaty",
        "north-korea",
        "active",
        JUNE_2024,
        "Each side is bound to come to the other's aid if attacked: the only such pact among the four.",
    ),
    "ir-ru-arms": (
        "iran",
        "arms-supply",
        "russia",
        "active",
        None,
        "Iranian drones and missiles used in Russia's war against Ukraine.",
    ),
    "ir-cn-oil": ("iran", "energy-trade", "china", "active", None, "Iranian crude shipped to Chinese buyers."),
    "kp-ru-troops": (
        "north-korea",
        "troop-deployment",
        "russia",
        "active",
        None,
        "North Korean soldiers sent to fight alongside Russian forces in the war against Ukraine.",
    ),
    "cn-ru-partnership": (
        "china",
        "strategic-partnership",
        "russia",
        "active",
        None,
        "A close partnership built over years, resting on trade and energy more than on arms.",
    ),
    "ru-cn-energy": ("russia", "energy-trade", "china", "active", None, "Russian oil and gas sold to China."),
    "cn-ir-mediation": (
        "china",
        "mediation",
        "iran",
        "active",
        None,
        "China brokered the restoration of ties between Iran and Saudi Arabia.",
    ),
    "cn-sa-mediation": (
        "china",
        "mediation",
        "saudi-arabia",
        "active",
        None,
        "China brokered the restoration of ties between Saudi Arabia and Iran.",
    ),
    "cn-sa-partnership": (
        "china",
        "strategic-partnership",
        "saudi-arabia",
        "active",
        None,
        "Close economic and diplomatic ties that China is careful to protect.",
    ),
    "cn-ae-partnership": (
        "china",
        "strategic-partnership",
        "united-arab-emirates",
        "active",
        None,
        "Close economic and diplomatic ties that China is careful to protect.",
    ),
    "ir-il-conflict": (
        "iran",
        "armed-conflict",
        "israel",
        "suspended",
        None,
        "Open hostilities between the two states, halted by a ceasefire.",
    ),
    "ir-il-ceasefire": ("iran", "ceasefire", "israel", "active", None, "The truce that halted the fighting."),
    "ru-ua-war": (
        "russia",
        "armed-conflict",
        "ukraine",
        "active",
        FEBRUARY_2022,
        "Russia's full-scale invasion of Ukraine and the war that followed.",
    ),
    "cn-sco": ("china", "membership", "shanghai-cooperation-organization", "active", None, ""),
    "ru-sco": ("russia", "membership", "shanghai-cooperation-organization", "active", None, ""),
    "ir-sco": ("iran", "membership", "shanghai-cooperation-organization", "active", None, ""),
    "gabuev-carnegie": (
        "alexander-gabuev",
        "affiliation",
        "carnegie-russia-eurasia-center",
        "active",
        None,
        "Director of the centre.",
    ),
}

STORY_SOURCE = {
    "title": "Wire report: China and Russia stand back from Iran",
    "publisher": "Demo wire service",
    "url": "https://example.org/demo/wire/china-russia-iran",
    "published_on": datetime.date(2025, 7, 1),
}

# key: (text, kind, attributed to (slug or None), about (slugs),
#       {relationship key: stance}, verification, internal note)
CLAIMS = {
    "axis-label": (
        "Some officials in the United States and the United Kingdom describe China, Russia, Iran and North Korea "
        "as a new 'axis'.",
        "allegation",
        None,
        ["united-states", "united-kingdom", "china", "russia", "iran", "north-korea"],
        {},
        "verified",
        "",
    ),
    "iran-arms": (
        "Iran has supplied drones and missiles to Russia for its war in Ukraine.",
        "fact",
        None,
        ["iran", "russia", "ukraine"],
        {"ir-ru-arms": "supports", "ru-ua-war": "context"},
        "verified",
        "",
    ),
    "iran-oil": (
        "Iran sells oil to China.",
        "fact",
        None,
        ["iran", "china"],
        {"ir-cn-oil": "supports"},
        "verified",
        "",
    ),
    "no-help-for-iran": (
        "Neither China nor Russia gave Iran substantial help when it came under military attack.",
        "fact",
        None,
        ["china", "russia", "iran"],
        {"cn-sco": "context", "ir-sco": "context", "ir-il-conflict": "context"},
        "verified",
        "",
    ),
    "gabuev-self-interest": (
        "The absence of Russian and Chinese support for Iran shows that each country looks after its own "
        "interests and stays out of the others' wars.",
        "assessment",
        "alexander-gabuev",
        ["russia", "china", "iran"],
        {},
        "unverified",
        "",
    ),
    "kimmage-shallow": (
        "The four share a grievance against the United States, but their cooperation is thin and of little weight.",
        "assessment",
        "michael-kimmage",
        ["china", "russia", "iran", "north-korea", "united-states"],
        {"cn-ru-partnership": "context"},
        "unverified",
        "",
    ),
    "only-treaty": (
        "Of the four countries, only Russia and North Korea are bound by a mutual defence treaty.",
        "fact",
        None,
        ["russia", "north-korea", "china", "iran"],
        {"ru-kp-treaty": "supports"},
        "verified",
        "",
    ),
    "kp-troops": (
        "North Korea has sent troops to support Russian forces fighting Ukraine.",
        "fact",
        None,
        ["north-korea", "russia", "ukraine"],
        {"kp-ru-troops": "supports", "ru-ua-war": "context"},
        "verified",
        "Check the latest troop estimates against defence ministry statements before any update.",
    ),
    "china-no-arms": (
        "China has not given Russia large-scale military support; its help has been economic, above all in energy.",
        "fact",
        None,
        ["china", "russia"],
        {"cn-ru-partnership": "supports", "ru-cn-energy": "supports"},
        "disputed",
        "Western governments say Chinese dual-use exports help Russia's arms industry; keep the wording careful.",
    ),
    "religion-gap": (
        "Russia and China, both secular states wary of Islamist movements, view Iran's clerical government "
        "with suspicion.",
        "fact",
        None,
        ["iran", "russia", "china"],
        {},
        "unverified",
        "",
    ),
    "china-mediation": (
        "China mediated between Iran and Saudi Arabia, casting itself as a neutral broker in the Middle East.",
        "fact",
        None,
        ["china", "iran", "saudi-arabia"],
        {"cn-ir-mediation": "supports", "cn-sa-mediation": "supports"},
        "verified",
        "",
    ),
    "china-gulf-ties": (
        "China's caution over the Iran-Israel conflict reflects its strong ties with Saudi Arabia and the UAE.",
        "fact",
        None,
        ["china", "iran", "israel", "saudi-arabia", "united-arab-emirates"],
        {"cn-sa-partnership": "supports", "cn-ae-partnership": "supports", "ir-il-conflict": "context"},
        "unverified",
        "",
    ),
    "sco-visit": (
        "After the ceasefire with Israel, Iran's defence minister travelled to China for a meeting of the "
        "Shanghai Cooperation Organization.",
        "fact",
        None,
        ["iran", "china", "israel", "shanghai-cooperation-organization"],
        {"ir-il-ceasefire": "context", "ir-sco": "supports"},
        "verified",
        "",
    ),
}

ARTICLE = {
    "slug": "china-and-russia-keep-their-distance-from-iran",
    "title": "An 'axis' in name only? China and Russia keep Iran at arm's length",
    "standfirst": (
        "Washington and London talk of a bloc of four. When Iran came under fire, its partners in Beijing and "
        "Moscow offered words, not help."
    ),
    "byline": "Newsroom staff",
    "section": "World",
}

# Paragraphs of the demo article; a claim key marks the sentence that cites it.
PARAGRAPHS = [
    (
        "Since the invasion of Ukraine, Russia has leaned on China, North Korea and Iran for help, and some "
        "officials in the U.S. and the U.K. have started calling the four a new axis.",
        "axis-label",
    ),
    (
        "The evidence for a bloc looks thin. Iran has sent drones and missiles to Russia and sells its oil to "
        "China, yet when Iran itself was attacked neither Beijing nor Moscow came to its aid.",
        "iran-arms",
    ),
    (
        "Iran's oil trade with China has continued throughout, a lifeline under sanctions.",
        "iran-oil",
    ),
    (
        "That silence was telling. Neither China nor Russia offered Iran more than statements while it was "
        "under attack.",
        "no-help-for-iran",
    ),
    (
        "For Alexander Gabuev of the Carnegie Russia Eurasia Center, it shows each capital putting its own "
        "interests first and keeping clear of its partners' wars.",
        "gabuev-self-interest",
    ),
    (
        "Michael Kimmage, a historian of Russia, sees a shared resentment of the United States rather than a "
        "partnership with real weight.",
        "kimmage-shallow",
    ),
    (
        "Only one pair is bound by treaty: Russia and North Korea pledged to defend each other, and "
        "Pyongyang has since sent soldiers to fight for Moscow against Ukraine.",
        "only-treaty",
    ),
    (
        "North Korean troops now serve alongside Russian units, a debt of the kind no other partner has paid.",
        "kp-troops",
    ),
    (
        "China and Russia are the closest pair, but Beijing has held back from arming the Kremlin on any "
        "scale; the partnership runs on trade, and above all on energy.",
        "china-no-arms",
    ),
    (
        "Faith divides them too: the clerical state in Tehran sits uneasily with secular governments that "
        "distrust religious militancy.",
        "religion-gap",
    ),
    (
        "In the Gulf, China has its own interests to guard. It brokered a rapprochement between Iran and "
        "Saudi Arabia and prefers the role of neutral go-between.",
        "china-mediation",
    ),
    (
        "Its ties with Saudi Arabia and the UAE explain Beijing's caution over the fighting between Iran and Israel.",
        "china-gulf-ties",
    ),
    (
        "Diplomacy goes on all the same: once the ceasefire with Israel held, Iran's defence minister flew to "
        "China for a meeting of the Shanghai Cooperation Organization.",
        "sco-visit",
    ),
]

BRIEF = {
    "slug": "iran-defence-minister-at-sco-meeting",
    "title": "Iran's defence minister heads to China for SCO talks",
    "standfirst": "The visit follows the ceasefire between Iran and Israel.",
    "byline": "Newsroom staff",
    "section": "Briefing",
}

BRIEF_PARAGRAPHS = [
    (
        "Iran's defence minister travelled to China for a gathering of the Shanghai Cooperation Organization, "
        "days after the ceasefire with Israel took hold.",
        "sco-visit",
    ),
    (
        "China, Russia and Iran all sit in the SCO, though membership has not brought Tehran military backing.",
        "no-help-for-iran",
    ),
]

# Scheduled when first loaded, so editors see a story waiting to go live.
SCHEDULED = {
    "slug": "russia-and-north-korea-the-one-pact-with-teeth",
    "title": "Russia and North Korea: the one pact with teeth",
    "standfirst": "Of the four governments said to form an axis, only two have promised to fight for each other.",
    "byline": "Newsroom staff",
    "section": "Analysis",
}

# A paragraph with no claim key cites nothing: background, not a claim to check.
SCHEDULED_PARAGRAPHS = [
    (
        "Talk of a four-way bloc hides how uneven its ties are. Moscow and Pyongyang alone have signed a treaty "
        "that commits each to the other's defence.",
        "only-treaty",
    ),
    (
        "North Korea has already honoured it in the field, sending soldiers to fight beside Russian units in "
        "the war against Ukraine.",
        "kp-troops",
    ),
    (
        "The bond is an old one: the two stood on the same side in the Korean War, in which China fought as well.",
        None,
    ),
    (
        "Beijing, by contrast, trades with Moscow and buys its energy but has held back from supplying arms on "
        "any scale, and neither capital has bound itself to Iran.",
        "china-no-arms",
    ),
]

# Fact boxes run alongside the main story. The map is started from its actors,
# the way an editor starts one, and so holds every tie among them.
AXIS_MAP = {
    "slug": "the-axis-at-a-glance",
    "title": "The 'axis' at a glance",
    "intro": "Who is tied to whom among China, Russia, Iran and North Korea, and how.",
    "actors": ["china", "russia", "iran", "north-korea"],
}

# slug: fields and items; an item is ("claim" | "relationship" | "actor" | "text", key or words[, date]).
FACTBOXES = {
    "what-binds-the-four": {
        "kind": "key_facts",
        "title": "What binds the four, and what does not",
        "intro": "The ties that are real, in a few lines.",
        "items": [
            ("claim", "only-treaty"),
            ("claim", "kp-troops"),
            ("claim", "iran-arms"),
            ("claim", "iran-oil"),
            ("claim", "no-help-for-iran"),
        ],
    },
    "checking-the-axis": {
        "kind": "claim_check",
        "title": "Checking the talk of an 'axis'",
        "intro": "What is said about the four, who says it, and where our fact-checkers stand.",
        "items": [
            ("claim", "axis-label"),
            ("claim", "china-no-arms"),
            ("claim", "gabuev-self-interest"),
            ("claim", "kimmage-shallow"),
        ],
    },
    "russia-and-north-korea-step-by-step": {
        "kind": "timeline",
        "title": "Russia and North Korea, step by step",
        "intro": "How the war in Ukraine brought Moscow and Pyongyang into a pact.",
        "items": [
            ("relationship", "ru-ua-war"),
            ("relationship", "ru-kp-treaty"),
            ("claim", "kp-troops", (datetime.date(2024, 1, 1), dates.Precision.YEAR)),
        ],
    },
}

# Where each box runs in the main story: (box slug, after paragraph number or None for beside the story).
PLACEMENTS = [
    (AXIS_MAP["slug"], 1),
    ("what-binds-the-four", 7),
    ("checking-the-axis", 10),
    ("russia-and-north-korea-step-by-step", 8),
]
