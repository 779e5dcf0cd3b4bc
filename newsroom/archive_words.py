"""Word lists the archive generator composes names, headlines and claims from.

Country and bloc names are real, so that the archive reads like coverage; every
person, organisation, outlet, event and figure built from them is invented.
"""

# (name, capital, demonym)
COUNTRIES = [
    ("Russia", "Moscow", "Russian"), ("China", "Beijing", "Chinese"), ("Iran", "Tehran", "Iranian"),
    ("North Korea", "Pyongyang", "North Korean"), ("United States", "Washington", "American"),
    ("United Kingdom", "London", "British"), ("France", "Paris", "French"), ("Germany", "Berlin", "German"),
    ("Turkey", "Ankara", "Turkish"), ("India", "New Delhi", "Indian"), ("Pakistan", "Islamabad", "Pakistani"),
    ("Japan", "Tokyo", "Japanese"), ("South Korea", "Seoul", "South Korean"), ("Israel", "Jerusalem", "Israeli"),
    ("Saudi Arabia", "Riyadh", "Saudi"), ("Syria", "Damascus", "Syrian"), ("Iraq", "Baghdad", "Iraqi"),
    ("Belarus", "Minsk", "Belarusian"), ("Ukraine", "Kyiv", "Ukrainian"), ("Venezuela", "Caracas", "Venezuelan"),
    ("Cuba", "Havana", "Cuban"), ("Nicaragua", "Managua", "Nicaraguan"), ("Brazil", "Brasília", "Brazilian"),
    ("South Africa", "Pretoria", "South African"), ("Egypt", "Cairo", "Egyptian"),
    ("Ethiopia", "Addis Ababa", "Ethiopian"),
    ("Sudan", "Khartoum", "Sudanese"), ("Libya", "Tripoli", "Libyan"), ("Mali", "Bamako", "Malian"),
    ("Niger", "Niamey", "Nigerien"), ("Burkina Faso", "Ouagadougou", "Burkinabè"), ("Algeria", "Algiers", "Algerian"),
    ("Myanmar", "Naypyidaw", "Myanmar"), ("Vietnam", "Hanoi", "Vietnamese"), ("Indonesia", "Jakarta", "Indonesian"),
    ("Kazakhstan", "Astana", "Kazakh"), ("Uzbekistan", "Tashkent", "Uzbek"), ("Armenia", "Yerevan", "Armenian"),
    ("Azerbaijan", "Baku", "Azerbaijani"), ("Georgia", "Tbilisi", "Georgian"), ("Serbia", "Belgrade", "Serbian"),
    ("Hungary", "Budapest", "Hungarian"), ("Poland", "Warsaw", "Polish"), ("Qatar", "Doha", "Qatari"),
    ("United Arab Emirates", "Abu Dhabi", "Emirati"), ("Afghanistan", "Kabul", "Afghan"), ("Yemen", "Sanaa", "Yemeni"),
    ("Lebanon", "Beirut", "Lebanese"), ("Eritrea", "Asmara", "Eritrean"), ("Laos", "Vientiane", "Lao"),
    ("Cambodia", "Phnom Penh", "Cambodian"), ("Mongolia", "Ulaanbaatar", "Mongolian"),
    ("Tajikistan", "Dushanbe", "Tajik"), ("Kyrgyzstan", "Bishkek", "Kyrgyz"),
    ("Turkmenistan", "Ashgabat", "Turkmen"), ("Bolivia", "La Paz", "Bolivian"),
    ("Argentina", "Buenos Aires", "Argentine"),
    ("Mexico", "Mexico City", "Mexican"), ("Nigeria", "Abuja", "Nigerian"), ("Kenya", "Nairobi", "Kenyan"),
]  # fmt: skip

# (name, acronym or "")
BLOCS = [
    ("Shanghai Cooperation Organisation", "SCO"), ("BRICS", ""), ("North Atlantic Treaty Organization", "NATO"),
    ("Collective Security Treaty Organization", "CSTO"), ("European Union", "EU"), ("African Union", "AU"),
    ("Association of Southeast Asian Nations", "ASEAN"), ("Gulf Cooperation Council", "GCC"),
    ("Eurasian Economic Union", "EAEU"), ("Arab League", ""), ("Alliance of Sahel States", "AES"),
    ("Group of Seven", "G7"), ("Organization of American States", "OAS"), ("Mercosur", ""),
]  # fmt: skip

