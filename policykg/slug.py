"""ASCII slugs for keys and IRIs (transliteration after ГОСТ 7.79-2000 system B, simplified)."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["slug"]

_TR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


@lru_cache(maxsize=100_000)
def slug(text: str, max_len: int = 80) -> str:
    """Lower-case ASCII slug.

    >>> slug("Успех каждого ребёнка"), slug("273-ФЗ"), slug("3.1/2.4.3598-20")
    ('uspekh-kazhdogo-rebenka', '273-fz', '3.1-2.4.3598-20')
    """
    s = "".join(_TR.get(c, c) for c in text.lower())
    s = re.sub(r"[^a-z0-9.+]+", "-", s).strip("-.")
    return s[:max_len].rstrip("-")
