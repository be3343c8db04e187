"""Reading a compilation's text: the layout round-ups use, in Chinese and in English.

    国际事务|全球专家评述《新削减战略武器条约》终结     title ("category|" kept apart)
    近日,……                                        introduction
    美国观点                                          section heading
    唐·拜尔(Don Beyer),美国众议员;约翰·加拉门迪(…),…:  speaker line: names, roles
    “时间所剩无几……”(马基参议员官网,2025年10月17日)   a paragraph and its citation
    原文出处:https://…                                the compilation's own particulars

Half-width and full-width punctuation are read alike; statement texts are kept verbatim.
A paragraph without its own citation shares the next one's; every line that fits nowhere
is returned in ``unplaced``, never dropped. Nothing here touches the database.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..choices import DatePrecision, QuoteKind
from ..dates import iso_partial_date, parse_partial_date

MAX_BYTES = 2_000_000
MAX_LINES = 5_000

OPEN_PARENS, CLOSE_PARENS = "(（", ")）"
COMMAS, SEMICOLONS, COLONS = ",，", ";；", ":："
# Quotation marks that enclose speech at the top level. Single curly quotes are left out:
# in English ’ is the apostrophe, in Chinese ‘…’ only nests inside “…”.
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "«": "»"}
SENTENCE_END = "。.!?!?…"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month_name>[A-Za-z]{3,9})\.?"
DATE_PATTERNS = [
    re.compile(
        r"(?P<year>\d{4})\s*年\s*(?:(?P<month>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})\s*[日号])?)?"
    ),
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"),
    re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}})"),
    re.compile(rf"{_MONTH},?\s+(?P<year>\d{{4}})"),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?"),
    re.compile(r"(?<![\d.,])(?P<year>(?:1[89]|20)\d{2})(?![\d年])"),
]
# The compilation's own particulars, usually at the end of a translated round-up.
PARTICULARS = {
    "source_title": ("原文题目", "原文标题", "原题", "original title"),
    "source_url": ("原文出处", "原文链接", "原文网址", "原文地址", "source", "url"),
    "translator": ("编译", "翻译", "译者", "translated by", "translator", "translation"),
    "compiler": ("编辑", "整理", "compiled by", "editor"),
    "disclaimer": ("声明", "免责声明", "disclaimer"),
}
_PARTICULAR = re.compile(
    r"^(?P<key>{})\s*[:：]\s*(?P<value>.+)$".format(
        "|".join(re.escape(k) for keys in PARTICULARS.values() for k in keys)
    ),
    re.IGNORECASE,
)
_NAME_JOINERS = re.compile(r"\s*(?:与|和|及|、)\s*|\s+(?:and|&)\s+")
_SAYS = re.compile(
    r"(说|道|表示|指出|认为|称|强调|警告|补充|提到|提出|解释|回应|宣布|says|said|wrote|writes"
    r"|adds|added|explained|noted)$"
)
_PRONOUN = re.compile(r"^(他|她|它|我|其|这|该|此|(he|she|they|it|we|this)\b)", re.IGNORECASE)
# The last word of a heading that ends with a colon like a speaker line ("Russian Views:").
_HEADING_WORDS = re.compile(
    r"(观点|看法|反应|背景|摘要|小结|总结|导语|views|perspectives|reactions|takeaways"
    r"|background|summary|introduction|conclusions?|highlights)$",
    re.IGNORECASE,
)
_NAME_PARTICLES = {"de", "da", "di", "du", "van", "von", "der", "den", "bin", "al", "la", "le", "y"}


# Bounded pieces, so that a long parenthesis cannot make the pattern backtrack for long.
_INTERVIEW_ZH = re.compile(
    r"^(?P<who>[^于]{1,40}?)(?:工作人员|记者)?于[^通]{0,40}通过(?P<how>[^采]{0,20}?)(?:独家)?采访"
)
_INTERVIEW_EN = re.compile(
    r"(?P<how>e-?mail |phone |telephone )?interview (?:with|by) (?P<who>[^,]{1,60}?)"
    r"(?: staff)?(?:,|$)",
    re.IGNORECASE,
)
MAX_CITATION = 300  # a longer final parenthesis is part of the text, not a citation
OUTLET_SEPARATORS = re.compile(r"\s*[、;；]\s*")


class RefusedText(ValueError):
    """The text cannot be read at all (nothing is proposed): the message says why."""


@dataclass
class Speaker:
    name: str
    latin_name: str | None = None
    roles: list[str] = field(default_factory=list)
    # An editor's choice in the preview: an expert's slug, "" for a new expert, None to
    # match by name.
    choice: str | None = None

    @property
    def role(self):
        return "; ".join(self.roles)


@dataclass
class Paragraph:
    speakers: list[Speaker]
    text: str
    kind: str
    said_on: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    outlet: str | None = None
    citation: str | None = None  # the parenthesis as printed, or None
    source_kind: str | None = None  # "interview" or "email_interview" when the citation says
    line: int = 0
    problems: list[str] = field(default_factory=list)
    include: bool = True  # an editor may untick it in the preview


@dataclass
class Section:
    title: str
    entries: list[Paragraph] = field(default_factory=list)
    line: int = 0


@dataclass
class Compilation:
    title: str
    language: str
    introduction: str = ""
    sections: list[Section] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    particulars: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def entries(self):
        return [entry for section in self.sections for entry in section.entries]


# Reading the upload -------------------------------------------------------------------


def check_size(size):
    if size > MAX_BYTES:
        raise RefusedText(
            _("The text is %(size)s MB; at most %(limit)s MB can be imported at once.")
            % {"size": f"{size / 1e6:.1f}", "limit": f"{MAX_BYTES / 1e6:g}"}
        )


def decode(data):
    """The text of an upload: UTF-8 (a byte-order mark is dropped), or ``RefusedText``."""
    if isinstance(data, str):
        text = data
    else:
        check_size(len(data))
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise RefusedText(_("The text is UTF-16, not UTF-8. Save it as UTF-8 and try again."))
        if b"\x00" in data[:65536]:
            raise RefusedText(_("This is a binary file, not text. Paste or upload plain text."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RefusedText(
                _(
                    "The text is not UTF-8 (byte %(byte)s at position %(position)s). Save it "
                    "as UTF-8 and try again."
                )
                % {"byte": f"0x{data[error.start]:02x}", "position": error.start}
            ) from error
    check_size(len(text.encode("utf-8", "surrogatepass")))
    if any("\ud800" <= c <= "\udfff" for c in text):
        raise RefusedText(_("The text holds characters that are not valid Unicode."))
    if "\x00" in text:
        raise RefusedText(_("This is a binary file, not text. Paste or upload plain text."))
    return text.lstrip("\ufeff")


# Small readers --------------------------------------------------------------------------


def _is_cjk(char):
    return unicodedata.east_asian_width(char) in {"W", "F"} and char.isalpha()


def is_latin(text):
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(_is_cjk(c) for c in letters)


def guess_language(text):
    letters = [c for c in text[:20000] if c.isalpha()]
    cjk = sum(1 for c in letters if _is_cjk(c))
    return "zh-Hans" if letters and cjk / len(letters) > 0.2 else "en"


def _top_level_positions(text, separators):
    """Where ``separators`` occur in ``text`` outside parentheses and quotation marks."""
    positions, depth, quoted = [], 0, 0
    for i, char in enumerate(text):
        if char in OPEN_PARENS or char == "《":
            depth += 1
        elif char in CLOSE_PARENS or char == "》":
            depth = max(0, depth - 1)
        elif char in QUOTE_PAIRS:
            quoted += 1
        elif char in QUOTE_PAIRS.values():
            quoted = max(0, quoted - 1)
        elif char in separators and depth == 0 and quoted == 0:
            positions.append(i)
    return positions


def split_top_level(text, separators):
    """``text`` split at ``separators`` that are outside parentheses and quotation marks."""
    bounds = [-1, *_top_level_positions(text, separators), len(text)]
    return [text[a + 1 : b].strip() for a, b in itertools.pairwise(bounds)]


def split_first(text, separators):
    """``(head, rest)`` at the first top-level separator; ``rest`` is None without one."""
    positions = _top_level_positions(text, separators)
    if not positions:
        return text.strip(), None
    return text[: positions[0]].strip(), text[positions[0] + 1 :].strip()


def split_citation(line):
    """``(body, citation)``: the final parenthesis of ``line``, if it ends with one."""
    stripped = line.rstrip()
    tail = ""
    if len(stripped) > 1 and stripped[-1] in "。." and stripped[-2] in CLOSE_PARENS:
        stripped, tail = stripped[:-1], stripped[-1]
    if not stripped or stripped[-1] not in CLOSE_PARENS:
        return line, None
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        if stripped[i] in CLOSE_PARENS:
            depth += 1
        elif stripped[i] in OPEN_PARENS:
            depth -= 1
            if depth == 0:
                citation = stripped[i + 1 : -1].strip()
                if len(citation) > MAX_CITATION:
                    return line, None
                return stripped[:i].rstrip() + tail, citation
    return line, None


class BadDate(ValueError):
    pass


def read_date(match):
    """``"YYYY-MM-DD"`` / ``"YYYY-MM"`` / ``"YYYY"`` of a ``DATE_PATTERNS`` match."""
    parts = match.groupdict()
    year = int(parts["year"])
    month = parts.get("month")
    if parts.get("month_name"):
        month = MONTHS.get(parts["month_name"].lower())
        if month is None:
            raise BadDate(match.group(0))
    typed = "-".join([f"{year:04d}", *(str(int(p)) for p in (month, parts.get("day")) if p)])
    try:
        return iso_partial_date(*parse_partial_date(typed))
    except ValueError as error:
        raise BadDate(match.group(0)) from error


def precision_of(said_on):
    """The stored date and precision of ``"YYYY[-MM[-DD]]"`` (None: no date)."""
    if said_on is None:
        return None, DatePrecision.DAY
    return parse_partial_date(said_on)


@dataclass
class Cited:
    said_on: str | None
    outlet: str | None
    problem: str | None = None
    source_kind: str | None = None


def interview(citation):
    """``(who, kind)`` when the citation is an interview (``RM工作人员于…通过电子邮件独家采访``,
    ``e-mail interview with RM staff``), else None."""
    match = _INTERVIEW_ZH.match(citation) or _INTERVIEW_EN.search(citation)
    if not match:
        return None
    how = (match.group("how") or "").lower()
    kind = "email_interview" if ("邮件" in how or "mail" in how) else "interview"
    return match.group("who").strip(), kind


def find_date(citation):
    """A ``Cited`` from a citation's text, or ``None`` if it holds no date.

    A date at the end follows the outlet (``贝尔弗中心,2026年02月04日``, ``Reuters, Feb. 4,
    2026``); an interview names who asked (``RM工作人员于2026年02月03日通过电子邮件独家采访``
    is RM); any other date inside leaves the whole text as the outlet, for an editor to read.
    """
    best = None
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(citation):
            if match.group("year") is None:
                continue
            at_end = not citation[match.end() :].strip(" .。")
            if (
                pattern.groupindex.get("month_name")
                and match.group("month_name").lower() not in MONTHS
            ):
                continue
            candidate = (at_end, match.end() - match.start(), match)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        if best and best[0]:
            break
    if best is None:
        return None
    at_end, _length, match = best
    try:
        cited = Cited(read_date(match), None)
    except BadDate as error:
        cited = Cited(None, None, _("“%(date)s” is not a date.") % {"date": error.args[0]})
    before = citation[: match.start()] if at_end else citation
    cited.outlet = (before.rstrip(" ,，、;；:：") or None) if at_end else citation
    asked = interview(before)
    if asked:
        cited.outlet, cited.source_kind = asked
    return cited


def outlet_names(outlet):
    """The outlets a citation names: ``TASS.ru、路透社、War Gonzo`` is three."""
    if not outlet:
        return []
    return [name for name in OUTLET_SEPARATORS.split(outlet) if name]


def quoted_spans(text):
    """``(spans, balanced)``: ``(start, end)`` of the top-level quoted parts of ``text``
    (``text[start:end]`` is inside the quotation marks)."""
    spans, stack, start, straight_open = [], [], 0, None
    balanced = True
    for i, char in enumerate(text):
        if char == '"':
            if straight_open is None and not stack:
                straight_open = i
            elif straight_open is not None:
                spans.append((straight_open + 1, i))
                straight_open = None
        elif char in QUOTE_PAIRS:
            if not stack:
                start = i
            stack.append(QUOTE_PAIRS[char])
        elif char in QUOTE_PAIRS.values():
            if not stack or stack[-1] != char:
                balanced = False
                continue
            stack.pop()
            if not stack:
                spans.append((start + 1, i))
    if stack or straight_open is not None:
        balanced = False
    return spans, balanced


def _units(text):
    """Length in words: a Chinese character or a Latin word is one."""
    cjk = sum(1 for c in text if _is_cjk(c))
    latin = len(re.findall(r"[^\W\d_]+", "".join(" " if _is_cjk(c) else c for c in text)))
    return cjk + latin


_GLOSS = re.compile(r"\s*[(（][A-Za-z][^()（）]*[)）]")
_ATTRIBUTION = re.compile(
    r"(说|道|表示|指出|认为|称|强调|警告|补充|回答|问|解释|提到|says|said|wrote|writes|adds|added|argued"
    r"|noted|asked)[\s,，:：.。]*$",
    re.IGNORECASE,
)


def _is_attribution(piece):
    """Whether text outside the quotation marks only says who speaks or what was asked:
    ``他写道:``, ``当被问及……时,梅德韦杰夫警告:``, ``,并强调``, ``, she said.``; not
    ``他写道,如果……将会:``, which says more than who speaks."""
    words = _units(piece)
    if words == 0:
        return True
    if not _ATTRIBUTION.search(piece):
        return False
    return words <= 8 or (piece.strip()[-1] in COLONS and words <= 40)


def kind_of(text):
    """``(kind, balanced)`` from the quotation marks: all the speaker's words quoted (with
    at most an attribution outside) is a direct quote, some is partial, none a paraphrase.
    A quoted name (``“伊斯坎德尔-M”(Iskander-M)``) or a single word is not speech."""
    spans, balanced = quoted_spans(text)
    speech = [(a, b) for a, b in spans if not _GLOSS.match(text, b + 1)]
    if not speech:
        return QuoteKind.PARAPHRASE, balanced
    bounds = [0, *(x for a, b in speech for x in (a - 1, b + 1)), len(text)]
    pieces = [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    if balanced and all(_is_attribution(piece) for piece in pieces):
        return QuoteKind.DIRECT, balanced
    if max(_units(text[a:b]) for a, b in speech) >= 5:
        return QuoteKind.PARTIAL, balanced
    return QuoteKind.PARAPHRASE, balanced


def _bare(name):
    """A name without its parenthesised other-script form."""
    return re.sub(r"[(（][^()（）]*[)）]", "", name).strip()


def looks_like_name(text):
    """Whether ``text`` can be a speaker's name (a person's, or a body's in 《》)."""
    bare = _bare(text)
    if not bare or len(bare) > 60 or len(text) > 140:
        return False
    if any(c in bare for c in '。!?!?“”"「」:：;；,，') or _SAYS.search(bare):
        return False
    if _PRONOUN.match(bare) or _HEADING_WORDS.search(bare):
        return False
    if re.search(r"\d", bare):
        return False
    if is_latin(bare):
        words = bare.replace("-", " ").split()
        return 1 <= len(words) <= 6 and all(
            w[0].isupper() or w.lower() in _NAME_PARTICLES or w[0] in "'’" for w in words
        )
    cjk = sum(1 for c in bare if _is_cjk(c))
    return cjk <= 16