FIRST_NAMES = [
    "Alexei", "Sergei", "Dmitri", "Olga", "Irina", "Wei", "Li", "Mei", "Jun", "Hassan", "Ali", "Mahmoud", "Fatemeh",
    "Zahra", "Min-jun", "Ji-woo", "Kim", "James", "Sarah", "Michael", "Emily", "Pierre", "Claire", "Jürgen", "Anna",
    "Mehmet", "Ayşe", "Arjun", "Priya", "Imran", "Ayesha", "Hiroshi", "Yuki", "Omar", "Layla", "Yusuf", "Carlos",
    "María", "Nikolai", "Tatiana", "Elena", "Nursultan", "Aigerim", "Thabo", "Amina", "Kwame", "Ngozi", "Tomasz",
    "Katarzyna", "Viktor", "Zsófia", "Giorgi", "Nino", "Luis", "Gabriela", "Abdullah", "Noura", "Tran", "Nguyen",
]  # fmt: skip
LAST_NAMES = [
    "Ivanov", "Petrova", "Sokolov", "Volkova", "Zhang", "Wang", "Liu", "Chen", "Rahimi", "Hosseini", "Karimi",
    "Moradi", "Park", "Lee", "Choi", "Ri", "Smith", "Walker", "Hughes", "Dubois", "Laurent", "Becker", "Schmidt",
    "Yılmaz", "Demir", "Sharma", "Iyer", "Khan", "Qureshi", "Tanaka", "Sato", "Haddad", "Nasser", "Mansour",
    "Ortega", "Ramírez", "Lukashenko", "Morozov", "Abenov", "Seitkali", "Mokoena", "Okafor", "Mensah", "Nowak",
    "Kowalski", "Horváth", "Kovács", "Beridze", "Kapanadze", "Silva", "Moreno", "Al-Harbi", "Al-Qahtani", "Pham",
    "Hoang", "Rashidov", "Tursunov", "Bekov", "Diallo", "Traoré", "Coulibaly", "Haile", "Tesfaye",
]  # fmt: skip
ROLES = [
    "foreign minister", "defence minister", "president", "prime minister", "ambassador to the UN", "army chief",
    "spokesperson", "energy minister", "deputy foreign minister", "security council secretary", "central bank governor",
]  # fmt: skip

ORG_FORMS = [
    "{adj} Institute for {field}", "{country} {field} Corporation", "{adj} Council on {field}",
    "Centre for {field} Studies", "{country} {industry} Holdings", "{adj} {industry} Group",
    "{country} Ministry of {ministry}", "{adj} Foundation for {field}", "{country} State {industry} Company",
]  # fmt: skip
ORG_ADJECTIVES = [
    "Eurasian", "Atlantic", "Pacific", "Northern", "Southern", "Caspian", "Baltic", "Sahel", "Continental",
    "National", "United", "Strategic", "Independent", "Central", "Eastern", "Western", "Global", "Arctic",
]  # fmt: skip
ORG_FIELDS = [
    "Security", "Strategic Studies", "Energy", "Trade", "Defence", "Nuclear Policy", "Maritime Affairs",
    "Development", "Conflict Research", "Sanctions Policy", "Arms Control", "Regional Affairs", "Cyber Security",
]  # fmt: skip
ORG_INDUSTRIES = ["Arms", "Shipbuilding", "Gas", "Oil", "Aerospace", "Rail", "Grain", "Mining", "Nuclear", "Drone"]
ORG_MINISTRIES = ["Defence", "Foreign Affairs", "Energy", "Trade", "Finance", "Interior"]
ARMED_GROUP_FORMS = [
    "{colour} {noun} Brigade", "{adj} Liberation Front", "{colour} {noun} Movement", "{adj} Defence Forces",
    "{noun} Battalion", "{adj} Resistance Army",
]  # fmt: skip
COLOURS = ["Black", "Red", "Green", "White", "Grey", "Golden", "Blue", "Crimson"]
NOUNS = ["Eagle", "Wolf", "Lion", "Falcon", "Storm", "Mountain", "River", "Dawn", "Shield", "Sword", "Star"]

# Types of the starting vocabulary (relations migration 0002) by the kinds of actor each joins.
COUNTRY_TYPES = [
    "mutual-defence-treaty", "strategic-partnership", "arms-supply", "troop-deployment", "energy-trade",
    "sanctions-cooperation", "mediation", "armed-conflict", "ceasefire", "rivalry",
]  # fmt: skip

