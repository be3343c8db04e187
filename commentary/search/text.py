"""Search text: folding, segmentation, the query language, and highlighting.

Pure functions, no database. The same code builds the indexed documents and the queries,
so SQLite and PostgreSQL index and look up identical tokens (see ``search_index.py`` for
the columns and ``fulltext.py`` for the two index engines).

A document is a sequence of tokens separated by spaces:

- Text is **folded** character by character: compatibility forms (full-width letters),
  case and accents are removed, so "Kühn", "KUHN" and "ｋｕｈｎ" are all ``kuhn``.
- Latin-script (and any other space-separated) words are **stemmed** with the Snowball
  English stemmer: "treaties" and "treaty" are both ``treati``.
- Runs of Chinese or Japanese characters become **overlapping bigrams**: 核军备竞赛 is
  ``核军 军备 备竞 竞赛``. A query term of two or more characters is the phrase of its
  bigrams, so it finds exactly the texts containing it as a substring. The last character
  of every run is also indexed alone (after the main tokens), so a one-character query
  (a prefix of some bigram, or that last character) finds every text containing it.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Han (with extensions and compatibility ideographs) and kana: scripts written without
# spaces between words.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TOKEN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")
CJK_CHAR = re.compile(rf"[{CJK}]")

# Quotation marks that open or close a phrase, besides the ASCII one.
PHRASE_QUOTES = str.maketrans(dict.fromkeys("“”„«»「」『』＂", '"'))
OR_WORDS = {"OR", "|", "或"}
MAX_TERMS = 20


@functools.lru_cache(maxsize=4096)
def fold_char(char):
    """``char`` without compatibility forms, case or accents (may be empty or longer)."""
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare.casefold())


def fold(text):
    return "".join(map(fold_char, text))


def fold_with_origins(text):
    """``fold(text)`` and, for each of its characters, the index of the original one."""
    folded, origins = [], []
    for index, char in enumerate(text):
        for piece in fold_char(char):
            folded.append(piece)
            origins.append(index)
    return "".join(folded), origins


_stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=200_000)
def stem(word):
    return _stemmer.stemWord(word)


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _pieces(text):
    """(CJK run, None) or (None, stemmed word) for each token of ``text``, folded."""
    for match in TOKEN.finditer(fold(text)):
        yield (match["cjk"], None) if match["cjk"] else (None, stem(match["word"]))


def segment(text):
    """Index tokens of ``text``: (main tokens in order, last characters of CJK runs)."""
    tokens, tails = [], []
    for run, word in _pieces(text):
        if run:
            tokens.extend(bigrams(run))
            if len(run) > 1:
                tails.append(run[-1])
        else:
            tokens.append(word)
    return tokens, tails


def join_segments(segments):
    """A document from (tokens, tails) pairs: all tokens in order, then the tails once each."""
    tokens, tails = [], set()
    for main, last in segments:
        tokens.extend(main)
        tails.update(last)
    return " ".join(tokens + sorted(tails))


def document(*texts):
    """The indexed form of ``texts``: space-separated tokens, then the run-final characters."""
    return join_segments(segment(text) for text in texts if text)


def names_document(names):
    """A statement's names document (``Quote.search_names``) from every name its search
    finds (``index.names_by_quote``): each name once, in one order, so that the same names
    make the same document however they were gathered (the index's receivers, a rebuild,
    the synthetic-archive generator). A few thousand speakers and outlets name a million
    statements, so each name is segmented once."""
    return join_segments(_segmented_name(name) for name in sorted(set(filter(None, names))))


@functools.lru_cache(maxsize=2**16)
def _segmented_name(name):
    return segment(name)


# The query language --------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or "phrase" of the query, as index tokens that must appear in this order.

    ``prefix`` marks a single CJK character, which matches any token starting with it.
    ``cjk`` (folded CJK runs) and ``words`` (stemmed words) are what highlighting marks.
    """

    tokens: tuple
    prefix: bool = False
    cjk: tuple = ()
    words: tuple = ()


@dataclass
class SearchQuery:
    """Groups that must all match (each group: alternatives joined by OR), and excluded terms."""

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    text: str = ""

    def __bool__(self):
        return bool(self.groups or self.excluded)

    @property
    def terms(self):
        return [term for group in self.groups for term in group]


