"""A plain-text citation of a statement, to copy into a paper or an e-mail.

Who (with the role held at the time), the words or "paraphrase", where and when it was
published, the source's URL and archived copy, then this archive's permalink with the
date it was accessed. Written in the conventions of the interface language.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Citation, Quote


def _speakers(quote):
    names = []
    for speaker in quote.speakers.all():
        role = speaker.display_role
        names.append(
            _("%(name)s (%(role)s)") % {"name": speaker.expert.display_name, "role": role}
            if role
            else speaker.expert.display_name
        )
    return pgettext("between joint speakers in a citation", "; ").join(names)


QUOTATION_MARKS = '“"「『«„'


def _words(quote):
    text = " ".join(quote.text.split())
    if quote.kind == Quote.Kind.PARAPHRASE:
        return _("paraphrased: %(text)s") % {"text": text}
    if text[:1] in QUOTATION_MARKS:  # the text carries its own quotation marks
        return text
    return _("“%(text)s”") % {"text": text}


def _source(citation):
    source = citation.source
    parts = [source.outlet.display_name if source.outlet else ""]
    if source.title:
        parts.append(source.title)
    if source.published_on:
        parts.append(source.display_date)
    if source.url:
        parts.append(source.url)
    if source.archived_url:
        parts.append(_("archived at %(url)s") % {"url": source.archived_url})
    return pgettext("between parts of a source in a citation", ", ").join(p for p in parts if p)


def plain_text(quote, permalink, today=None):
    """The citation as one paragraph; ``permalink`` is the statement's absolute URL."""
    today = today or timezone.localdate()
    first = [c for c in quote.citations.all() if c.role != Citation.Role.COMPILATION]
    segments = [_speakers(quote), _words(quote)]
    if quote.said_on:
        segments.append(quote.display_date)
    segments.extend(_source(citation) for citation in first[:1])
    segments.append(
        _("Commentary Archive, %(url)s (accessed %(date)s)")
        % {"url": permalink, "date": date_format(today, "DATE_FORMAT")}
    )
    separator = pgettext("between the parts of a citation", ". ")
    return separator.join(s for s in segments if s) + pgettext("end of a citation", ".")
