"""Showing an archived copy without letting it act in the archive's origin.

Two walls, each enough on its own:

1. The copy's HTML is rebuilt by a sanitiser (``nh3``, the Rust ``ammonia`` library):
   no script, no event handler, no ``<meta>`` refresh, no form, no frame, no style that
   could fetch, no image (it would be fetched from the live web), only ``http``/``https``
   links, which open outside the frame.
2. It is served (``views.source_archived_content``) with ``Content-Security-Policy:
   sandbox`` (no scripts, forms, pop-ups or top navigation; an opaque origin with no
   access to the archive's cookies or storage), ``default-src 'none'``, and shown in an
   ``<iframe sandbox>`` of the page that frames it.

Plain text is served as text; a PDF only as a download.
"""

import re

import nh3

# What a reader needs to read the page as text with its structure: headings, paragraphs,
# lists, tables, quotations, emphasis and links.
TAGS = {
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li",
    "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "*": {"lang", "dir"},
}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
STYLE = (
    "body{font:1rem/1.6 system-ui,'Noto Sans CJK SC','Noto Sans SC','PingFang SC',"
    "'Microsoft YaHei',sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;"
    "color:#1a1a1a;background:#fff}a{color:#0b57a4}pre{white-space:pre-wrap}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem}"
)


def decode(body, charset=""):
    """The text of an archived body: the charset its headers name, else the one its
    ``<meta>`` names, else UTF-8, else GB 18030 (the archive's Chinese sources), and
    with replacement characters as the last resort."""
    candidates = [charset]
    found = META_CHARSET.search(body[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "gb18030"]
    for name in candidates:
        if not name:
            continue
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def charset_of(content_type):
    for part in (content_type or "").split(";")[1:]:
        key, _sep, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"')
    return ""


def safe_html(body, charset="", language=""):
    """A complete, inert HTML document with the words and structure of ``body``."""
    text = decode(body, charset)
    title = TITLE.search(text)
    cleaned = nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        # Elements dropped with everything inside them, not just their tags.
        clean_content_tags={
            "script",
            "style",
            "title",
            "noscript",
            "template",
            "object",
            "embed",
            "iframe",
            "svg",
            "math",
            "select",
            "textarea",
            "button",
            "head",
        },
    )
    heading = nh3.clean_text(title.group(1).strip()) if title else ""
    lang = f' lang="{nh3.clean_text(language)}"' if language else ""
    return (
        f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{STYLE}</style>"
        f'<base target="_blank"></head><body>{cleaned}</body></html>'
    )


def safe_text(body, charset=""):
    return decode(body, charset)