def make_term(text):
    """A ``Term`` for a word or phrase of the query, or None if it has nothing to index."""
    tokens, cjk, words = [], [], []
    for run, word in _pieces(text):
        if run:
            tokens.extend(bigrams(run))
            cjk.append(run)
        else:
            tokens.append(word)
            words.append(word)
    if not tokens:
        return None
    prefix = len(tokens) == 1 and len(cjk) == 1 and len(cjk[0]) == 1
    return Term(tuple(tokens), prefix, tuple(cjk), tuple(words))


QUERY_PART = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)"|(?P<word>\S+)')


def parse_query(text):
    """Parse a search box: words (all must match), "phrases", -exclusions and OR.

    Nothing here raises: an unbalanced quote is ignored, a lone "-" or "OR" is dropped,
    and a word with no letters or digits is skipped. At most ``MAX_TERMS`` terms count.
    """
    query = SearchQuery(text=text or "")
    text = (text or "").translate(PHRASE_QUOTES)
    if text.count('"') % 2:
        head, _quote, tail = text.rpartition('"')
        text = head + " " + tail
    join_next = False
    count = 0
    for match in QUERY_PART.finditer(text):
        if count >= MAX_TERMS:
            break
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        negative = bool(match["neg"])
        if match["word"] is not None:
            if raw in OR_WORDS:
                join_next = bool(query.groups)
                continue
            if raw.startswith("-") and len(raw) > 1:
                negative, raw = True, raw[1:]
        term = make_term(raw)
        if term is None:
            continue
        count += 1
        if negative:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    return query


# Compiling for the two engines ---------------------------------------------------------


def to_tsquery(groups):
    """PostgreSQL ``to_tsquery('simple', …)`` source for groups of alternatives."""

    def term(t):
        if t.prefix:
            return f"'{t.tokens[0]}':*"
        return " <-> ".join(f"'{token}'" for token in t.tokens)

    return " & ".join("(" + " | ".join(term(t) for t in group) + ")" for group in groups)


def to_fts5(groups):
    """SQLite FTS5 ``MATCH`` source for groups of alternatives."""

    def term(t):
        if t.prefix:
            return f'"{t.tokens[0]}"*'
        return '"' + " ".join(t.tokens) + '"'

    return " AND ".join("(" + " OR ".join(term(t) for t in group) + ")" for group in groups)


# Highlighting --------------------------------------------------------------------------


def _spans(folded, terms):
    """(start, end) in ``folded`` of every match of ``terms``: CJK substrings, and words
    whose stem is a query word's stem."""
    cjk = {run for term in terms for run in term.cjk}
    words = {word for term in terms for word in term.words}
    spans = []
    for match in TOKEN.finditer(folded):
        if match["cjk"]:
            run, base = match["cjk"], match.start()
            for needle in cjk:
                start = run.find(needle)
                while start != -1:
                    spans.append((base + start, base + start + len(needle)))
                    start = run.find(needle, start + 1)
        elif stem(match["word"]) in words:
            spans.append(match.span())
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, query, width=None):
    """``text`` escaped, with each match of ``query`` in ``<mark>``; safe to render.

    With ``width``, a longer text is cut to about ``width`` characters around the first
    match, with an ellipsis where it was cut. Every piece of the original is escaped, and
    only the ``<mark>`` tags are markup.
    """
    text = text or ""
    folded, origins = fold_with_origins(text)
    spans = [
        (origins[start], origins[end - 1] + 1)
        for start, end in (_spans(folded, query.terms) if query else [])
    ]
    begin, end = 0, len(text)
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        begin = max(0, min(first - width // 4, len(text) - width))
        end = min(len(text), begin + width)
    pieces, cursor = [], begin
    if begin:
        pieces.append("…")
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        pieces.append(escape(text[cursor:start]))
        pieces.append("<mark>" + escape(text[start:stop]) + "</mark>")
        cursor = stop
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 (every piece of the text is escaped)


def plain(marked):
    """The text of highlighted HTML, for tests and checks."""
    return html.unescape(re.sub(r"</?mark>", "", str(marked)))
