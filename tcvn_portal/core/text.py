"""Folding Vietnamese text for search: "Cân điện tử" and "can dien tu" fold to the same string."""

import unicodedata

# Unicode decomposition leaves đ/Đ alone (they are letters of their own, not d with a mark).
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i"})


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
