"""Small helpers for the French a person reads."""


def plural_word(n: int, singular: str, plural_form: str) -> str:
    """The word agreeing with n in French: singular for 0 and 1, plural from 2."""
    return singular if abs(n) < 2 else plural_form


def plural(n: int, singular: str, plural_form: str) -> str:
    """ "n thing" in French: the singular for 0 and 1 ("0 fiche validée"), the plural from 2."""
    return f"{n} {plural_word(n, singular, plural_form)}"
