"""Build the seed fixtures from the seed texts and the editorial table in seed_data.py.

    .venv/bin/python scripts/build_seed.py [OUTPUT_DIRECTORY]

reads fixtures/seeds/000_*.txt and 004_*.txt and writes
fixtures/seed_000_new_start_roundup.json and fixtures/seed_004_commentary_summary.json.
Statement texts are cut from the seed texts, never retyped, so they stay verbatim.

The round-up (seed 000) is read by the archive's own importer (commentary/importing/text.py):
its sections, speakers, statements, outlets and dates come from the parser; seed_data.py
holds only what a parser cannot know (who each name is, the records of experts, outlets and
organisations, and the corrections below), applied to what the parser proposes.
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(USE_I18N=False)
    django.setup()

import seed_data as data  # noqa: E402

from commentary.importing import text as parsing  # noqa: E402

SEEDS = ROOT / "fixtures" / "seeds"
SEED_000 = SEEDS / "000_aa418d320d159343.txt"
SEED_004 = SEEDS / "004_f98849c5419cc07d.txt"
OUT = ROOT / "fixtures"  # or the directory given on the command line
NAME_000 = "seed_000_new_start_roundup.json"
NAME_004 = "seed_004_commentary_summary.json"

STAMP = "2026-11-21T00:00:00Z"  # fixed, so that loading the fixtures twice changes nothing
ROUNDUP_URL = "https://www.russiamatters.org/analysis/there-life-after-new-start"


class Fixture:
    """Rows in load order, with per-model primary keys."""

    def __init__(self, start=None):
        self.rows = []
        self.next_pk = defaultdict(lambda: 1, start or {})

    def add(self, model, fields, pk=None):
        if pk is None:
            pk = self.next_pk[model]
            self.next_pk[model] += 1
        self.rows.append({"model": f"commentary.{model}", "pk": pk, "fields": fields})
        return pk

    def write(self, path):
        path.write_text(json.dumps(self.rows, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {len(self.rows)} rows to {path}")


def speakers_of(paragraph):
    """The seed experts the parser's speakers are: each found by the name as printed or
    its Latin form, against every name the seed records for them."""
    names = {}
    for slug, expert in data.EXPERTS.items():
        for name in [expert["name"], expert["name_zh"], *(n for n, _ in expert.get("names", []))]:
            names.setdefault(name, slug)
    slugs = []
    for speaker in paragraph.speakers:
        slug = names.get(speaker.latin_name) or names.get(speaker.name)
        if slug is None:
            raise KeyError(f"no seed expert named {speaker.name!r} ({speaker.latin_name})")
        slugs.append(slug)
    return slugs


def read_roundup(text):
    """``[(section title_zh, paragraph)]`` as the importer reads seed 000, with the
    corrections of seed_data.py applied."""
    compilation = parsing.parse(text)
    if compilation.unplaced or compilation.problems:
        raise SystemExit(f"unplaced lines: {compilation.unplaced} {compilation.problems}")
    statements = [(s.title, p) for s in compilation.sections for p in s.entries]
    for index, kind in data.KIND_CORRECTIONS.items():
        statements[index - 1][1].kind = kind
    return compilation, statements


def topics_for(text, topic_pks):
    return sorted(
        pk
        for slug, pk in topic_pks.items()
        if any(keyword.lower() in text.lower() for keyword in data.TOPICS[slug][3])
    )


def quote_fields(text, language, kind, date, precision, topics, context="", translator=""):
    return {
        "text": text,
        "language": language,
        "kind": kind,
        "said_on": date,
        "date_precision": precision,
        "context": context,
        "status": "published",
        "original": None,
        "translator": translator,
        "topics": topics,
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def build_reference_rows(fx):
    """Organisations, experts, outlets and topics shared by both seeds."""
    org_pks = {}
    for slug, (name, name_zh, short, kind, country, parent, web) in data.ORGANIZATIONS.items():
        org_pks[slug] = fx.add(
            "organization",
            {
                "name": name,
                "name_zh": name_zh,
                "short_name": short,
                "slug": slug,
                "kind": kind,
                "country": country,
                "parent": org_pks[parent] if parent else None,
                "website": web,
                "wikidata_id": "",
            },
        )
    expert_pks, first_affiliation = {}, {}
    for slug, e in data.EXPERTS.items():
        pk = expert_pks[slug] = fx.add(
            "expert",
            {
                "name": e["name"],
                "name_zh": e["name_zh"],
                "sort_name": e["sort"],
                "slug": slug,
                "kind": e.get("kind", "person"),
                "country": e["country"],
                "bio": "",
                "wikidata_id": e.get("wikidata", ""),
            },
        )
        for name, language in e.get("names", []):
            fx.add("expertname", {"expert": pk, "name": name, "language": language, "note": ""})
        for position, (org, role, role_zh, former) in enumerate(e["affiliations"], start=1):
            aff = fx.add(
                "affiliation",
                {
                    "expert": pk,
                    "organization": org_pks[org] if org else None,
                    "role": role,
                    "role_zh": role_zh,
                    "start_date": None,
                    "end_date": None,
                    "is_former": former,
                    "position": position,
                },
            )
            first_affiliation.setdefault(slug, aff)
    outlet_pks = {}
    for row in data.OUTLETS.values():
        if len(row) == 1:  # another spelling of an outlet listed before
            continue
        slug, name, name_zh, kind, country, homepage, _language = row
        outlet_pks[slug] = fx.add(
            "outlet",
            {
                "name": name,
                "name_zh": name_zh,
                "slug": slug,
                "kind": kind,
                "country": country,
                "homepage": homepage,
            },
        )
    topic_pks = {}
    for slug, (name, name_zh, parent, _keywords) in data.TOPICS.items():
        topic_pks[slug] = fx.add(
            "topic",
            {
                "name": name,
                "name_zh": name_zh,
                "slug": slug,
                "parent": topic_pks[parent] if parent else None,
            },
        )
    return org_pks, expert_pks, first_affiliation, outlet_pks, topic_pks


def source_fields(outlet, title, url, kind, date, precision, language, notes=""):
    return {
        "outlet": outlet,
        "title": title,
        "url": url,
        "kind": kind,
        "published_on": date,
        "date_precision": precision,
        "language": language,
        "archived_url": "",
        "archived_on": None,
        "link_status": "unchecked",
        "link_checked_at": None,
        "notes": notes,
    }


def build_roundup():
    text = SEED_000.read_text("utf-8")
    fx = Fixture()
    org_pks, expert_pks, affiliation, outlet_pks, topic_pks = build_reference_rows(fx)

    lines = text.splitlines()
    intro = "\n".join(line for line in lines[1:6] if line.strip())
    translator = re.search(r"^编译:(.+)$", text, re.M).group(1).strip()
    roundup_source = fx.add(
        "source",
        source_fields(
            outlet_pks["russia-matters"],
            "Is There Life After New START?",
            ROUNDUP_URL,
            "compilation",
            "2026-02-01",
            "month",
            "en",
            "Round-up of officials' and experts' views compiled by Russia Matters staff.",
        ),
    )
    translation_source = fx.add(
        "source",
        source_fields(
            outlet_pks["eurasia-new-observation"],
            lines[0].strip(),
            "",
            "compilation",
            None,
            "day",
            "zh-Hans",
            f"Chinese translation (编译) by {translator}; the seed gives no date or URL.",
        ),
    )

    sources = {}  # (outlet slug, date, interviewee) -> source pk

    def source_for(outlet_key, date, precision, email, interviewee):
        slug = data.OUTLETS[outlet_key][0]
        key = (slug, date, interviewee if email else None)
        if key not in sources:
            full = next(v for v in data.OUTLETS.values() if v[0] == slug)
            title = (
                f"E-mail interview with {data.EXPERTS[interviewee]['name']} by RM staff"
                if email
                else ""
            )
            sources[key] = fx.add(
                "source",
                source_fields(
                    outlet_pks[slug],
                    title,
                    "",
                    "email_interview" if email else "article",
                    date,
                    precision,
                    full[6],
                    "" if email else "The round-up cites only the outlet and the date.",
                ),
            )
        return sources[key]

    collection = fx.add(
        "collection",
        {
            "title": "Is There Life After New START?",
            "title_zh": "全球专家评述《新削减战略武器条约》终结",
            "slug": "is-there-life-after-new-start",
            "description": "",
            "description_zh": intro,
            "compiler": org_pks["russia-matters"],
            "translator": translator,
            "source": roundup_source,
            "translation_source": translation_source,
            "published_on": "2026-02-01",
            "date_precision": "month",
            "status": "published",
            "notes": (
                "Russia Matters' round-up of about 40 officials and experts on the end of "
                "New START (February 2026), in the Chinese translation by "
                f"{translator} published by 欧亚新观察工作室 (Eurasia New Observation "
                "Studio). Statements are the Chinese translation, verbatim; each cites the "
                "outlet and date the round-up gives (first appearance) and the round-up and "
                "its translation (compiled in). Where the round-up cites one outlet on one "
                "date for several statements, one Source is recorded, since the seed does "
                "not tell the articles apart. An expert's country is the perspective the "
                "round-up files them under where that is a country, else their base."
            ),
        },
    )
    section_pks = {}
    for position, (zh, en, slug) in enumerate(data.SECTIONS, start=1):
        section_pks[zh] = fx.add(
            "collectionsection",
            {
                "collection": collection,
                "title": en,
                "title_zh": zh,
                "slug": slug,
                "position": position,
            },
        )

    entry_position = defaultdict(int)
    compilation, statements = read_roundup(text)
    if translator != compilation.particulars["translator"]:
        raise SystemExit("the parser read another translator")
    for index, (section, paragraph) in enumerate(statements, start=1):
        statement = paragraph.text
        date, precision = parsing.precision_of(paragraph.said_on)
        date = date.isoformat()
        email = paragraph.source_kind == "email_interview"
        outlets = parsing.outlet_names(paragraph.outlet)
        speakers = speakers_of(paragraph)
        quote = fx.add(
            "quote",
            quote_fields(
                statement,
                "zh-Hans",
                paragraph.kind,
                date,
                precision,
                topics_for(statement, topic_pks),
                data.CONTEXT.get(index, ""),
                translator,
            ),
        )
        for position, slug in enumerate(speakers, start=1):
            fx.add(
                "quotespeaker",
                {
                    "quote": quote,
                    "expert": expert_pks[slug],
                    "affiliation": affiliation.get(slug),
                    "position": position,
                },
            )
        cited = [source_for(o, date, precision, email, speakers[0]) for o in outlets]
        role = "relay" if index in data.RELAYED else "first"
        citations = [(pk, role) for pk in cited]
        citations += [(roundup_source, "compilation"), (translation_source, "compilation")]
        for position, (source, role) in enumerate(citations, start=1):
            fx.add(
                "citation",
                {
                    "quote": quote,
                    "source": source,
                    "role": role,
                    "locator": "",
                    "position": position,
                },
            )
        entry_position[section] += 1
        fx.add(
            "collectionentry",
            {
                "section": section_pks[section],
                "quote": quote,
                "position": entry_position[section],
            },
        )
    fx.write(OUT / NAME_000)
    return fx, expert_pks, affiliation, topic_pks


def excerpt(text, start, end):
    """The seed's own words from ``start`` through ``end`` (both must occur once)."""
    i = text.index(start)
    j = text.index(end, i) + len(end)
    if text.count(start) != 1:
        raise ValueError(f"ambiguous excerpt start {start!r}")
    return text[i:j]