# Claim templates by the category of the relationship they bear on; {s} and {o} are its parties.
CLAIMS_BY_CATEGORY = {
    "security": [
        "{s} and {o} held joint naval exercises in {month} {year}, the {nth} since their treaty was signed.",
        "{s} pledged to come to {o}'s defence if it is attacked, according to the treaty's published text.",
        "Officers from {s} have trained with {o}'s air defence units at least {n} times since {year}.",
    ],
    "diplomatic": [
        "{s} and {o} signed {n} cooperation agreements during a state visit in {month} {year}.",
        "{s}'s leader has met {o}'s counterpart {n} times since {year}.",
        "{s} voted with {o} on {n} of {m} contested UN resolutions in {year}.",
    ],
    "military": [
        "{s} delivered {n} {weapon} to {o} in {month} {year}.",
        "Satellite images show {weapon} of {s} origin at a base in {o} in {month} {year}.",
        "{s} has supplied {o} with {weapon} worth an estimated ${n} million since {year}.",
    ],
    "economic": [
        "{s}'s exports of crude oil to {o} rose {n} per cent in {year}.",
        "{s} and {o} settle {n} per cent of their trade in their own currencies, up from {m} per cent in {year}.",
        "Shipments from {s} reached {o} through {n} front companies in {year}, customs records show.",
    ],
    "conflict": [
        "{n} people were killed in clashes between forces of {s} and {o} in {month} {year}.",
        "{s} accused {o} of violating the ceasefire {n} times in {month} {year}.",
        "Talks between {s} and {o} broke down in {month} {year} after {n} rounds.",
    ],
    "membership": [
        "{s} joined {o} in {year}, after {n} years as an observer.",
        "{s} has taken part in {n} summits of {o} since {year}.",
        "{s} contributed {n} officers to operations of {o} in {year}.",
    ],
}
LONE_CLAIMS = [
    "{s} raised its defence budget by {n} per cent in {year}.",
    "{s} expelled {n} diplomats in {month} {year}.",
    "{s} announced {n} new sanctions exemptions in {month} {year}.",
    "{s}'s state media ran {n} stories on the alliance in {month} {year}.",
]
ASSESSMENTS = [
    "{s}'s partnership with {o} is more symbolic than operational.",
    "{o} depends on {s} for its economic survival more than ever.",
    "The ties between {s} and {o} are transactional and unlikely to outlast the war.",
    "{s} is using {o} to test how far sanctions can be evaded.",
]
QUOTES = [
    "Our friendship with {o} has no limits.",
    "We will not abandon our partners in {o}, whatever the pressure.",
    "Cooperation with {o} is not directed against any third country.",
    "The sanctions have only brought us closer to {o}.",
]
ALLEGATIONS = [
    "{s} secretly sent {weapon} to {o} in {month} {year}.",
    "{s} helped {o} evade oil sanctions through {n} shadow tankers in {year}.",
    "Engineers from {s} worked at a missile site in {o} in {year}.",
]
WEAPONS = [
    "artillery shells", "attack drones", "ballistic missiles", "air defence systems", "armoured vehicles",
    "fighter jets", "rocket launchers", "small arms", "radar units", "patrol boats",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh"]

HEADLINES = [
    "How {s} and {o} drew closer", "Inside the {s}–{o} arms pipeline", "Why {s} is betting on {o}",
    "{s} and {o}: an alliance of convenience?", "What {s} gets from {o}", "The limits of {s}'s support for {o}",
    "{s} deepens ties with {o} as sanctions bite", "Fact check: does {s} really back {o}?",
    "{s} and {o} sign new defence pact", "The trade keeping {o} afloat",
]  # fmt: skip
STANDFIRSTS = [
    "Our reporters traced the deals, visits and shipments behind the headlines.",
    "The evidence shows a partnership that is closer in some areas than officials admit, and thinner in others.",
    "Claims of a new axis are easy to make. We checked which of them hold up.",
    "Documents, satellite images and trade data tell a more complicated story.",
]  # fmt: skip
FILLER = [
    "Officials in both capitals declined to comment on the figures.",
    "Analysts caution that much of the trade is hard to trace.",
    "The agreements build on a framework first discussed a decade ago.",
    "Diplomats describe the relationship as pragmatic rather than ideological.",
    "Independent verification remains difficult in the region.",
]  # fmt: skip
SECTIONS = ["World", "Analysis", "Security", "Economy", "Diplomacy", "Fact check"]
BYLINES = [
    "Hannah Clarke", "Daniel Osei", "Marta Kowal", "Rafael Ortiz", "Aiko Mori", "Samir Haddad", "Lena Fischer",
    "Tom Whitfield", "Nadia Karimova", "Joseph Mwangi", "Chloé Martin", "Ivan Petrenko",
]  # fmt: skip

PUBLISHERS = [
    ("The Meridian Post", "meridianpost.example"), ("Baltic Wire", "balticwire.example"),
    ("Caspian Monitor", "caspianmonitor.example"), ("Pacific Ledger", "pacificledger.example"),
    ("Institute for Conflict Records", "conflictrecords.example"), ("Sahel Observer", "saheltoday.example"),
    ("Eastern Trade Gazette", "tradegazette.example"), ("Open Skies Imagery", "openskies.example"),
    ("Official Gazette", "gazette.example"), ("Arms Transfer Register", "armsregister.example"),
    ("Global Customs Data", "customsdata.example"), ("The Evening Courier", "eveningcourier.example"),
]  # fmt: skip
SOURCE_TITLES = [
    "{s} and {o} sign cooperation accords", "Customs data: {s} exports to {o}", "Satellite imagery of {o} airbase",
    "Transcript: press conference in {capital}", "Annual report on arms transfers, {year}",
    "Statement of the {s} foreign ministry", "{s}–{o} trade figures, {year}", "Shipping records from {capital} port",
]  # fmt: skip

SUMMARIES = {
    "security": "{s} and {o} are bound to defend each other.",
    "diplomatic": "{s} and {o} coordinate closely in international forums.",
    "military": "{s} provides {o} with military support.",
    "economic": "{s} and {o} trade in ways that blunt sanctions.",
    "conflict": "{s} and {o} are at odds.",
    "membership": "{s} belongs to {o}.",
}
BOX_INTROS = [
    "What the evidence shows, claim by claim.",
    "The ties behind the story, as our reporting found them.",
    "Key facts, checked by our fact-checkers.",
]  # fmt: skip