def parse_name(text):
    text = text.strip()
    match = re.fullmatch(r"(.+?)\s*[(（]([^()（）]+)[)）]", text)
    if match and is_latin(match.group(2)) and not is_latin(match.group(1)):
        return Speaker(match.group(1).strip(), match.group(2).strip())
    if match and not is_latin(match.group(2)):
        # 张三(清华大学教授): a role in brackets after the name.
        return Speaker(match.group(1).strip(), None, [match.group(2).strip()])
    if is_latin(text):
        return Speaker(text, text)
    return Speaker(text, None)


def names_a_speaker(head):
    """Whether ``head`` names one speaker or several joined (``A与B``, ``A and B``)."""
    if looks_like_name(head):
        return True
    pieces = [p for p in _NAME_JOINERS.split(head) if p.strip()]
    return len(pieces) > 1 and all(looks_like_name(p) for p in pieces)


def split_names(head):
    """The speakers named in ``head``: ``A与B``, ``A and B``, ``A、B``."""
    pieces = [p for p in _NAME_JOINERS.split(head) if p.strip()]
    if len(pieces) > 1 and all(looks_like_name(p) for p in pieces):
        return [parse_name(p) for p in pieces]
    return [parse_name(head)]


def is_person_name(part):
    """A part of a speaker line without a comma that is a further speaker (``A; B``), not
    a further role (``…高级研究员;乔治城大学兼职教授``): a short name, or one in two scripts."""
    if not looks_like_name(part):
        return False
    speaker = parse_name(part)
    if speaker.latin_name and speaker.latin_name != speaker.name:
        return True
    if is_latin(part):
        words = part.split()
        return 2 <= len(words) <= 4 and all(w[0].isupper() for w in words)
    cjk = sum(1 for c in part if _is_cjk(c))
    return "·" in part or cjk <= 4


