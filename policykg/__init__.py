"""policykg: policy references in Russian education-policy documents.

``load → clean → extract → resolve`` and, in later stages, the graph:

>>> from policykg import load_text, clean, extract, resolve
>>> doc = load_text("Указом Президента РФ от 21.07.2020 № 474 и ФГОС НОО", "x.txt")
>>> sorted(e.label for e in resolve(extract(clean(doc))))
['Указ Президента РФ № 474', 'ФГОС НОО']
"""

from policykg.clean import clean
from policykg.extract import extract
from policykg.load import load, load_text
from policykg.resolve import resolve

__all__ = ["clean", "extract", "load", "load_text", "resolve"]
__version__ = "0.1.0"
