"""Likely duplicates of a statement being entered.

A new statement is probably already in the archive when one of its speakers has a statement

- with very similar text: after normalising width, case, accents and punctuation, the two
  texts share most of their character n-grams (bigrams for Chinese, which has no spaces;
  trigrams for alphabetic text). Similarity is the overlap coefficient, so a shorter excerpt
  of a longer statement also counts; or
- from the same source on the same date.

The editor sees the candidates with links and can confirm that theirs is different.
"""

import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from ..models import Quote, QuoteSpeaker

SIMILARITY_THRESHOLD = 0.6
CANDIDATE_LIMIT = 2000  # the speakers' most recent statements compared, at most
SHOWN = 10


def _is_cjk(char):
    return unicodedata.east_asian_width(char) in {"W", "F"} and char.isalpha()


def normalise(text):
    """Width-folded, lower-case, accent-free text with punctuation and spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = unicodedata.normalize("NFKD", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn":  # combining accents
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def ngrams(text):
    """Character n-grams of normalised ``text``: bigrams of CJK runs, trigrams of words."""
    grams = set()
    for word in normalise(text).split():
        run, kind = [], None
        for char in word + " ":
            cjk = _is_cjk(char)
            if run and (char == " " or cjk != kind):
                grams |= _grams("".join(run), 2 if kind else 3)
                run = []
            if char != " ":
                run.append(char)
                kind = cjk
    return grams


def _grams(run, n):
    padded = run if n == 2 else f" {run} "
    if len(padded) <= n:
        return {padded}
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


def similarity(a, b):
    """Overlap coefficient of two n-gram sets, 0..1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass
class Candidate:
    quote: Quote
    reason: str
    score: float


def likely_duplicates(text, experts, sources=(), said_on=None, exclude_pk=None):
    """Existing statements (any status) that the new one probably repeats, best first."""
    experts = [e for e in experts if e is not None]
    if not experts:
        return []
    spoken = QuoteSpeaker.objects.filter(expert__in=experts).values("quote")
    candidates = Quote.objects.filter(pk__in=spoken)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    found = {}
    sources = [s for s in sources if s is not None]
    if sources and said_on:
        same_place = candidates.filter(
            Q(citations__source__in=sources), said_on=said_on
        ).distinct()[:SHOWN]
        for quote in same_place:
            found[quote.pk] = Candidate(quote, "source", 1.0)
    wanted = ngrams(text)
    if wanted:
        recent = candidates.only("pk", "text", "status", "said_on", "date_precision").order_by(
            "-pk"
        )[:CANDIDATE_LIMIT]
        for quote in recent:
            score = similarity(wanted, ngrams(quote.text))
            if score >= SIMILARITY_THRESHOLD:
                best = found.get(quote.pk)
                if best is None or best.reason != "source":
                    found[quote.pk] = Candidate(quote, "text", score)
                else:
                    best.score = max(best.score, score)
    return sorted(found.values(), key=lambda c: (-c.score, -c.quote.pk))[:SHOWN]