def parse_speaker_line(line):
    """The speakers of a speaker line (ending with a colon), or ``None`` if it is not one."""
    line = line.strip()
    if len(line) < 2 or line[-1] not in COLONS or len(line) > 600:
        return None
    body = line[:-1].strip()
    speakers = []
    for index, part in enumerate(split_top_level(body, SEMICOLONS)):
        if not part:
            continue
        head, role = split_first(part, COMMAS)
        if names_a_speaker(head) and (index == 0 or role or is_person_name(head)):
            named = split_names(head)
            if role:
                named[-1].roles.append(role)
            speakers.extend(named)
        elif speakers:
            speakers[-1].roles.append(part)
        else:
            return None
    return speakers or None


def particular(line):
    match = _PARTICULAR.match(line.strip())
    if not match:
        return None
    key = match.group("key").lower()
    for name, keys in PARTICULARS.items():
        if key in keys:
            return name, match.group("value").strip()
    return None


def _open_quotes(text):
    return sum(text.count(o) - text.count(c) for o, c in QUOTE_PAIRS.items())


def join_open_quotations(numbered, speaker_lines, limit=20):
    """Lines joined while a quotation mark opened on one is still open (a quotation of
    several paragraphs), up to ``limit`` lines and never across a speaker line."""
    joined, i = [], 0
    while i < len(numbered):
        n, line = numbered[i]
        i += 1
        if n not in speaker_lines and _open_quotes(line) > 0:
            parts = [line]
            while (
                _open_quotes("\n".join(parts)) > 0
                and i < len(numbered)
                and len(parts) < limit
                and numbered[i][0] not in speaker_lines
            ):
                parts.append(numbered[i][1])
                i += 1
            if _open_quotes("\n".join(parts)) == 0:
                line = "\n".join(parts)
            else:
                i -= len(parts) - 1  # never closed: leave the lines as they were
        joined.append((n, line))
    return joined


