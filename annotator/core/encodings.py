"""Telling the Latin-script Windows code pages apart, which byte-level detection often cannot:
French, Spanish or Italian in cp1252 decodes without error as cp1250 or cp1258 too ("déjà" as
"déjŕ"). The right code page is the one whose letters all belong to one language's alphabet."""

from __future__ import annotations

import unicodedata

# Code pages tried, most common first (a tie goes to the earlier one).
LATIN_CODEPAGES = ("cp1252", "cp1250", "cp1257", "cp1254")

SAMPLE_BYTES = 1 << 16  # enough text to judge by; a cut between bytes is no cut between letters

# The letters beyond ASCII of the languages these code pages serve (lower case).
ALPHABETS = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíóúñü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "àçèéíïòóúü",  # Catalan
    "äöüß",  # German
    "éèëïóöüáà",  # Dutch
    "åæøéäö",  # Danish, Norwegian, Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Slovene, Bosnian, Serbian in Latin script
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äõöüšž",  # Estonian
    "çğıöşüâî",  # Turkish
    "ëç",  # Albanian
)


def fit(text: str) -> float:
    """The share of the letters, marks and symbols beyond ASCII in `text` that one language's
    alphabet holds (1.0 when there are none): a wrong code page gives stray letters or symbols."""
    found = [c for c in text.lower() if ord(c) > 127 and unicodedata.category(c)[0] in "LMS"]
    if not found:
        return 1.0
    return max(sum(c in alphabet for c in found) for alphabet in ALPHABETS) / len(found)


def latin_codepage(sample: bytes, detected: str) -> str:
    """The Latin code page whose decoding of `sample` fits a language's alphabet best (the more
    common one on a tie), unless `detected` (a byte-level guess) decodes it to letters of
    another script (Cyrillic, Greek, ...), which is then kept."""
    sample = sample[:SAMPLE_BYTES]
    mine = _decoded(sample, detected)
    if mine is None or any(_other_script(c) for c in mine if ord(c) > 127):
        return detected
    fits = {detected: fit(mine)}
    for codec in LATIN_CODEPAGES:
        if (text := _decoded(sample, codec)) is not None:
            fits[codec] = fit(text)
    order = [*LATIN_CODEPAGES, detected]
    return max(fits, key=lambda codec: (fits[codec], -order.index(codec)))


def _other_script(char: str) -> bool:
    return char.isalpha() and char not in "ªºµ" and not unicodedata.name(char, "").startswith("LATIN")


def _decoded(sample: bytes, codec: str) -> str | None:
    try:
        return sample.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
