"""British spellings of medical words read as GARD's American ones: "anaemia" is "anemia",
"oesophageal" "esophageal", "tumour" "tumor". Questions come from everywhere, the pages are
American, and a fuzzy match of a misspelling is a guess the linker may doubt ("did you mean"),
while these are the same word. Applied to every word the analyzer makes (analyzer.words), so
page text, names and questions meet alike.

Only letter groups whose American form is the same word are rewritten: "ae" and "oe" alone
are not ("aerobic", "does", "toe"), nor "-ise" ("exercise", "advise").
"""

from __future__ import annotations

import re

AMERICAN = {
    "aem": "em",  # anaemia, haemorrhage, haemophilia, leukaemia, ischaemia, septicaemia
    "paed": "ped",  # paediatric, orthopaedic
    "anaes": "anes",  # anaesthesia
    "foet": "fet",  # foetal, foetus
    "oesoph": "esoph",  # oesophageal, oesophagus
    "oedem": "edem",  # oedema, angio-oedema
    "oestr": "estr",  # oestrogen, oestradiol
    "coeli": "celi",  # coeliac
    "rrhoea": "rrhea",  # diarrhoea, amenorrhoea, gonorrhoea
    "pnoea": "pnea",  # apnoea, dyspnoea
    "caes": "ces",  # caesarean
    "gynaec": "gynec",  # gynaecology, gynaecomastia
    "faec": "fec",  # faecal
    "tumour": "tumor",
    "behaviour": "behavior",
    "colour": "color",
    "labour": "labor",
    "fibre": "fiber",
    "centre": "center",
}
# These only start a word: "angioedema" is American, its "oedem" no British "oedema".
WORD_START = frozenset({"anaes", "foet", "oesoph", "oedem", "oestr", "coeli", "caes", "faec"})
_BRITISH = re.compile(
    "|".join(
        rf"\b{letters}" if letters in WORD_START else letters
        for letters in sorted(AMERICAN, key=len, reverse=True)
    )
)


def american(text: str) -> str:
    """Folded text with British spellings of medical words in their American form."""
    return _BRITISH.sub(_american_letters, text) if _maybe_british(text) else text


def _american_letters(found: re.Match[str]) -> str:
    return AMERICAN[found.group()]


def _maybe_british(text: str) -> bool:
    """A quick look before the regex: nearly every text has none of these letters together."""
    return any(letters in text for letters in ("ae", "oe", "our", "tre", "bre"))
