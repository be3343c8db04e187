"""The seed fixtures against the seed texts: complete, exact, consistent, idempotent."""

import io
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import translation

from commentary.models import (
    Collection,
    CollectionEntry,
    Country,
    Expert,
    Quote,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
ROUNDUP = (SEEDS / "000_aa418d320d159343.txt").read_text("utf-8")
SUMMARY = (SEEDS / "004_f98849c5419cc07d.txt").read_text("utf-8")
SECTION_TITLES = ["美国观点", "欧洲观点", "印度观点", "国际观点", "俄罗斯观点", "乌克兰观点"]

pytestmark = pytest.mark.django_db


def roundup_body_lines():
    lines = [line.strip() for line in ROUNDUP.splitlines()]
    start = lines.index(SECTION_TITLES[0])
    end = next(i for i, line in enumerate(lines) if line.startswith("原文题目"))
    return [line for line in lines[start:end] if line]


def seed_statement_lines():
    """Every line of the round-up's body that ends with its '(outlet, date)' citation."""
    return [line for line in roundup_body_lines() if line.endswith(")")]


@pytest.fixture
def roundup(seeded):
    return Collection.objects.get(slug="is-there-life-after-new-start")


def entries_in_order(collection):
    return list(
        CollectionEntry.objects.filter(section__collection=collection)
        .order_by("section__position", "position")
        .select_related("quote", "section")
    )


def test_every_statement_of_the_roundup_is_its_own_quote_in_seed_order(roundup):
    entries = entries_in_order(roundup)
    lines = seed_statement_lines()
    assert len(entries) == len(lines) == 59
    for entry, line in zip(entries, lines, strict=True):
        # verbatim: the seed line is the statement followed by its citation
        assert line.startswith(entry.quote.text)
        assert line[len(entry.quote.text)] == "("


def test_statements_are_chinese_translations_credited_to_the_translator(roundup):
    quotes = [e.quote for e in entries_in_order(roundup)]
    assert {q.language for q in quotes} == {"zh-Hans"}
    assert {q.translator for q in quotes} == {"安朋朋"}
    assert {q.status for q in quotes} == {"published"}


def test_sections_are_the_six_perspectives_in_seed_order(roundup):
    assert [s.title_zh for s in roundup.sections.order_by("position")] == SECTION_TITLES
    counts = [s.entries.count() for s in roundup.sections.order_by("position")]
    assert counts == [20, 7, 1, 1, 29, 1]


def test_collection_credits_compiler_and_translator(roundup):
    assert roundup.compiler.name == "Russia Matters"
    assert roundup.translator == "安朋朋"
    assert roundup.source.url == "https://www.russiamatters.org/analysis/there-life-after-new-start"
    assert roundup.title == "Is There Life After New START?"


def test_joint_statement_has_four_speakers_in_order(seeded):
    quote = Quote.objects.get(text__startswith="“时间所剩无几")
    speakers = [(s.expert.name, s.affiliation.role_zh) for s in quote.speakers.order_by("position")]
    assert speakers == [
        ("Don Beyer", "美国众议员"),
        ("John Garamendi", "美国众议员"),
        ("Edward J. Markey", "美国参议员"),
        ("Jeff Merkley", "美国参议员"),
    ]


@pytest.mark.parametrize(
    ("slug", "count"),
    [("pavel-podvig", 4), ("maxim-starchak", 3), ("dmitry-medvedev", 3), ("vladimir-putin", 3)],
)
def test_speakers_with_several_statements(seeded, slug, count):
    # Putin: two in the round-up, one in the commentary summary's English text.
    quotes = Quote.objects.filter(speakers__expert__slug=slug)
    if slug == "vladimir-putin":
        quotes = quotes.exclude(language="zh-Hans", original__isnull=False)
    assert quotes.count() == count


def test_month_precision_date_is_kept_and_displayed(seeded):
    quote = Quote.objects.get(speakers__expert__slug="ruslan-bortnik")
    assert quote.date_precision == "month"
    with translation.override("en"):
        assert quote.display_date == "February 2026"
    with translation.override("zh-hans"):
        assert quote.display_date == "2026年2月"


def test_statement_citing_three_outlets(seeded):
    quote = Quote.objects.get(text__startswith="“近60年来")
    first = quote.citations.filter(role="first").order_by("position")
    assert [c.source.outlet.name for c in first] == ["TASS", "Reuters", "War Gonzo"]
    assert {c.source.published_on.isoformat() for c in first} == {"2026-02-02"}


def test_email_interviews_have_no_url_and_their_own_source(seeded):
    sources = {
        c.source
        for c in Quote.objects.filter(citations__source__kind="email_interview")
        .get(text__startswith="“俄罗斯一贯重视可预测性")
        .citations.all()
        if c.source.kind == "email_interview"
    }
    (source,) = sources
    assert source.url == "" and source.outlet.name == "Russia Matters"
    assert "Nikolai Sokov" in source.title


def test_every_expert_name_pair_appears_in_the_seed(seeded):
    roundup_experts = Expert.objects.filter(
        speaker_roles__quote__collection_entries__section__collection__slug=(
            "is-there-life-after-new-start"
        )
    ).distinct()
    assert roundup_experts.count() == 42
    for expert in roundup_experts:
        printed = {f"{expert.name_zh}({expert.name})", f"《{expert.name_zh}》({expert.name})"}
        assert any(p in ROUNDUP for p in printed), expert.name


def test_organisation_speaking_in_its_own_voice(seeded):
    economist = Expert.objects.get(slug="the-economist")
    assert economist.kind == "organization"
    assert economist.speaker_roles.count() == 1


def test_former_roles_are_marked(seeded):
    assert Expert.objects.get(slug="barack-obama").affiliations.get().is_former
    assert Expert.objects.get(slug="kingston-reif").affiliations.get().is_former
    assert not Expert.objects.get(slug="marco-rubio").affiliations.get().is_former


def test_kinds_are_judged(seeded):
    direct = Quote.objects.get(text__startswith="“如果它到期")
    paraphrase = Quote.objects.get(text__startswith="1991年12月")
    partial = Quote.objects.get(text__startswith="他警告,随着New START到期")
    assert (direct.kind, paraphrase.kind, partial.kind) == ("direct", "paraphrase", "partial")


def test_commentary_summary_in_english_and_chinese(seeded):
    summary = Collection.objects.get(slug="commentary-summary-end-of-new-start")
    chinese, english = (part.strip() for part in SUMMARY.split("\nThe New START", 1))
    entries = entries_in_order(summary)
    originals = [e.quote for e in entries if e.section.slug == "english"]
    translations = [e.quote for e in entries if e.section.slug == "chinese"]
    assert len(originals) == len(translations) == 6
    for original, translated in zip(originals, translations, strict=True):
        assert original.language == "en" and original.text in english
        assert translated.language == "zh-Hans" and translated.text in chinese
        assert translated.original == original
        assert [s.expert_id for s in translated.speakers.all()] == [
            s.expert_id for s in original.speakers.all()
        ]
    trump = Quote.objects.get(text__contains="50 times over, 100 times over")
    assert trump.kind == "partial"
    assert trump.speakers.get().expert.slug == "donald-trump"
    fontaine = Quote.objects.get(language="en", speakers__expert__slug="richard-fontaine")
    assert fontaine.kind == "paraphrase"
    assert "translation" in summary.notes


def test_all_iso_countries_with_chinese_names_and_regions(seeded):
    assert Country.objects.count() == 249
    assert not Country.objects.filter(name_zh="").exists()
    assert list(Country.objects.filter(region="").values_list("code", flat=True)) == ["AQ"]
    assert Country.objects.get(code="RU").name_zh == "俄罗斯"
    assert Country.objects.get(code="VA").region == "Europe"


def test_fixture_rows_pass_model_validation(seeded):
    for model in apps.get_app_config("commentary").get_models():
        for obj in model.objects.all():
            obj.full_clean()


def dump():
    """The archive's content: lock numbers, which every rewrite increments, left out."""
    stream = io.StringIO()
    call_command("dumpdata", "commentary", format="json", stdout=stream)
    rows = json.loads(stream.getvalue())
    for row in rows:
        row["fields"].pop("version", None)
    return json.dumps(rows, ensure_ascii=False)


def test_loading_twice_changes_nothing(seeded):
    before = dump()
    call_command("load_seed", verbosity=0)
    assert dump() == before
    assert len(list(serializers.deserialize("json", before))) > 900


def test_loading_is_recorded_in_history(seeded):
    from reversion.models import Revision, Version

    from commentary.models import Quote

    revision = Revision.objects.get(comment="manage.py load_seed")
    assert revision.user is None
    quote = Quote.objects.first()
    assert Version.objects.get_for_object(quote).filter(revision=revision).exists()
    assert quote.status_changes.get().to_status == quote.status


def test_load_seed_if_empty_keeps_editors_changes(seeded):
    quote = Quote.objects.get(text__startswith="“如果它到期")
    Quote.objects.filter(pk=quote.pk).update(context="edited")
    call_command("load_seed", "--if-empty", verbosity=0)
    quote.refresh_from_db()
    assert quote.context == "edited"


def test_statement_lines_parse_like_the_build_script():
    # Guards the test's own reading of the seed: headings end with a colon, statements
    # with a citation, and nothing else is in the body.
    body = roundup_body_lines()
    others = [
        line
        for line in body
        if not line.endswith(")") and not line.endswith(":") and line not in SECTION_TITLES
    ]
    assert others == []
    assert all(re.search(r"\d{4}年\d{1,2}月", line[-40:]) for line in seed_statement_lines())


def test_the_build_script_reads_the_roundup_with_the_importer_and_makes_the_same_fixtures(
    tmp_path,
):
    """scripts/build_seed.py parses seed 000 with commentary/importing/text.py and applies
    the editorial corrections of seed_data.py: the fixtures it writes are the ones loaded."""
    import subprocess
    import sys

    root = SEEDS.parent.parent
    subprocess.run(
        [sys.executable, str(root / "scripts" / "build_seed.py"), str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=root,
    )
    for name in ("seed_000_new_start_roundup.json", "seed_004_commentary_summary.json"):
        assert (tmp_path / name).read_bytes() == (SEEDS.parent / name).read_bytes(), name
