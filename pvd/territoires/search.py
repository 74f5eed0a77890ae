from unidecode import unidecode


def normalize(text: str) -> str:
    """Lower-case, unaccented, hyphens and apostrophes as spaces: 'Saint-Étienne' → 'saint etienne'."""
    text = unidecode(text or "").lower()
    for char in "-'’":
        text = text.replace(char, " ")
    return " ".join(text.split())