def join_lead_ins(numbered, speaker_lines):
    """A line of prose ending with a colon (``他进一步解释道：``) joined to the paragraph it
    introduces, on the next line."""
    joined, i = [], 0
    while i < len(numbered):
        n, line = numbered[i]
        i += 1
        if (
            n not in speaker_lines
            and line[-1] in COLONS
            and not is_heading(line)
            and particular(line) is None
            and i < len(numbered)
            and numbered[i][0] not in speaker_lines
        ):
            line = f"{line}\n{numbered[i][1]}"
            i += 1
        joined.append((n, line))
    return joined


def is_heading(line):
    line = line.strip()
    if line and line[-1] in COLONS and _HEADING_WORDS.search(line[:-1].strip()):
        return len(line) <= 40  # "Russian Views:"
    return (
        0 < len(line) <= 40
        and line[-1] not in SENTENCE_END + "".join(COLONS) + '”"」)）'
        and split_citation(line)[1] is None
    )


# The whole text -------------------------------------------------------------------------


def parse(text, language=None, progress=None):
    """A ``Compilation`` from ``text`` (already decoded), or ``RefusedText``."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise RefusedText(
            _(
                "The text has %(count)s lines; at most %(limit)s can be imported at once. "
                "Split it into parts."
            )
            % {"count": f"{len(lines):,}", "limit": f"{MAX_LINES:,}"}
        )
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise RefusedText(_("The text is empty."))
    language = language or guess_language(text)
    speaker_lines = {n: parse_speaker_line(line) for n, line in numbered}
    speaker_lines = {n: s for n, s in speaker_lines.items() if s}
    if not speaker_lines:
        raise RefusedText(
            _(
                "No speaker lines were found. Each statement needs a line naming who spoke, "
                "ending with a colon, e.g. “Don Beyer, U.S. Representative:”."
            )
        )

    first_line, title = numbered[0]
    compilation = Compilation(title=title, language=language)
    category, bar, rest = title.partition("|") if "|" in title else title.partition("｜")
    if bar and 0 < len(category.strip()) <= 12 and rest.strip():
        compilation.title = rest.strip()
        compilation.particulars["category"] = category.strip()
    if first_line in speaker_lines:
        raise RefusedText(
            _(
                "The first line names speakers; it should be the compilation's title. Add "
                "the title on a line of its own at the top."
            )
        )
    body = join_lead_ins(join_open_quotations(numbered[1:], speaker_lines), speaker_lines)

    section = None
    speakers = None  # the current speaker block
    pending = []  # paragraphs waiting for the next citation
    introduction = []
    seen_speaker = False

    def cite(paragraphs, citation, cited):
        for paragraph in paragraphs:
            paragraph.said_on, paragraph.outlet = cited.said_on, cited.outlet
            paragraph.citation, paragraph.source_kind = citation, cited.source_kind
            if cited.problem:
                paragraph.problems.append(cited.problem)
        pending.clear()

    def flush_pending():
        for paragraph in pending:
            paragraph.problems.append(_("No citation: the speaker block ends without one."))
        pending.clear()

    block = None  # (line number, speaker line) of the current block, while it has no statement

    def close_block():
        nonlocal speakers, block
        if block is not None:
            line_no, line = block
            compilation.unplaced.append(line)
            compilation.problems.append(
                _("Line %(line)s names speakers but no statement follows: %(text)s")
                % {"line": line_no, "text": line[:80]}
            )
        flush_pending()
        speakers = block = None

    for position, (n, line) in enumerate(body):
        if progress and position % 500 == 0:
            progress(position, len(body))
        found = particular(line)
        if found and n not in speaker_lines:
            close_block()
            key, value = found
            compilation.particulars.setdefault(key, value)
            continue
        if n in speaker_lines:
            close_block()
            if section is None:
                section = Section(title="", line=n)
                compilation.sections.append(section)
            speakers, block = speaker_lines[n], (n, line)
            seen_speaker = True
            continue
        next_line = body[position + 1][0] if position + 1 < len(body) else None
        if next_line in speaker_lines and is_heading(line):
            close_block()
            section = Section(title=line.rstrip("".join(COLONS)).strip(), line=n)
            compilation.sections.append(section)
            continue
        if speakers is None:
            if not seen_speaker and section is None:
                introduction.append(line)
            else:
                compilation.unplaced.append(line)
            continue
        if not any(c.isalnum() for c in line):
            compilation.unplaced.append(line)  # punctuation only
            continue
        statement, citation = split_citation(line)
        dated = find_date(citation) if citation is not None else None
        if dated is not None and not statement.strip():
            # A citation on a line of its own belongs to the paragraphs waiting for one.
            if not pending:
                compilation.unplaced.append(line)
                continue
            cite(pending, citation, dated)
            continue
        kind, balanced = kind_of(statement)
        paragraph = Paragraph(
            speakers=[Speaker(s.name, s.latin_name, list(s.roles)) for s in speakers],
            text=statement.strip(),
            kind=kind,
            line=n,
        )
        if not balanced:
            paragraph.problems.append(_("Unbalanced quotation marks."))
        if citation is not None and dated is None:
            # A closing parenthesis that holds no date is part of the text, not a citation.
            paragraph.text = line
            citation = None
        section.entries.append(paragraph)
        block = None
        if citation is None:
            pending.append(paragraph)
            continue
        cite([*pending, paragraph], citation, dated)
    close_block()
    compilation.introduction = "\n".join(introduction)
    compilation.sections = [s for s in compilation.sections if s.entries or s.title]
    if progress:
        progress(len(body), len(body))
    return compilation
