"""French place names with their article: « de la Haute-Marne », « du Moule », « d'Arles ».

Pure functions, no database. Two sources of the article:

- a **commune** carries its article in its name, as the COG writes it (« Le Moule »,
  « Les Anses-d'Arlet », « La Trinité », « L'Isle-Adam ») : « Le » and « Les » contract
  (« du Moule », « des Anses-d'Arlet »), « La » and « L' » do not (« de La Trinité »,
  « de L'Isle-Adam ») ; without an article, « de » elides before a vowel (« d'Arles »,
  « d'Ur », « d'Évreux ») and before a mute h (« d'Hyères ») but not before an aspirated h
  (« de Haguenau ») : see `H_ASPIRE` ;
- a **département** does not (« Haute-Marne ») : its article comes from the INSEE COG's
  type de nom en clair (TNCC), shipped in `data/departements_tncc.csv` (provenance in
  `data/PROVENANCE.md`).
"""

import csv
import functools
import re
import unicodedata
from pathlib import Path

TNCC_FILE = Path(__file__).resolve().parent / "data" / "departements_tncc.csv"

# TNCC (INSEE): the article of the name and its form after « de ».
#   0 no article, consonant → de ; 1 no article, vowel → d' ; 2 le → du ; 3 la → de la ;
#   4 les → des ; 5 l' → de l' ; 6 aux → des ; 7 las → de las ; 8 los → de los
ARTICLE = {0: "", 1: "", 2: "le ", 3: "la ", 4: "les ", 5: "l'", 6: "aux ", 7: "las ", 8: "los "}
DE = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des ", 7: "de las ", 8: "de los "}

# Names beginning with an aspirated h (no elision: « de Haguenau »), compared without
# accents and in lower case on their first word. Words starting with « haut » (Haute-…,
# Hautmont, Hauteville…) are aspirated too. Every other h is taken as mute (« d'Hyères »,
# « d'Hénin-Beaumont », « d'Hendaye »). Extend the list when a programme commune needs it.
H_ASPIRE = {
    "hagondange",
    "haguenau",
    "halluin",
    "ham",
    "harfleur",
    "hasparren",
    "hayange",
    "hazebrouck",
    "hem",
    "hesdin",
    "hondschoote",
    "honfleur",
    "houdan",
    "houplines",
    "hucqueliers",
}
VOWELS = set("aeiouy")
COMMUNE_ARTICLE = re.compile(r"^(Le|La|Les|L['’])(?=\s|(?<=['’]))\s*", re.IGNORECASE)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def elides(nom: str) -> bool:
    """Whether « de » becomes « d' » before `nom` (a name without article)."""
    plain = _plain(nom.strip())
    if not plain:
        return False
    if plain[0] in VOWELS:
        return True
    if plain[0] == "h":
        first_word = re.split(r"[\s\-'’]", plain, maxsplit=1)[0]
        return not (first_word.startswith("haut") or first_word in H_ASPIRE)
    return False


def de_commune(nom: str) -> str:
    """ "Le Moule" → "du Moule", "Les Anses-d'Arlet" → "des Anses-d'Arlet", "La Trinité" →
    "de La Trinité", "L'Isle-Adam" → "de L'Isle-Adam", "Arles" → "d'Arles", "Langres" → "de Langres"."""
    nom = nom.strip()
    match = COMMUNE_ARTICLE.match(nom)
    if match:
        article = match.group(1).lower()
        rest = nom[match.end() :]
        if article == "le":
            return f"du {rest}"
        if article == "les":
            return f"des {rest}"
        return f"de {nom}"  # « de La Trinité », « de L'Isle-Adam »: the article keeps its capital
    return f"d'{nom}" if elides(nom) else f"de {nom}"


@functools.cache
def tncc_table() -> dict[str, int]:
    """{département code: TNCC} from the shipped table."""
    with TNCC_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: int(row["tncc"]) for row in csv.DictReader(handle)}


def _departement(dep) -> tuple[str, str]:
    """(code, nom) of a Departement or of a (code, nom) pair."""
    if isinstance(dep, tuple | list):
        return str(dep[0]), str(dep[1])
    return dep.code, dep.nom


def _tncc(code: str, nom: str) -> int:
    tncc = tncc_table().get(code)
    if tncc is None:  # a collectivité d'outre-mer, not in the table: the commune rule
        return 1 if elides(nom) else 0
    return tncc


def de_departement(dep) -> str:
    """ "de la Haute-Marne", "de l'Ain", "des Bouches-du-Rhône", "du Calvados", "de Paris",
    "d'Eure-et-Loir", "de La Réunion". `dep`: a Departement or a (code, nom) pair."""
    code, nom = _departement(dep)
    return f"{DE[_tncc(code, nom)]}{nom}"


def le_departement(dep) -> str:
    """The name with its article: "la Haute-Marne", "l'Ain", "le Calvados", "Paris"."""
    code, nom = _departement(dep)
    return f"{ARTICLE[_tncc(code, nom)]}{nom}"


def prefet_de(dep) -> str:
    """ "préfet de la Haute-Marne" (lower case: a function, not a title)."""
    return f"préfet {de_departement(dep)}"


def prefecture_de(dep) -> str:
    """ "Préfecture de la Haute-Marne", the name of the State's organisation in the département."""
    return f"Préfecture {de_departement(dep)}"


def commune_de(nom: str) -> str:
    """ "Commune du Moule", the name of a commune's organisation."""
    return f"Commune {de_commune(nom)}"