def build_summary(roundup, expert_pks, affiliation, topic_pks):
    text = SEED_004.read_text("utf-8")
    chinese, english = (part.strip() for part in text.split("\nThe New START", 1))
    english = "The New START" + english
    start = {
        model: max(r["pk"] for r in roundup.rows if r["model"] == f"commentary.{model}") + 1
        for model in (
            "quote",
            "quotespeaker",
            "citation",
            "source",
            "collection",
            "collectionsection",
            "collectionentry",
        )
    }
    fx = Fixture(start)
    notes_direction = (
        "The English text is treated as the original and the Chinese as its translation: "
        "the Chinese glosses figures with the English in brackets (1.7 兆美元(US$1.7 "
        "trillion,约 US$1,700 billion)) and keeps the speakers' names in Latin script, "
        "both signs of translation from English. The seed names no outlet, author or date; "
        "the text speaks of 5 February 2026 in the future tense."
    )
    source_en = fx.add(
        "source",
        source_fields(
            None,
            "Summary of a commentary on the end of New START (English)",
            "",
            "article",
            None,
            "day",
            "en",
            notes_direction,
        ),
    )
    source_zh = fx.add(
        "source",
        source_fields(
            None,
            "关于《新削减战略武器条约》终结的评论摘要(中文)",
            "",
            "article",
            None,
            "day",
            "zh-Hans",
            notes_direction,
        ),
    )
    collection = fx.add(
        "collection",
        {
            "title": "Summary of a commentary on the end of New START",
            "title_zh": "关于《新削减战略武器条约》终结的评论摘要",
            "slug": "commentary-summary-end-of-new-start",
            "description": english,
            "description_zh": chinese,
            "compiler": None,
            "translator": "",
            "source": source_en,
            "translation_source": source_zh,
            "published_on": None,
            "date_precision": "day",
            "status": "published",
            "notes": notes_direction
            + " Entries are the statements the summary attributes to named people, each "
            "in English (the original) and Chinese (linked to it as its translation).",
        },
    )
    sections = {
        "en": fx.add(
            "collectionsection",
            {
                "collection": collection,
                "title": "English summary",
                "title_zh": "英文摘要",
                "slug": "english",
                "position": 1,
            },
        ),
        "zh": fx.add(
            "collectionsection",
            {
                "collection": collection,
                "title": "Chinese summary",
                "title_zh": "中文摘要",
                "slug": "chinese",
                "position": 2,
            },
        ),
    }
    # (speakers, kind en, (start, end) en, kind zh, (start, end) zh, note) in the text's order.
    attributed = [
        (
            ["donald-trump"],
            "paraphrase",
            ("President Donald Trump and some advisers", "restarting nuclear testing"),
            "paraphrase",
            ("美国总统 Donald Trump 与部分顾问", "谈及恢复核试验"),
            "The summary attributes this to Trump and unnamed advisers.",
        ),
        (
            ["richard-fontaine"],
            "paraphrase",
            ("Richard Fontaine says", "intolerably costly."),
            "paraphrase",
            ("Richard Fontaine 认为", "自身被摧毁的代价。"),
            "The Chinese corner brackets mark single words, not quoted speech.",
        ),
        (
            ["donald-trump"],
            "partial",
            ("Donald Trump has also called", "100 times over.”"),
            "partial",
            ("Donald Trump 也曾把核武", "「50 次、100 次」。"),
            "",
        ),
        (
            ["vladimir-putin"],
            "paraphrase",
            ("Vladimir Putin has signaled receptivity", "receptivity"),
            "paraphrase",
            ("Vladimir Putin 表示可能愿谈", "可能愿谈"),
            "",
        ),
        (
            ["xi-jinping"],
            "paraphrase",
            ("Xi Jinping is not ready while seeking parity", "seeking parity"),
            "paraphrase",
            ("Xi Jinping 仍以追求对等为由尚未准备", "尚未准备"),
            "",
        ),
        (
            ["ronald-reagan", "mikhail-gorbachev"],
            "paraphrase",
            ("Ronald Reagan and Mikhail Gorbachev’s dictum", "must never be fought"),
            "partial",
            ("Ronald Reagan 与 Mikhail Gorbachev 的共识", "也绝不能打」"),
            "Their joint dictum; the English gives it without quotation marks, the Chinese "
            "quotes it.",
        ),
    ]
    for position, (speakers, kind_en, span_en, kind_zh, span_zh, note) in enumerate(
        attributed, start=1
    ):
        pair = {}
        for language, kind, span, source, body in (
            ("en", kind_en, span_en, source_en, english),
            ("zh-Hans", kind_zh, span_zh, source_zh, chinese),
        ):
            words = excerpt(body, *span)
            fields = quote_fields(
                words, language, kind, None, "day", topics_for(words, topic_pks), note
            )
            if language == "zh-Hans":
                fields["original"] = pair["en"]
            pk = pair[language[:2]] = fx.add("quote", fields)
            for speaker_position, slug in enumerate(speakers, start=1):
                fx.add(
                    "quotespeaker",
                    {
                        "quote": pk,
                        "expert": expert_pks[slug],
                        "affiliation": affiliation.get(slug) if slug == "donald-trump" else None,
                        "position": speaker_position,
                    },
                )
            fx.add(
                "citation",
                {"quote": pk, "source": source, "role": "relay", "locator": "", "position": 1},
            )
            fx.add(
                "collectionentry",
                {"section": sections[language[:2]], "quote": pk, "position": position},
            )
    fx.write(OUT / NAME_004)


def main():
    global OUT
    if len(sys.argv) > 1:
        OUT = Path(sys.argv[1]).resolve()
    roundup, expert_pks, affiliation, topic_pks = build_roundup()
    build_summary(roundup, expert_pks, affiliation, topic_pks)


if __name__ == "__main__":
    main()
