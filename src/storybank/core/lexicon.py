"""What the coach knows about single English words, from shipped word lists.

Three well-kept libraries answer three questions, all offline, their data
inside the installed packages:

- how common a word is (wordfreq's "small" English list): a rare word, such
  as "runbook" or "checklist", is a sign of a concrete detail;
- a word's dictionary form (simplemma): "helped" and "helping" are "help";
- how negative a word is (the VADER sentiment lexicon shipped with
  vaderSentiment, read as a table; its analyzer is not used).

Each loads on first use and is kept for the process; lookups are cached, so a
story analysed again while it is typed costs dictionary lookups only.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

#: Zipf frequency (log10 of occurrences per billion words) below which a word
#: is rare enough to be a concrete detail: "checklist" (3.5) and "dashboard"
#: (3.3) are; "meeting" (4.6) and "migration" (4.1) are not.
RARE_ZIPF = 3.7


@cache
def _frequencies() -> dict[str, float]:
    import wordfreq  # about 0.3 s to import: only the coach needs it

    return wordfreq.get_frequency_dict("en", wordlist="small")


@cache
def _valences() -> dict[str, float]:
    from importlib import resources  # the coach's first reading, not start-up, pays for it

    # The lexicon is a tab-separated table: token, mean valence (-4..4), ...
    text = (resources.files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    table: dict[str, float] = {}
    for line in text.splitlines():
        token, _, rest = line.partition("\t")
        value = rest.partition("\t")[0]
        try:
            table[token] = float(value)
        except ValueError:
            continue
    return table


@lru_cache(maxsize=65_536)
def lemma(word: str) -> str:
    """The dictionary form of a lowercase English word ("helped" -> "help")."""
    import simplemma  # loads its English table on first use

    return str(simplemma.lemmatize(word, lang="en"))


@lru_cache(maxsize=65_536)
def zipf(word: str) -> float:
    """How common a lowercase word is, on the Zipf scale (0 when not listed)."""
    frequency = _frequencies().get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


@lru_cache(maxsize=65_536)
def is_rare(word: str) -> bool:
    """Whether neither the word nor its dictionary form is a common English word."""
    return zipf(word) < RARE_ZIPF and zipf(lemma(word)) < RARE_ZIPF


def valence(word: str) -> float:
    """How positive (up to 4) or negative (down to -4) a lowercase word is; 0 if neutral."""
    return _valences().get(word, 0.0)


_warm = False


def ready() -> bool:
    """Whether every table is loaded, so a lookup never waits on a load."""
    return _warm


def warm() -> None:
    """Load every table now (on a worker thread), so the first analysis does not wait."""
    global _warm  # set once; read without a lock (a bool is atomic)
    _frequencies()
    _valences()
    lemma("helped")
    _warm = True
