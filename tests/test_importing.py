"""Importing a compilation: the reader, the preview, the writer and the command.

The texts are written here, in both languages and both widths of punctuation; the seed
round-up is read too (tests/test_seed.py checks what build_seed makes of it).
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from commentary.importing import apply, preview
from commentary.importing import text as parsing
from commentary.models import (
    Collection,
    CollectionEntry,
    Expert,
    ExpertName,
    Outlet,
    Quote,
    Status,
)

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "000_aa418d320d159343.txt"

CHINESE = """\
评论|专家谈核试验
本文汇集各方观点，仅供参考。

美国观点
安娜·史密斯（Anna Smith），示例研究所高级研究员；示例大学兼职教授：
“核试验将开启危险的先例。”（示例日报，2026年02月04日）
她补充说，各国应当克制。
她写道：「没有核查，就没有信任。」（示例日报，2026年2月）
张三与李四，示例大学教授:
他们认为条约已经失效。(示例周刊、示例晚报,2026年)
俄罗斯观点
伊万·彼得罗夫(Ivan Petrov),某部副部长:
“我们已准备好面对新现实……没有回答也是一种回答。”(塔斯社,2026年13月)
编译:王五
"""

ENGLISH = """\
Experts React: Nuclear Testing
A round-up of views on a return to nuclear tests.

