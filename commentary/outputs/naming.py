"""How the outputs name a statement: the headline of feed entries and page metadata,
and the citation a reader should look up first (citations, Highwire tags, JSON-LD).
"""

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, pgettext

from ..models import Citation, Quote

# Marks a direct quotation's text may open with, in the languages the archive holds: such a
# text carries its own quotation marks.
QUOTATION_MARKS = '“"「『«„'


def one_line(text):
    """``text`` on one line: RIS has one field per line, a citation is one paragraph and a
    title one line."""
    return " ".join((text or "").split())


def primary_citation(quote):
    """The citation a reader should look up first: the first that is not only a
    compilation, else the first (over prefetched citations: no query). Citations,
    Highwire tags and JSON-LD's ``isBasedOn`` all name this one."""
    citations = list(quote.citations.all())
    chosen = next((c for c in citations if c.role != Citation.Role.COMPILATION), None)
    return chosen or (citations[0] if citations else None)


QUOTED_HEADLINE = gettext_lazy("%(speakers)s: “%(text)s”")
HEADLINES = {
    Quote.Kind.DIRECT: gettext_lazy("%(speakers)s: %(text)s"),  # its own quotation marks
    Quote.Kind.PARTIAL: gettext_lazy("%(speakers)s (partial quote): %(text)s"),
    Quote.Kind.PARAPHRASE: gettext_lazy("%(speakers)s (paraphrase): %(text)s"),
}


def headline(quote, chars):
    """ "Speakers: “words”" in at most about ``chars`` characters of text, for feed entries
    and page metadata: a paraphrase or partial quote says so and is never in quotation
    marks, so a reader never takes it for the speaker's words."""
    speakers = pgettext("list separator", ", ").join(
        s.expert.display_name for s in quote.speakers.all()
    )
    text = Truncator(one_line(quote.text)).chars(chars)
    title = HEADLINES[quote.kind]
    if quote.kind == Quote.Kind.DIRECT and text[:1] not in QUOTATION_MARKS:
        title = QUOTED_HEADLINE
    return title % {"speakers": speakers, "text": text}
