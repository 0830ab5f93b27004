"""What the demo project holds besides its transcripts: cases, places, codings and memos.

Everything here is data, applied by :func:`workbench.demo.build_demo` through the core.
Passages are literal phrases from the transcripts in ``transcripts/``; the builder finds each
one in the stored document text, so no offset is written down anywhere. A phrase must occur
exactly once in its document.

Who coded what (as a small team would split the work):

- ``anouk`` codes interviews 1 to 4, ``bram`` interviews 5 to 7;
- both code interviews 1 (Hatert) and 3 (Bemmel): the overlap for checking agreement. There
  Bram codes many of the same passages as Anouk, sometimes with the same codes, sometimes
  with others, and a few passages with boundaries of his own.

Code names and place kinds are those of the shipped codebook ``sociale-infrastructuur``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CODEBOOK = "sociale-infrastructuur"
LANGUAGE = "nl"
CODERS = ("anouk", "bram")


@dataclass(frozen=True)
class Passage:
    """A phrase of a transcript, the codes it gets, the places it is linked to, a memo."""

    phrase: str
    codes: tuple[str, ...]
    places: tuple[str, ...] = ()
    memo: str | None = None


def P(phrase: str, *codes: str, places: tuple[str, ...] = (), memo: str | None = None) -> Passage:  # noqa: N802
    """Shorthand for a :class:`Passage`."""
    return Passage(phrase, codes, places, memo)


# --- cases -----------------------------------------------------------------------------------

#: The type of every case attribute (set explicitly, never inferred).
ATTRIBUTE_TYPES: dict[str, str] = {
    "leeftijdsgroep": "text",
    "wijk": "text",
    "gemeente": "text",
    "jaren_in_wijk": "integer",
    "alleenwonend": "boolean",
    "rol": "text",
}

#: (case name, document name, attributes). Documents are named after their file stems.
CASES: list[tuple[str, str, dict[str, str]]] = [
    ("R01", "interview-01-hatert", {
        "leeftijdsgroep": "75+", "wijk": "Hatert", "gemeente": "Nijmegen",
        "jaren_in_wijk": "41", "alleenwonend": "ja", "rol": "bewoner",
    }),
    ("R02", "interview-02-lindenholt", {
        "leeftijdsgroep": "55-64", "wijk": "Lindenholt", "gemeente": "Nijmegen",
        "jaren_in_wijk": "22", "alleenwonend": "ja", "rol": "bewoner",
    }),
    ("R03", "interview-03-bemmel", {
        "leeftijdsgroep": "35-44", "wijk": "Bemmel", "gemeente": "Lingewaard",
        "jaren_in_wijk": "3", "alleenwonend": "nee", "rol": "bewoner",
    }),
    ("R04", "interview-04-dukenburg", {
        "leeftijdsgroep": "18-24", "wijk": "Dukenburg", "gemeente": "Nijmegen",
        "jaren_in_wijk": "19", "alleenwonend": "nee", "rol": "bewoner",
    }),
    ("R05", "interview-05-nijmegen-oost", {
        "leeftijdsgroep": "55-64", "wijk": "Nijmegen-Oost", "gemeente": "Nijmegen",
        "jaren_in_wijk": "15", "alleenwonend": "ja", "rol": "bewoner",
    }),
    ("R06", "interview-06-heseveld", {
        "leeftijdsgroep": "25-34", "wijk": "Heseveld", "gemeente": "Nijmegen",
        "jaren_in_wijk": "6", "alleenwonend": "ja", "rol": "bewoner",
    }),
    ("R07", "interview-07-neerbosch-oost", {
        "leeftijdsgroep": "65-74", "wijk": "Neerbosch-Oost", "gemeente": "Nijmegen",
        "jaren_in_wijk": "38", "alleenwonend": "nee", "rol": "vrijwilliger",
    }),
]  # fmt: skip


# --- places ----------------------------------------------------------------------------------

HUISKAMER = "Huiskamer De Klaproos"
BIEB = "Bibliotheek Hatert"
SUPERMARKT = "Supermarkt Dorpsstraat"
LUNCHROOM = "Lunchroom Bij Joost"
KANAALPAD = "Kanaalpad Lindenholt"
VIJVERPARK = "Vijverpark Lindenholt"
BUURTCAFE = "Buurtcafé Lindenholt"
SCHAKEL = "Jongerencentrum De Schakel"
TREFPUNT = "Wijkcentrum Het Trefpunt"
JONGERENPLEK = "Eigen plek voor jongeren in Dukenburg"
KAPPER = "Kapper Yusuf"
HOEKJE = "Café ’t Hoekje"
MOESTUIN = "Moestuin De Groene Hof"
MEIBOOM = "Buurthuis De Meiboom"
MARKT = "Weekmarkt Neerbosch-Oost"

#: Keyword arguments of :func:`workbench.coding.places.add_place`, one dict a place. The places are
#: fictional; coordinates are plausible points in the neighbourhood, not real addresses.
PLACES: list[dict[str, Any]] = [
    {
        "name": BIEB,
        "kind": "library",
        "neighbourhood": "Hatert",
        "municipality": "Nijmegen",
        "latitude": 51.8196,
        "longitude": 5.8318,
        "aliases": ["de bieb", "bibliotheek in het wijkcentrum"],
        "description": "Vestiging in het wijkcentrum, met een leestafel met kranten.",
    },
    {
        "name": HUISKAMER,
        "kind": "living_room",
        "neighbourhood": "Hatert",
        "municipality": "Nijmegen",
        "latitude": 51.8178,
        "longitude": 5.8279,
        "aliases": ["de huiskamer", "De Klaproos"],
        "description": "Huiskamer in een zaaltje bij de kerk, maandag en donderdag open, "
        "gerund door vrijwilligers.",
    },
    {
        "name": SUPERMARKT,
        "kind": "supermarket",
        "neighbourhood": "Bemmel",
        "municipality": "Lingewaard",
        "latitude": 51.8918,
        "longitude": 5.8967,
        "aliases": ["de supermarkt in Bemmel"],
        "description": "Supermarkt in het dorp; de caissière maakt met iedereen een praatje.",
    },
    {
        "name": LUNCHROOM,
        "kind": "cafe_pub",
        "neighbourhood": "Bemmel",
        "municipality": "Lingewaard",
        "latitude": 51.8925,
        "longitude": 5.8981,
        "aliases": ["de lunchroom", "lunchroom van Joost"],
        "description": "Lunchroom aan het plein; de eigenaar zet wie alleen komt aan de lange "
        "tafel achterin.",
    },
    {
        "name": KANAALPAD,
        "kind": "walking_route",
        "status": "lost",
        "neighbourhood": "Lindenholt",
        "municipality": "Nijmegen",
        "latitude": 51.8281,
        "longitude": 5.7868,
        "aliases": ["het pad langs het kanaal", "het oude pad"],
        "description": "Gravelpad langs het kanaal met bankjes; verdwenen bij de aanleg van een "
        "fietspad.",
    },
    {
        "name": VIJVERPARK,
        "kind": "park",
        "neighbourhood": "Lindenholt",
        "municipality": "Nijmegen",
        "latitude": 51.8262,
        "longitude": 5.7985,
        "aliases": ["het park bij de vijver"],
        "description": "Park rond de vijver; druk en open.",
    },
    {
        "name": BUURTCAFE,
        "kind": "cafe_pub",
        "status": "missed",
        "neighbourhood": "Lindenholt",
        "municipality": "Nijmegen",
        "aliases": ["een buurtcafé", "een kroeg in Lindenholt"],
        "description": "Lindenholt heeft geen kroeg; bewoners missen een buurtcafé.",
    },
    {
        "name": SCHAKEL,
        "kind": "youth_facility",
        "status": "lost",
        "neighbourhood": "Dukenburg",
        "municipality": "Nijmegen",
        "aliases": ["De Schakel", "het jongerencentrum"],
        "description": "Jongerencentrum achter het winkelcentrum; dicht in de coronatijd, "
        "daarna gesloopt.",
    },
    {
        "name": TREFPUNT,
        "kind": "community_centre",
        "neighbourhood": "Dukenburg",
        "municipality": "Nijmegen",
        "latitude": 51.8167,
        "longitude": 5.8003,
        "aliases": ["Het Trefpunt"],
        "description": "Wijkcentrum met stoelyoga, koersbal, een taalcafé en handwerken.",
    },
    {
        "name": JONGERENPLEK,
        "kind": "youth_facility",
        "status": "wished",
        "neighbourhood": "Dukenburg",
        "municipality": "Nijmegen",
        "aliases": ["een eigen plek"],
        "description": "Gewenst: een ruimte van en voor jongeren, ’s avonds en in het weekend "
        "open, met een jongerenwerker erbij.",
    },
    {
        "name": KAPPER,
        "kind": "shop",
        "neighbourhood": "Dukenburg",
        "municipality": "Nijmegen",
        "latitude": 51.8152,
        "longitude": 5.7981,
        "aliases": ["de kapper"],
        "description": "Kapper waar jongens uit de wijk lang blijven zitten; buiten beeld van "
        "de begeleiders.",
    },
    {
        "name": HOEKJE,
        "kind": "cafe_pub",
        "neighbourhood": "Nijmegen-Oost",
        "municipality": "Nijmegen",
        "latitude": 51.8419,
        "longitude": 5.8752,
        "aliases": ["’t Hoekje", "de kroeg om de hoek"],
        "description": "Buurtcafé met een vaste tafel; de kastelein is achtenzestig.",
    },
    {
        "name": MOESTUIN,
        "kind": "community_garden",
        "neighbourhood": "Heseveld",
        "municipality": "Nijmegen",
        "latitude": 51.8374,
        "longitude": 5.8240,
        "aliases": ["de moestuin", "De Groene Hof"],
        "description": "Buurtmoestuin achter de flats bij het spoor, met eigen bakken en een "
        "gezamenlijke kruidentuin.",
    },
    {
        "name": MEIBOOM,
        "kind": "community_centre",
        "neighbourhood": "Neerbosch-Oost",
        "municipality": "Nijmegen",
        "latitude": 51.8449,
        "longitude": 5.8201,
        "aliases": ["De Meiboom"],
        "description": "Buurthuis van de woningcorporatie; koffieochtend op woensdag en vrijdag.",
    },
    {
        "name": MARKT,
        "kind": "market",
        "neighbourhood": "Neerbosch-Oost",
        "municipality": "Nijmegen",
        "latitude": 51.8441,
        "longitude": 5.8214,
        "aliases": ["de weekmarkt", "de zaterdagmarkt"],
        "description": "Weekmarkt op zaterdag op het plein voor het buurthuis.",
    },
]


# --- codings ---------------------------------------------------------------------------------

# Interview 1, Hatert: coded by Anouk, and (the overlap) by Bram.
_H_KLAPROOS = (
    "Maar als ik daar binnenkom, roept Gerda al “Daar is ze!” en dan staat de koffie al klaar."
)
_H_WELKOM = (
    "Dan voel ik me welkom. Dan weet ik: ze hebben op me gewacht. Gerda is vrijwilliger, ze "
    "krijgt er geen cent voor, en toch onthoudt ze of je kleinzoon examen had."
)
_H_DREMPEL = (
    "Maar er wordt niks van je verwacht, je hoeft je niet op te geven, je loopt binnen en je "
    "gaat zitten. Dat maakte het makkelijk."
)
_H_EENZAAM = "Ik was eenzaam, dat mag u best opschrijven."
_H_LEESTAFEL = (
    "In de bieb lees ik elke ochtend de krant aan de leestafel. Een eigen abonnement is me te "
    "duur geworden."
)
_H_KNIKKEN = (
    "Er zitten altijd dezelfde mensen: een meneer met een hoedje die de puzzel doet, twee "
    "jongens die huiswerk maken, een Syrische vrouw die Nederlands oefent. We kennen elkaars "
    "naam niet eens, maar we knikken."
)
_H_ANKE = (
    "Met Anke van de balie. Die vraagt altijd hoe het met mijn geraniums gaat, want ik heb haar "
    "een keer een stekje gebracht."
)
_H_DICHT = (
    "Vorige winter was ze drie weken ziek en toen was de huiskamer gewoon dicht. Er stond een "
    "briefje op de deur."
)
_H_WIJKTEAM = (
    "Maar die vroeg vooral of ik wel goed at en of ik niet viel. Over de huiskamer of de bieb "
    "heeft ze niks gevraagd."
)

# Interview 3, Bemmel: coded by Anouk, and (the overlap) by Bram.
_B_SCHOOLPLEIN = (
    "Op het schoolplein stonden de moeders in groepjes die al sinds de kleuterklas bij elkaar "
    "stonden. Niet onaardig, hoor, maar je kwam er niet tussen. Iedereen kent iedereen, en dan "
    "ben jij de nieuwe."
)
_B_ANS = (
    "Er werkt daar een caissière, Ans, een vrouw van een jaar of zestig, die praat met iedereen."
)
_B_MIJN_DAG = (
    "Soms is het dertig seconden: hoe gaat het met je dochter, heb je het weer gezien. Maar dat "
    "maakt mijn dag!"
)
_B_GASTHEER = (
    "Joost is echt een gastheer. Hij heeft achterin een lange tafel staan, en als je alleen "
    "binnenkomt, zet hij je daar neer."
)
_B_KOPPELT = (
    "Hij koppelt mensen. Hij weet wie er alleen is, wie net weduwe is geworden, wie nieuw is. "
    "En hij doet het zo dat het niet zielig voelt."
)
_B_RIEK = (
    "Ze heeft me op een gegeven moment gewoon thuis uitgenodigd op de koffie. Nu ga ik elke "
    "week bij haar langs, op woensdag, en ze past soms op mijn jongste."
)
_B_TWEEDE_HUIS = (
    "Als de lunchroom dichtgaat, weet ik niet waar Riek en Wim en de anderen heen moeten. Voor "
    "sommigen is dat hun tweede huis."
)
_B_ERBIJ = (
    "Maar als ik nu over het plein loop, zegt Wim gedag, zwaait Joost door het raam, en weet "
    "Ans bij de kassa dat mijn dochter haar zwemdiploma heeft. Ik hoor erbij."
)

ANOUK: dict[str, list[Passage]] = {
    "interview-01-hatert": [
        P(
            "Op maandag en donderdag ga ik naar de huiskamer bij de kerk, De Klaproos heet die.",
            "place use",
            "routine",
            places=(HUISKAMER,),
        ),
        P(_H_KLAPROOS, "welcome", "host role", places=(HUISKAMER,)),
        P(
            _H_WELKOM,
            "welcome",
            "host role",
            "being seen",
            places=(HUISKAMER,),
            memo="Gastrol en welkom vallen hier samen: een vrijwilliger als gastvrouw die "
            "onthoudt wat er in je leven speelt.",
        ),
        P(
            "Via mijn buurvrouw. Na de begrafenis zat ik maanden binnen. Ik deed de gordijnen "
            "niet eens meer open.",
            "withdrawal",
            "life transition",
            "referral",
        ),
        P(_H_DREMPEL, "low threshold", "what helps", places=(HUISKAMER,)),
        P(
            _H_EENZAAM + " Mijn kinderen wonen in Utrecht en Zwolle, die bellen wel, maar bellen "
            "is geen bezoek.",
            "loneliness",
            "social loneliness",
        ),
        P(
            "Vroeger fietste ik naar de stad, nu is alles wat verder is dan het winkelcentrum "
            "eigenlijk te ver. Dus wat dichtbij is, wordt belangrijker.",
            "shrinking radius",
            "physical access",
        ),
        P(_H_LEESTAFEL, "place use", "routine", "affordability", places=(BIEB,)),
        P(_H_KNIKKEN, "weak ties", "bridging contact", places=(BIEB,)),
        P(
            "En als de meneer met het hoedje er een keer niet is, dan vraag ik me af of hij ziek "
            "is.",
            "weak ties",
            "being seen",
            places=(BIEB,),
        ),
        P(
            "Ik sta op, ik kleed me netjes aan en om tien uur ben ik in de bieb. Als je niks hebt "
            "om naartoe te gaan, blijf je in je ochtendjas zitten.",
            "routine",
            "what is valued",
            places=(BIEB,),
        ),
        P(_H_ANKE, "host role", "weak ties", places=(BIEB,)),
        P("Bij de bieb ben ik niet zomaar een pasje.", "being seen", "welcome", places=(BIEB,)),
        P(
            "Die boom is weg en de bank ook, “vanwege overlast” zeiden ze. Nu staan er van die "
            "hoge tafels waar niemand aan gaat zitten.",
            "lost place",
            "physical design",
        ),
        P(_H_DICHT, "volunteers", "opening hours", places=(HUISKAMER,)),
        P(
            "En de kerk wil er huur voor gaan vragen, heb ik gehoord, omdat de energierekening "
            "zo hoog is.",
            "rent and costs",
            places=(HUISKAMER,),
        ),
        P(
            _H_WIJKTEAM,
            "blind spot",
            "risk framing",
            memo="Het wijkteam kijkt naar risico’s (vallen, eten) en vraagt niet naar de plekken "
            "die haar op de been houden.",
        ),
        P(
            "Dat de huiskamer vaker open is, ook op zondag.",
            "opening hours",
            "wished place",
            places=(HUISKAMER,),
        ),
    ],
    "interview-02-lindenholt": [
        P(
            "Ik heb een hond, Bikkel, een kruising met een herder, en die moet drie keer per dag "
            "eruit.",
            "routine",
            "what helps",
        ),
        P(
            "Mijn route was het pad langs het kanaal. Twintig jaar lang liep ik daar ’s ochtends "
            "om zeven uur. Dat pad is er niet meer.",
            "lost place",
            "routine",
            places=(KANAALPAD,),
        ),
        P(
            "Er kwamen hekken, eerst “tijdelijk”, en nu ligt er een breed fietspad met van die "
            "lantaarns.",
            "changing places",
            "funding and policy",
            places=(KANAALPAD,),
        ),
        P(
            "Het oude pad was van gravel, met bankjes en een vuilnisbak om de honderd meter. Daar "
            "kwam je elke ochtend dezelfde mensen tegen.",
            "physical design",
            "weak ties",
            places=(KANAALPAD,),
        ),
        P(
            "Je wist niet hoe ze heetten, je wist hoe hun honden heetten. Maar als die heer er een "
            "week niet zat, dan belde de labradorman bij hem aan.",
            "weak ties",
            "being seen",
            places=(KANAALPAD,),
            memo="Zwakke bindingen met een zorgende kant: iemand merkt het als je er niet bent.",
        ),
        P(
            "Toen ik vorig jaar thuis kwam te zitten met mijn rug, was dat rondje het enige vaste "
            "punt van de dag.",
            "routine",
            "shrinking radius",
            places=(KANAALPAD,),
        ),
        P(
            "Niemand gaat in het park op een bankje zitten kletsen, daar is het te open voor, te "
            "druk.",
            "fleeting encounter",
            "atmosphere",
            places=(VIJVERPARK,),
        ),
        P(
            "Niemand heeft gevraagd wie er al liep. Wij stonden niet op hun kaart, denk ik.",
            "blind spot",
            "funding and policy",
            places=(KANAALPAD,),
        ),
        P(
            "Een buurtcafé. Lindenholt heeft geen kroeg, echt niet één.",
            "missed place",
            places=(BUURTCAFE,),
        ),
        P(
            "Een plek waar je niet hoeft te bestellen om te mogen zitten. En waar de eigenaar je "
            "naam kent.",
            "affordability",
            "host role",
            "what is valued",
            places=(BUURTCAFE,),
        ),
        P(
            "Dat is meer voor de ouderen en voor de mensen die hulp nodig hebben, zo voelt het. Ik "
            "zou er niet zomaar binnenlopen.",
            "group association",
            "vulnerability marking",
        ),
        P(
            "Vorige week hebben we voor het eerst samen koffie gedronken, uit zijn thermosfles. "
            "Dat was de eerste keer in twee jaar.",
            "meaningful contact",
            places=(VIJVERPARK,),
        ),
        P(
            "Twintig jaar elke ochtend naast elkaar gelopen en dat wist ik niet.",
            "weak ties",
            "changing places",
        ),
        P(
            "Vraag eerst wie er al is, voordat je iets moois aanlegt. En zet er bankjes neer. "
            "Zonder bankjes blijft niemand staan.",
            "physical design",
            "asking meaning",
        ),
    ],
    "interview-03-bemmel": [
        P(
            "Drie jaar nu. We kwamen uit Amsterdam, voor het werk van mijn man en omdat we meer "
            "ruimte wilden voor de kinderen.",
            "life transition",
        ),
        P(
            "Eenzaam, eerlijk gezegd. Mijn man werkte in Arnhem, de kinderen hadden binnen een "
            "week vriendjes, en ik zat thuis met mijn laptop.",
            "loneliness",
            "social loneliness",
            "life transition",
        ),
        P(_B_SCHOOLPLEIN, "in-group closure", "feeling unwelcome"),
        P(_B_ANS, "host role", "weak ties", places=(SUPERMARKT,)),
        P(
            "En de keer daarna wist ze het nog. “Zo, Amsterdam, went het een beetje?” Ik ben "
            "bijna in huilen uitgebarsten bij de kassa. [lacht] Iemand wist wie ik was.",
            "being seen",
            "welcome",
            "weak ties",
            places=(SUPERMARKT,),
        ),
        P(
            "Elke dag, ook als ik eigenlijk alleen melk nodig heb. Ik ga expres in haar rij "
            "staan, ook als die langer is.",
            "routine",
            "weak ties",
            places=(SUPERMARKT,),
        ),
        P(
            _B_MIJN_DAG,
            "weak ties",
            "fleeting encounter",
            "what is valued",
            places=(SUPERMARKT,),
            memo="Kerncitaat voor zwakke bindingen: “dat maakt mijn dag!”",
        ),
        P(_B_GASTHEER, "host role", "physical design", places=(LUNCHROOM,)),
        P(
            "Maar Riek begon over haar kleinkinderen in Amsterdam, en voor ik het wist zaten we "
            "een uur te praten.",
            "meaningful contact",
            places=(LUNCHROOM,),
        ),
        P(_B_KOPPELT, "host role", "low threshold", places=(LUNCHROOM,)),
        P(_B_RIEK, "strong ties", "meaningful contact", places=(LUNCHROOM,)),
        P(
            "De openingstijden. De lunchroom is alleen overdag open, en de supermarkt is "
            "natuurlijk geen plek om te blijven hangen.",
            "opening hours",
            "what hinders",
            places=(LUNCHROOM, SUPERMARKT),
        ),
        P(
            "En Joost vertelde laatst dat zijn huur omhooggaat. Hij twijfelt of hij het nog redt.",
            "rent and costs",
            places=(LUNCHROOM,),
        ),
        P(_B_TWEEDE_HUIS, "second home", "changing places", places=(LUNCHROOM,)),
        P(
            "De dorpsvereniging heb ik geprobeerd, maar daar is het echt ons kent ons.",
            "in-group closure",
        ),
        P(
            "Er is hier ook een dorpshuis, prachtig gebouw met een café erin, maar als je "
            "binnenkomt zit er een vrouw achter een balie die vraagt waarvoor je komt.",
            "feeling unwelcome",
            "physical design",
        ),
        P(_B_ERBIJ, "belonging", "weak ties", places=(LUNCHROOM, SUPERMARKT)),
    ],
    "interview-04-dukenburg": [
        P(
            "De Schakel, het jongerencentrum achter het winkelcentrum. Daar zat ik vanaf mijn "
            "twaalfde bijna elke middag.",
            "lost place",
            "routine",
            places=(SCHAKEL,),
        ),
        P(
            "Mijn tweede huis. Thuis was het krap, drie broers op een kamer, mijn moeder werkte "
            "avonden.",
            "second home",
            places=(SCHAKEL,),
        ),
        P(
            "Ricardo was de jongerenwerker. Hij was er gewoon, elke dag. Hij vroeg niet de hele "
            "tijd wat je aan het doen was, maar hij wist precies hoe het met je ging.",
            "host role",
            "being seen",
            places=(SCHAKEL,),
        ),
        P(
            "Eerst was het tijdelijk, toen kwam er een brief dat de subsidie niet werd verlengd. "
            "Het gebouw is een jaar later gesloopt, er komen nu appartementen.",
            "funding and policy",
            "lost place",
            places=(SCHAKEL,),
        ),
        P(
            "In de lockdown zat ik op mijn kamer te gamen, tot vier uur ’s nachts. De groepsapp "
            "bleef, die is er nog steeds, maar dat is anders dan samen op een bank zitten.",
            "withdrawal",
            "online contact",
            "life transition",
        ),
        P(
            "Buurtbewoners hadden geklaagd over overlast. We deden niks, we zaten daar.",
            "risk framing",
            "feeling unwelcome",
        ),
        P(
            "Voor de gemeente zijn wij een probleem dat je moet oplossen, geen mensen die ergens "
            "willen zitten.",
            "risk framing",
            "exclusion",
        ),
        P(
            "Een yogamatje in een buurthuis met oude vrouwtjes, nee dank je. Dat is niet voor ons "
            "gemaakt, dat zie je gewoon.",
            "stigma",
            "group association",
            "diversity of offer",
            places=(TREFPUNT,),
            memo="Kerncitaat voor stigma door groepsassociatie. Het aanbod zelf (stoelyoga, "
            "koersbal) maakt zichtbaar voor wie de plek bedoeld is.",
        ),
        P(
            "Dertig stoelen, allemaal mensen van vijftig plus die elkaar al jaren kenden, met "
            "koffie en een koekje. Niemand zei iets tegen ons.",
            "in-group closure",
            "feeling unwelcome",
            places=(TREFPUNT,),
        ),
        P(
            "Een eigen plek. Niet een uurtje in een zaaltje dat om negen uur dichtgaat. Een ruimte "
            "die van ons is, waar we zelf iets mogen inrichten, met iemand als Ricardo erbij.",
            "wished place",
            "host role",
            places=(JONGERENPLEK,),
        ),
        P(
            "En open in de avond en in het weekend, want dan heb je het nodig.",
            "opening hours",
            places=(JONGERENPLEK,),
        ),
        P(
            "Bij Yusuf de kapper zit ik soms een uur terwijl ik maar tien minuten geknipt word. "
            "Daar komen allemaal jongens uit de wijk, je hoort wie er een baan zoekt, wie er "
            "gaat trouwen.",
            "place use",
            "weak ties",
            places=(KAPPER,),
        ),
        P(
            "Mijn begeleider bij de gemeente weet niet eens dat die kapper bestaat. Die vraagt "
            "alleen of ik mijn afspraken nakom.",
            "blind spot",
            places=(KAPPER,),
        ),
        P(
            "Ze vraagt wat er mis is, nooit waar ik graag kom. Dit gesprek is eigenlijk de eerste "
            "keer dat iemand dat vraagt.",
            "asking meaning",
            "blind spot",
        ),
        P(
            "Soms denk ik dat De Schakel ons bij elkaar hield, niet andersom.",
            "strong ties",
            "life transition",
            places=(SCHAKEL,),
        ),
    ],
}

BRAM: dict[str, list[Passage]] = {
    # The overlap: same passages as Anouk (some codes differ), and three of his own bounds.
    "interview-01-hatert": [
        P(_H_KLAPROOS, "welcome", "host role", places=(HUISKAMER,)),
        P(_H_WELKOM, "welcome", "host role", "volunteers", places=(HUISKAMER,)),
        P(_H_DREMPEL, "low threshold", places=(HUISKAMER,)),
        P(_H_EENZAAM, "loneliness"),
        P(_H_LEESTAFEL, "routine", "affordability", places=(BIEB,)),
        P(_H_KNIKKEN, "fleeting encounter", "bridging contact", places=(BIEB,)),
        P(_H_ANKE, "host role", "weak ties", places=(BIEB,)),
        P(_H_DICHT, "volunteers", places=(HUISKAMER,)),
        P(
            _H_WIJKTEAM,
            "blind spot",
            memo="Eens: blinde vlek. ‘Risk framing’ zou ik hier niet zetten: het wijkteam vraagt "
            "naar haar gezondheid, het ziet geen plek als risico.",
        ),
        P(
            "Zondag is de langste dag van de week. Dan is alles dicht en zit iedereen met "
            "familie. Behalve wij.",
            "social loneliness",
            "opening hours",
        ),
    ],
    "interview-03-bemmel": [
        P(_B_SCHOOLPLEIN, "in-group closure"),
        P(_B_ANS, "host role", places=(SUPERMARKT,)),
        P(_B_MIJN_DAG, "weak ties", "fleeting encounter", places=(SUPERMARKT,)),
        P(
            "Maar dat maakt mijn dag! Het is niet dat Ans mijn vriendin is. Maar ze is er, en ze "
            "ziet je.",
            "weak ties",
            "being seen",
            places=(SUPERMARKT,),
        ),
        P(_B_GASTHEER, "host role", "welcome", places=(LUNCHROOM,)),
        P(
            _B_KOPPELT,
            "host role",
            "vulnerability marking",
            places=(LUNCHROOM,),
            memo="Joost zorgt dat een bezoek niet ‘zielig’ voelt. Is dat de afwezigheid van "
            "stigma (vulnerability marking) of een lage drempel? Bespreken met Anouk.",
        ),
        P(_B_RIEK, "strong ties", places=(LUNCHROOM,)),
        P(_B_TWEEDE_HUIS, "second home", places=(LUNCHROOM,)),
        P(_B_ERBIJ, "belonging", places=(LUNCHROOM, SUPERMARKT)),
    ],
    "interview-05-nijmegen-oost": [
        P(
            "Want iedereen denkt dat het een kroeg is waar mannen zitten te zuipen, en dat is het "
            "niet.",
            "stigma",
            places=(HOEKJE,),
        ),
        P(
            "Mijn huiskamer. Ik woon alleen sinds de scheiding, twee kamers op driehoog zonder "
            "lift.",
            "second home",
            "life transition",
            places=(HOEKJE,),
        ),
        P(
            "Ik kom er elke middag om vier uur, al twaalf jaar. Kees, de kastelein, zet mijn "
            "koffie neer voor ik iets gezegd heb.",
            "routine",
            "host role",
            "being seen",
            places=(HOEKJE,),
        ),
        P(
            "Hij zegt altijd: “Hier betaal je niet voor het bier, hier betaal je voor de stoel.” "
            "Maar je hoeft niks te betalen voor die stoel. Als je krap zit aan het eind van de "
            "maand, schrijft hij het op.",
            "affordability",
            "host role",
            "low threshold",
            places=(HOEKJE,),
        ),
        P(
            "Toen ik vorig jaar in het ziekenhuis lag met mijn hart, kwamen Harrie en Ton op "
            "bezoek met een tas druiven en het clubblad. Mijn eigen broer is niet gekomen.",
            "strong ties",
            "meaningful contact",
            places=(HOEKJE,),
        ),
        P(
            "Ton helpt me met de belastingpapieren, ik doe voor hem de boodschappen als zijn been "
            "opspeelt.",
            "strong ties",
            "what helps",
        ),
        P(
            "Maar toen ik vertelde dat ik elke dag in het café zit, schreef ze meteen iets op. "
            "“Alcoholgebruik” zal het geweest zijn.",
            "risk framing",
            places=(HOEKJE,),
            memo="Schoolvoorbeeld van een probleemgerichte blik; vergelijk het wijkteam in "
            "interview 1.",
        ),
        P(
            "Ze heeft nooit gevraagd wat ’t Hoekje voor me betekent. Als ik daar niet meer zou "
            "komen, zat ik alleen op driehoog. Dát is pas ongezond.",
            "blind spot",
            "risk framing",
            "social loneliness",
            places=(HOEKJE,),
        ),
        P(
            "Dan had ik verteld dat ik de pubquiz organiseer, eens per maand. Ik maak de vragen, "
            "ik lees ze voor. Dan ben ik iemand.",
            "meaningful role",
            "being seen",
            places=(HOEKJE,),
        ),
        P(
            "Als er een vreemde binnenkomt, wordt het even stil. Dat is niet kwaad bedoeld, maar "
            "het gebeurt. De studenten die hier in de straat wonen, komen er nooit.",
            "in-group closure",
            "feeling unwelcome",
            places=(HOEKJE,),
        ),
        P(
            "Eén keer zaten er een paar aan de vaste tafel, en Harrie zei: “Daar zit Ton altijd.” "
            "Toen zijn ze weggegaan.",
            "in-group closure",
            places=(HOEKJE,),
        ),
        P(
            "De huur is vorig jaar fors omhooggegaan, en de energierekening ook. Op een "
            "doordeweekse middag zitten er zes man aan de koffie, daar verdient hij niks aan.",
            "rent and costs",
            places=(HOEKJE,),
        ),
        P(
            "Maar dat is niet hetzelfde: daar ben je een bezoeker, hier ben je een vaste gast.",
            "belonging",
            "second home",
            places=(HOEKJE,),
        ),
        P(
            "Met mijn hart loop ik niet meer naar het Goffertpark, en de trap naar driehoog is "
            "elke dag een klus.",
            "shrinking radius",
            "physical access",
        ),
        P(
            "Dat er iemand merkt dat je er niet bent.",
            "being seen",
            "what is valued",
            places=(HOEKJE,),
        ),
    ],
    "interview-06-heseveld": [
        P(
            "Ik heb een eigen bak, een meter bij twee, met boontjes en goudsbloemen. En ik help "
            "mee met de gezamenlijke kruidentuin.",
            "place use",
            "meaningful role",
            places=(MOESTUIN,),
        ),
        P(
            "Ik had een slechte periode gehad, ik kwam mijn kamer bijna niet meer uit.",
            "withdrawal",
        ),
        P("Ze vroeg niet wat ik moest, ze vroeg wat ik vroeger fijn vond.", "asking meaning"),
        P(
            "Ze is de eerste keer meegegaan en heeft me voorgesteld aan Henk, die het daar "
            "coördineert.",
            "referral",
            "what helps",
            places=(MOESTUIN,),
        ),
        P(
            "Alles. Alleen was ik nooit naar binnen gegaan. Ik had drie keer langs dat hek "
            "gefietst.",
            "referral",
            "what hinders",
            places=(MOESTUIN,),
        ),
        P(
            "Henk gaf me een schoffel en zei: “Hier, het onkruid wacht al op je.” Niemand vroeg "
            "waarom ik er was, of wat ik deed voor werk.",
            "host role",
            "welcome",
            "low threshold",
            places=(MOESTUIN,),
        ),
        P(
            "In de tuin ben je gewoon iemand met vieze handen. Niet iemand met een diagnose.",
            "belonging",
            "vulnerability marking",
            places=(MOESTUIN,),
            memo="De tegenhanger van het inloophuis: de tuin markeert niemand als patiënt.",
        ),
        P(
            "Maar iedereen die daar binnenloopt, weet van elkaar: jij bent ook ziek. En de buren "
            "zien je naar binnen gaan.",
            "vulnerability marking",
            "stigma",
        ),
        P(
            "Daar loopt een gepensioneerde leraar, een Turkse mevrouw met haar kleinkinderen, een "
            "jongen met autisme die dat pas na een jaar vertelde, studenten. Iedereen door "
            "elkaar.",
            "bridging contact",
            places=(MOESTUIN,),
        ),
        P(
            "Vorige maand heeft ze me uitgenodigd voor het suikerfeest bij haar thuis. Ik was "
            "zenuwachtig, maar ik ben gegaan.",
            "strong ties",
            "bridging contact",
            places=(MOESTUIN,),
        ),
        P(
            "Op dinsdag en vrijdag ben ik er om negen uur, want dan is de gezamenlijke "
            "werkochtend. Henk rekent op me.",
            "routine",
            "meaningful role",
            places=(MOESTUIN,),
        ),
        P(
            "Henk is de enige die alles weet: de sleutels, het water, de subsidie. Hij is "
            "vijfenzeventig.",
            "volunteers",
            places=(MOESTUIN,),
        ),
        P(
            "De gemeente wil de grond over een paar jaar misschien gebruiken voor woningen, dat "
            "hangt er altijd boven.",
            "funding and policy",
            places=(MOESTUIN,),
        ),
        P(
            "Er is een potje van de woningcorporatie, maar dat wordt elk jaar kleiner.",
            "rent and costs",
            "funding and policy",
            places=(MOESTUIN,),
        ),
        P(
            "Van november tot maart is er weinig te doen, de tuin is dan twee ochtenden per maand "
            "open. Dan merk ik dat ik weer binnen ga zitten.",
            "opening hours",
            "withdrawal",
            places=(MOESTUIN,),
        ),
        P(
            "We hadden van die kaartjes op tafel, met vragen erop: wat vind je belangrijk, wat "
            "helpt je, wat houdt je tegen. Ik mocht zelf kiezen waar we het over hadden.",
            "asking meaning",
        ),
        P(
            "En zorg dat er iemand als Henk bij het hek staat, want een hek is ook een drempel.",
            "host role",
            "low threshold",
            places=(MOESTUIN,),
        ),
    ],
    "interview-07-neerbosch-oost": [
        P(
            "Bij de koffieochtend sta ik achter de bar, maar eigenlijk is mijn belangrijkste "
            "taak: bij de deur staan. Iedereen die binnenkomt, krijgt een hand en een naam.",
            "host role",
            "welcome",
            places=(MEIBOOM,),
        ),
        P(
            "Omdat een buurthuis heel onvriendelijk kan zijn zonder dat iemand het zo bedoelt.",
            "feeling unwelcome",
        ),
        P(
            "Onze koffieochtend is eigenlijk te gezellig geworden. Er is een groep van twaalf, "
            "vijftien vaste bezoekers die elkaar al jaren kennen.",
            "in-group closure",
            places=(MEIBOOM,),
        ),
        P(
            "Toen er vorig jaar een paar Oekraïense vrouwen kwamen, zeiden een paar vaste "
            "bezoekers hardop: “Het is wel druk geworden, hè.”",
            "in-group closure",
            "feeling unwelcome",
            places=(MEIBOOM,),
        ),
        P(
            "We zijn de tafels gaan husselen. Grote tafels in plaats van kleine, en elke week leg "
            "ik kaartjes met namen neer, zoals op een bruiloft.",
            "physical design",
            "host role",
            places=(MEIBOOM,),
        ),
        P(
            "Maar nu zit Olena elke week naast Truus, en Truus leert haar breien en Olena leert "
            "Truus drie woorden Oekraïens per week.",
            "bridging contact",
            "meaningful contact",
            places=(MEIBOOM,),
        ),
        P(
            "Vrijwilligers, en die worden steeds ouder. De jongste van ons koffieteam is "
            "zevenenvijftig.",
            "volunteers",
            places=(MEIBOOM,),
        ),
        P(
            "En er is geen beheerder meer, die is drie jaar geleden wegbezuinigd.",
            "funding and policy",
            "volunteers",
            places=(MEIBOOM,),
        ),
        P(
            "De huur is vorig jaar met twaalf procent omhooggegaan, en de energierekening is "
            "verdubbeld.",
            "rent and costs",
            places=(MEIBOOM,),
        ),
        P(
            "De gemeente geeft subsidie per activiteit, niet voor het gebouw.",
            "funding and policy",
            places=(MEIBOOM,),
        ),
        P(
            "Ik koop kaas bij Bert, en dan praten we over zijn rug en mijn kleinkinderen.",
            "weak ties",
            "routine",
            places=(MARKT,),
        ),
        P(
            "Je loopt, je koopt een haring, en iemand zegt: “Fijn dat u er weer bent.”",
            "weak ties",
            "being seen",
            "low threshold",
            places=(MARKT,),
        ),
        P(
            "Op de markt is iedereen gelijk, iedereen moet eten. Je hoeft nergens lid van te "
            "zijn, je hoeft niet naar binnen.",
            "low threshold",
            "bridging contact",
            places=(MARKT,),
        ),
        P(
            "Ik heb Olena daar voor het eerst gesproken, bij de groentekraam.",
            "bridging contact",
            "fleeting encounter",
            places=(MARKT, MEIBOOM),
        ),
        P(
            "In De Meiboom ben ik weer iemand die mensen met elkaar verbindt.",
            "meaningful role",
            "life transition",
            places=(MEIBOOM,),
        ),
        P(
            "En de wijkcoach komt eens per jaar een folder brengen, maar die heeft nog nooit op "
            "een woensdagochtend koffie gedronken.",
            "blind spot",
            places=(MEIBOOM,),
        ),
        P(
            "En dat de markt blijft, want er gaan geruchten dat hij naar de parkeerplaats bij het "
            "winkelcentrum moet.",
            "changing places",
            "funding and policy",
            places=(MARKT,),
        ),
    ],
}

#: Codings by coder, in the order they are applied.
CODINGS: dict[str, dict[str, list[Passage]]] = {"anouk": ANOUK, "bram": BRAM}


# --- memos -----------------------------------------------------------------------------------

#: (coder, target type, target name or None for the project, text).
MEMOS: list[tuple[str, str, str | None, str]] = [
    ("anouk", "project", None,
     "Demoproject met zeven fictieve interviews over ontmoetingsplekken in Nijmegen en "
     "Lingewaard. Taakverdeling: Anouk codeert interview 1 tot en met 4, Bram 5 tot en met 7. "
     "Interview 1 en 3 coderen we allebei, om de overeenstemming te bekijken voordat we de "
     "codes vertrouwen."),
    ("bram", "project", None,
     "Na de eerste ronde: verschillen vooral tussen ‘weak ties’ en ‘fleeting encounter’, en "
     "bij ‘risk framing’. Definities bespreken in het teamoverleg."),
    ("anouk", "code", "host role",
     "Gastrol komt bijna altijd samen met ‘welcome’ voor (huiskamer, lunchroom, moestuin, "
     "buurthuis). Bij het axiaal coderen nagaan of gastrol een voorwaarde voor welkom is."),
    ("bram", "code", "in-group closure",
     "Sluiting ontstaat juist op de gezelligste plekken: de vaste tafel in ’t Hoekje, de "
     "tafel bij het raam in De Meiboom, het schoolplein in Bemmel. Verschil met "
     "‘feeling unwelcome’ scherper maken."),
    ("anouk", "code", "blind spot",
     "Drie varianten: de plek is onbekend (kapper), de plek wordt niet gevraagd (huiskamer, "
     "bieb), of de plek verdwijnt zonder dat iemand vroeg wie er kwam (kanaalpad)."),
    ("anouk", "place", KANAALPAD,
     "Verdwenen bij de aanleg van het fietspad, ongeveer twee jaar voor het interview. "
     "Coördinaten bij benadering; het precieze tracé nagaan bij de gemeente."),
    ("anouk", "place", SCHAKEL,
     "Gebouw gesloopt; de precieze plek nog navragen, daarom nog geen coördinaten."),
    ("bram", "place", HOEKJE,
     "Voor de bewoner een tweede huis, voor zijn maatschappelijk werker een gezondheidsrisico. "
     "Mooi contrast voor het rapport (geanonimiseerd citeren)."),
    ("anouk", "doc", "interview-04-dukenburg",
     "Het verlies van De Schakel loopt door het hele interview; online contact (de groepsapp) "
     "vervangt de plek niet."),
    ("bram", "case", "R07",
     "Respondent is zelf vrijwilliger: het perspectief van de gastvrouw, niet van de bezoeker."),
]  # fmt: skip