U.S. Views
Anna Smith, senior fellow, Example Institute; adjunct professor at Example University:
"A test would set a dangerous precedent." (Example Daily, March 2, 2026)
She added that "restraint is still possible if both sides want it," and urged talks.
(Example Weekly, March 2026)
Bob Jones and Carol White, professors at Example College:
They argued the treaty had already lapsed. (Example Weekly, 2026)
Russian Views
Ivan Petrov, deputy minister:
"We are ready for the new reality... silence is an answer too. (Example News, Feb. 30, 2026)
"""


def parse(text, **kwargs):
    return parsing.parse(parsing.decode(text.encode("utf-8")), **kwargs)


def test_a_chinese_round_up_with_full_width_punctuation():
    c = parse(CHINESE)
    assert c.title == "专家谈核试验" and c.language == "zh-Hans"
    assert c.particulars == {"category": "评论", "translator": "王五"}
    assert c.introduction == "本文汇集各方观点，仅供参考。"
    assert [s.title for s in c.sections] == ["美国观点", "俄罗斯观点"]
    first, uncited, second, joint = c.sections[0].entries
    assert (first.speakers[0].name, first.speakers[0].latin_name) == ("安娜·史密斯", "Anna Smith")
    assert first.speakers[0].roles == ["示例研究所高级研究员", "示例大学兼职教授"]
    assert (first.kind, first.said_on, first.outlet) == ("direct", "2026-02-04", "示例日报")
    # A paragraph without its own citation shares the next one's.
    assert (uncited.kind, uncited.said_on, uncited.outlet) == ("paraphrase", "2026-02", "示例日报")
    # "She wrote:" outside the quotation marks only says who speaks: still a direct quote.
    assert second.text == "她写道：「没有核查，就没有信任。」" and second.kind == "direct"
    assert [s.name for s in joint.speakers] == ["张三", "李四"]
    assert joint.speakers[1].roles == ["示例大学教授"] and joint.speakers[0].roles == []
    assert (joint.said_on, joint.outlet) == ("2026", "示例周刊、示例晚报")
    (bad_date,) = c.sections[1].entries
    assert bad_date.kind == "direct" and bad_date.said_on is None
    assert bad_date.outlet == "塔斯社"
    assert bad_date.problems == ["“2026年13月” is not a date."]
    assert c.unplaced == [] and c.problems == []


def test_an_english_round_up():
    c = parse(ENGLISH)
    assert c.title == "Experts React: Nuclear Testing" and c.language == "en"
    smith, added = c.sections[0].entries[:2]
    assert smith.speakers[0].name == "Anna Smith"
    assert smith.speakers[0].roles == [
        "senior fellow, Example Institute",
        "adjunct professor at Example University",
    ]
    assert (smith.kind, smith.said_on, smith.outlet) == ("direct", "2026-03-02", "Example Daily")
    # A citation alone on the next line belongs to the paragraph before it.
    assert added.kind == "partial"
    joint = c.sections[0].entries[-1]
    assert [s.name for s in joint.speakers] == ["Bob Jones", "Carol White"]
    assert (joint.kind, joint.said_on) == ("paraphrase", "2026")
    (petrov,) = c.sections[1].entries
    assert "Unbalanced quotation marks." in petrov.problems
    assert "“Feb. 30, 2026” is not a date." in petrov.problems


@pytest.mark.parametrize(
    "citation, expected",
    [
        ("贝尔弗中心,2026年02月04日", ("2026-02-04", "贝尔弗中心")),
        ("乌克兰政治研究所，2026年2月", ("2026-02", "乌克兰政治研究所")),
        ("Reuters, March 2, 2026", ("2026-03-02", "Reuters")),
        ("Reuters, 2 March 2026", ("2026-03-02", "Reuters")),
        ("Profile, March 2026", ("2026-03", "Profile")),
        ("SIPRI, 2025", ("2025", "SIPRI")),
        ("RM工作人员于2026年02月03日通过电子邮件独家采访", ("2026-02-03", "RM")),
        ("e-mail interview with RM staff, Feb. 3, 2026", ("2026-02-03", "RM")),
        ("写于2026年2月的内部备忘录", ("2026-02", "写于2026年2月的内部备忘录")),
    ],
)
def test_citation_dates_in_either_language(citation, expected):
    cited = parsing.find_date(citation)
    assert (cited.said_on, cited.outlet) == expected and cited.problem is None
    if "interview" in citation or "采访" in citation:
        assert cited.source_kind == "email_interview"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("“全部是原话。”", "direct"),
        ("当被问及2月5日后会怎样时,他警告:“俄罗斯已准备好。”", "direct"),
        ("“第一句。”他写道:“第二句。”", "direct"),
        ("他写道,如果条约失效,将会:“使两国的力量完全不受约束。”", "partial"),
        ("他说世界正“因为框架的侵蚀而面临风险”。", "partial"),
        ("部署了两支“伊斯坎德尔-M”(Iskander-M)导弹系统师。", "paraphrase"),
        ("他称这是“双输”。", "paraphrase"),
        ('She wrote: "There is a window for action."', "direct"),
        ('"There is a window," she said.', "direct"),
        ("Russia’s answer was no.", "paraphrase"),
    ],
)
def test_the_kind_is_read_from_the_quotation_marks(text, kind):
    assert parsing.kind_of(text) == (kind, True)


def test_a_parenthesis_without_a_date_is_part_of_the_text():
    c = parse("T\nAnna Smith, fellow:\nShe spoke of the upload (MIRV) problem.\n")
    (entry,) = c.entries
    assert entry.text == "She spoke of the upload (MIRV) problem." and entry.said_on is None
    assert entry.problems == ["No citation: the speaker block ends without one."]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The text is empty."),
        (b"   \n\n  ", "The text is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is a binary file"),
        ("标题\n张三:\n“话。”".encode("gb18030"), "The text is not UTF-8"),
        (b"x" * (parsing.MAX_BYTES + 1), "at most 2 MB"),
        (b"Title\nJust prose.\nMore prose.\n", "No speaker lines were found"),
        (("A, b:\nwords\n" * 6000).encode(), "at most 5,000 can be imported"),
    ],
)
def test_unreadable_texts_are_refused_with_a_clear_message(data, message):
    with pytest.raises(parsing.RefusedText, match=message):
        parsing.parse(parsing.decode(data))


def test_a_speaker_line_with_no_statement_is_shown_not_dropped():
    c = parse("T\nAnna Smith, fellow:\nBob Jones, fellow:\n“Words.” (X, 2026)\n")
    assert c.unplaced == ["Anna Smith, fellow:"]
    assert "names speakers but no statement follows" in c.problems[0]
    assert [e.speakers[0].name for e in c.entries] == ["Bob Jones"]


def test_lines_before_the_first_speaker_of_a_section_are_unplaced():
    c = parse("T\nIntro.\nViews\nA stray remark.\nAnna Smith, fellow:\n“Words.” (X, 2026)\n")
    assert c.introduction == "Intro.\nViews\nA stray remark."
    c = parse(
        "T\nIntro.\nViews\nAnna Smith, fellow:\n“W.” (X, 2026)\nStray.\n"
        "More\nB C, d:\n“V.” (X, 2026)\n"
    )
    assert [s.title for s in c.sections] == ["Views", "More"]
    assert c.sections[0].entries[-1].text == "Stray."  # shares nothing: no citation follows


def test_the_seed_round_up_parses_whole():
    c = parsing.parse(parsing.decode(SEED.read_bytes()))
    assert [s.title for s in c.sections] == [
        "美国观点",
        "欧洲观点",
        "印度观点",
        "国际观点",
        "俄罗斯观点",
        "乌克兰观点",
    ]
    assert len(c.entries) == 59 and c.unplaced == [] and c.problems == []
    assert c.particulars["source_url"].startswith("https://www.russiamatters.org/")
    assert len({(s.name, s.latin_name) for e in c.entries for s in e.speakers}) == 42


# The preview and the import ------------------------------------------------------------


@pytest.fixture
def known(db):
    anna = Expert.objects.create(name="Anna Smith", name_zh="安娜·史密斯", slug="anna-smith")
    anna.affiliations.create(role="Senior fellow", role_zh="示例研究所高级研究员", position=1)
    ivan = Expert.objects.create(name="Ivan Petrov", slug="ivan-petrov")
    ExpertName.objects.create(expert=ivan, name="伊万·彼得罗夫", language="zh")
    Outlet.objects.create(name="Example Daily", name_zh="示例日报", slug="example-daily")
    return anna, ivan


def test_the_preview_matches_speakers_by_any_name_roles_and_outlets(known):
    anna, ivan = known
    proposed = preview.propose(parse(CHINESE))
    first = proposed.entries[0]
    assert first.speakers[0].expert == anna
    assert first.speakers[0].affiliation == anna.affiliations.get()
    assert first.outlets[0].outlet.slug == "example-daily"
    assert proposed.entries[-1].speakers[0].expert == ivan  # by the other spelling
    joint = proposed.entries[3]
    assert [s.new for s in joint.speakers] == [True, True]
    assert [o.outlet for o in joint.outlets] == [None, None]
    assert [o.name for o in joint.outlets] == ["示例周刊", "示例晚报"]


def test_the_json_preview_has_the_documented_shape(known):
    out = StringIO()
    path = Path(__file__).parent / "import-zh.txt"
    path.write_text(CHINESE, "utf-8")
    try:
        call_command("import_compilation", str(path), "--dry-run", "--format", "json", stdout=out)
    finally:
        path.unlink()
    data = json.loads(out.getvalue())
    assert set(data) == {"collection", "sections", "unplaced"}
    assert data["collection"] == {"title": "专家谈核试验", "language": "zh-hans"}
    entry = data["sections"][0]["entries"][0]
    assert entry == {
        "speakers": [
            {
                "name": "安娜·史密斯",
                "latin_name": "Anna Smith",
                "role": "示例研究所高级研究员; 示例大学兼职教授",
                "expert": "anna-smith",
                "new": False,
            }
        ],
        "text": "“核试验将开启危险的先例。”",
        "kind": "direct",
        "said_on": "2026-02-04",
        "outlet": "示例日报",
        "duplicate_of": [],
    }
    assert Collection.objects.count() == 0 and Quote.objects.count() == 0  # a dry run


def test_an_import_writes_drafts_in_order_in_one_revision_and_once(known):
    anna, _ivan = known
    report = apply.apply(preview.propose(parse(CHINESE)))
    collection = report.collection
    assert (collection.status, collection.title_zh, collection.translator) == (
        "draft",
        "专家谈核试验",
        "王五",
    )
    assert report.created == 5 and report.new_experts == 2 and report.new_outlets == 3
    entries = CollectionEntry.objects.filter(section__collection=collection).order_by(
        "section__position", "position"
    )
    texts = [e.quote.text for e in entries]
    assert texts[0] == "“核试验将开启危险的先例。”" and texts[-1].startswith("“我们已准备好")
    sections = collection.sections.order_by("position")
    assert [s.title_zh for s in sections] == ["美国观点", "俄罗斯观点"]
    assert set(Quote.objects.values_list("status", flat=True)) == {Status.DRAFT}
    first = entries[0].quote
    assert first.speakers.get().expert == anna
    assert first.speakers.get().affiliation.role_zh == "示例研究所高级研究员"
    assert first.citations.get().source.outlet.slug == "example-daily"
    joint = entries[3].quote
    assert [s.expert.name_zh for s in joint.speakers.order_by("position")] == ["张三", "李四"]
    assert joint.citations.count() == 2 and joint.date_precision == "year"
    # The search documents are written once per statement, at the end, and complete.
    assert "anna smith" in first.search_names.lower() and "日报" in first.search_names
    assert set(Quote.objects.search("张三").values_list("pk", flat=True)) == {joint.pk}
    # One revision holds the whole import.
    assert Revision.objects.count() == 1
    assert Version.objects.get_for_object(first).count() == 1

    again = apply.apply(preview.propose(parse(CHINESE)))
    assert again.collection == collection and again.nothing_new
    assert again.unchanged == 5 and "Nothing new" in again.summary()
    assert Quote.objects.count() == 5 and Expert.objects.count() == 4


def test_a_changed_text_updates_only_what_changed_and_adds_what_is_new(known):
    first = apply.apply(preview.propose(parse(CHINESE)))
    quote = (
        CollectionEntry.objects.filter(section__collection=first.collection)
        .order_by("section__position", "position")[0]
        .quote
    )
    changed = CHINESE.replace("开启危险的先例", "开启一个危险的先例").replace(
        "编译:王五", "伊万·彼得罗夫(Ivan Petrov),某部副部长:\n“还有一句。”(塔斯社,2026年3月)\n"
    )
    report = apply.apply(preview.propose(parse(changed)))
    assert (report.created, report.updated, report.unchanged) == (1, 1, 4)
    quote.refresh_from_db()
    assert quote.text == "“核试验将开启一个危险的先例。”"
    assert Version.objects.get_for_object(quote).count() == 2
    assert Quote.objects.count() == 6


def test_published_statements_are_never_changed_by_an_import(known):
    first = apply.apply(preview.propose(parse(CHINESE)))
    quote = Quote.objects.get(text="“核试验将开启危险的先例。”")
    Quote.objects.filter(pk=quote.pk).update(status=Status.PUBLISHED)
    report = apply.apply(preview.propose(parse(CHINESE.replace("危险的先例", "先例"))))
    assert report.left_published == [quote.pk] and report.updated == 0
    quote.refresh_from_db()
    assert quote.text == "“核试验将开启危险的先例。”"
    assert first.collection.pk == report.collection.pk
    with pytest.raises(ValueError):
        apply.apply(preview.propose(parse(ENGLISH)), status=Status.PUBLISHED)


def test_the_import_is_all_or_nothing(known, monkeypatch):
    original = apply.Writer.create
    calls = []

    def fail_on_third(self, entry, collection):
        calls.append(entry)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return original(self, entry, collection)

    monkeypatch.setattr(apply.Writer, "create", fail_on_third)
    with pytest.raises(RuntimeError):
        apply.apply(preview.propose(parse(CHINESE)))
    assert Quote.objects.count() == 0 and Collection.objects.count() == 0
    assert Expert.objects.count() == 2 and Revision.objects.count() == 0


def test_the_command_imports_and_says_when_there_is_nothing_new(db, tmp_path):
    path = tmp_path / "roundup.txt"
    path.write_text(ENGLISH, "utf-8")
    out = StringIO()
    call_command("import_compilation", str(path), stdout=out)
    assert "4 statements created" in out.getvalue()
    assert Collection.objects.get().status == "draft"
    out = StringIO()
    call_command("import_compilation", str(path), stdout=out)
    assert "Nothing new: all 4 statements were imported before" in out.getvalue()
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02")
    with pytest.raises(CommandError, match="binary file"):
        call_command("import_compilation", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_compilation", str(tmp_path / "missing.txt"))


def test_reimporting_the_seed_round_up_changes_nothing(seeded):
    before = Quote.objects.count()
    out = StringIO()
    call_command("import_compilation", str(SEED), stdout=out)
    assert "Nothing new: all 59 statements were imported before" in out.getvalue()
    assert Quote.objects.count() == before


# What a review of the importer found -----------------------------------------------------


def test_speaker_lines_are_told_from_prose_headings_and_roles():
    c = parse(
        "T\n张三；李四：\n“话。”(甲报,2026年)\n王五（清华大学教授）：\n“话二。”(甲报,2026年)\n"
        "他进一步解释道：\n“话三。”(甲报,2026年)\nRussian Views:\nIvan Petrov, minister:\n"
        "“Words.” (X, 2026)\n"
    )
    first, second, third, fourth = c.entries
    assert [s.name for s in first.speakers] == ["张三", "李四"]
    assert (second.speakers[0].name, second.speakers[0].roles) == ("王五", ["清华大学教授"])
    # "He went on to explain:" is prose inside 王五's block, leading into his next words.
    assert third.speakers[0].name == "王五"
    assert (third.text, third.kind) == ("他进一步解释道：\n“话三。”", "direct")
    assert [s.title for s in c.sections] == ["", "Russian Views"]
    assert fourth.speakers[0].name == "Ivan Petrov" and c.unplaced == []


def test_a_quotation_over_several_lines_is_one_statement_and_punctuation_is_unplaced():
    c = parse("T\nAnna Smith, fellow:\n“First paragraph.\nSecond paragraph.” (X, 2026)\n……\n")
    (entry,) = c.entries
    assert entry.text == "“First paragraph.\nSecond paragraph.”" and entry.kind == "direct"
    assert entry.problems == [] and c.unplaced == ["……"]


def test_long_parentheses_and_odd_encodings_are_quick_and_clear():
    import time

    start = time.perf_counter()
    parse("T\nA B, c:\n话(" + "于通过" * 3000 + "2026年)\n")
    parse("T\nA B, c:\n话(" + "RM于" * 80 + "2026年02月03日通过电子邮件独家采访)\n")
    assert time.perf_counter() - start < 2
    with pytest.raises(parsing.RefusedText, match="UTF-16"):
        parsing.decode("T\nA B, c:\n“x.”(X, 2026)".encode("utf-16"))
    with pytest.raises(parsing.RefusedText, match="not valid Unicode"):
        parsing.decode("T\nA B, c:\n“x\ud800.”(X, 2026)")
    with pytest.raises(parsing.RefusedText, match="should be the compilation's title"):
        parse("Anna Smith, fellow:\n“Words.” (X, 2026)\n")


def test_a_reimport_matches_a_statement_only_with_the_same_speakers(db):
    text = "Experts react\nBob Smith, analyst:\n“We welcome the decision.” (X, March 2, 2026)\n"
    apply.apply(preview.propose(parse(text)))
    other = text.replace("Bob Smith, analyst", "Alice Jones, analyst").replace("2,", "5,")
    report = apply.apply(preview.propose(parse(other)))
    assert (report.created, report.updated) == (1, 0)
    bob = Quote.objects.get(speakers__expert__name="Bob Smith")
    assert bob.said_on.isoformat() == "2026-03-02"


def test_a_reimport_keeps_an_editors_later_corrections_of_a_draft(known):
    apply.apply(preview.propose(parse(CHINESE)))
    quote = Quote.objects.get(text="“核试验将开启危险的先例。”")
    with reversion_revision():
        quote.text, quote.kind = "“核试验将开启危险先例。”", "partial"
        quote.save()
    report = apply.apply(preview.propose(parse(CHINESE)))
    assert report.nothing_new and report.unchanged == 5
    quote.refresh_from_db()
    assert (quote.text, quote.kind) == ("“核试验将开启危险先例。”", "partial")


def reversion_revision():
    import reversion

    return reversion.create_revision()


def test_a_published_collection_gets_no_new_statements_from_an_import(seeded, tmp_path):
    path = tmp_path / "seed-plus.txt"
    path.write_text(
        SEED.read_text("utf-8").replace(
            "原文题目",
            "新人物(New Person),某研究所研究员:\n“新的一句话。”(甲报,2026年2月)\n原文题目",
        ),
        "utf-8",
    )
    before = Quote.objects.count()
    for _ in range(2):
        out = StringIO()
        call_command("import_compilation", str(path), stdout=out)
        assert "its 1 new statements were not imported" in out.getvalue()
    assert Quote.objects.count() == before


def test_the_same_expert_twice_is_one_speaker_and_flagged(db):
    text = "T\nBob Smith and Bob Smith, analyst:\n“Words.” (X, 2026)\n"
    apply.apply(preview.propose(parse(text)))  # creates Bob Smith
    proposed = preview.propose(parse(text))
    assert "The same expert is named twice" in proposed.entries[0].problems[0]
    second = parse(text.replace("Words", "Other words"))
    report = apply.apply(preview.propose(second))
    quote = Quote.objects.get(pk=report.collection.sections.get().entries.last().quote_id)
    assert quote.speakers.count() == 1


def test_long_titles_and_clashing_or_reserved_headings_import(db):
    text = (
        "T" * 400 + "\nU.S. Views\nA B, c:\n“x.”(X, 2026)\nUS Views\nD E, f:\n“y.”(X, 2026)\n"
        "Main\nG H, i:\n“z.”(X, 2026)\n"
    )
    report = apply.apply(preview.propose(parse(text)))
    assert len(report.collection.title) == 300
    anchors = list(report.collection.sections.order_by("position").values_list("slug", flat=True))
    assert anchors == ["us-views", "us-views-2", "section-main"]


def test_nothing_ticked_imports_nothing(db):
    proposed = preview.propose(parse(ENGLISH))
    for entry in proposed.entries:
        entry.include = False
    with pytest.raises(apply.NothingToImport):
        apply.apply(proposed)
    assert Collection.objects.count() == 0


def test_new_statements_of_a_reimport_take_their_place_in_the_texts_order(db):
    first = "Experts react\nViews\nA B, c:\n“One.” (X, 2026)\n“Two.” (X, 2026)\n"
    first += "“Three.” (X, 2026)\n"
    report = apply.apply(preview.propose(parse(first)))
    second = first.replace(
        "“One.”", "“Zero.” (X, 2026)\n“Zero and a half.” (X, 2026)\n“One.”"
    ).replace("“Two.”", "“One and a half.” (X, 2026)\n“Two.”")
    again = apply.apply(preview.propose(parse(second)))
    assert (again.created, again.unchanged) == (3, 3)
    section = report.collection.sections.get()
    texts = list(section.entries.order_by("position").values_list("quote__text", flat=True))
    assert texts == [
        "“Zero.”",
        "“Zero and a half.”",
        "“One.”",
        "“One and a half.”",
        "“Two.”",
        "“Three.”",
    ]
    positions = section.entries.order_by("position").values_list("position", flat=True)
    assert list(positions) == [1, 2, 3, 4, 5, 6]
