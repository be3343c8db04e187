"""The two full-text engines behind ``Quote.objects.search()``.

PostgreSQL: a stored, generated ``tsvector`` column over the two document columns (the
statement's text weighted A, the names weighted B, both with the ``simple`` configuration,
since ``words.document()`` has already folded, stemmed and segmented them) and a GIN
index on it. Queries are ``to_tsquery`` phrase queries built by ``words.to_tsquery``.

SQLite: an external-content FTS5 table over the same two columns (``unicode61``
tokenizer: the documents are already space-separated tokens), kept in step by three
triggers. Queries are built by ``words.to_fts5``.

Both are created by migration 0003 on their own database only. A later migration that
makes SQLite rebuild ``commentary_quote`` drops the triggers with the old table and must
run ``create_engine_index`` again (a test checks that the triggers exist).
"""

from django.db import NotSupportedError
from django.db.models import F, FloatField, Func, Lookup

from . import text as words

POSTGRESQL_INDEX = [
    """ALTER TABLE commentary_quote ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_text), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_names), 'B')) STORED""",
    "CREATE INDEX commentary_quote_search_idx ON commentary_quote USING gin (search_vector)",
]

_FTS_ROW = "rowid, search_text, search_names"
# The f-strings below only paste constants and Django's own column references; the query
# itself always travels as a parameter.
SQLITE_INDEX = [
    """CREATE VIRTUAL TABLE commentary_quote_fts USING fts5(
        search_text, search_names, content='commentary_quote', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER commentary_quote_fts_insert AFTER INSERT ON commentary_quote BEGIN
        INSERT INTO commentary_quote_fts({_FTS_ROW})
        VALUES (new.id, new.search_text, new.search_names); END""",  # noqa: S608
    f"""CREATE TRIGGER commentary_quote_fts_delete AFTER DELETE ON commentary_quote BEGIN
        INSERT INTO commentary_quote_fts(commentary_quote_fts, {_FTS_ROW})
        VALUES ('delete', old.id, old.search_text, old.search_names); END""",  # noqa: S608
    f"""CREATE TRIGGER commentary_quote_fts_update
        AFTER UPDATE OF search_text, search_names ON commentary_quote BEGIN
        INSERT INTO commentary_quote_fts(commentary_quote_fts, {_FTS_ROW})
        VALUES ('delete', old.id, old.search_text, old.search_names);
        INSERT INTO commentary_quote_fts({_FTS_ROW})
        VALUES (new.id, new.search_text, new.search_names); END""",  # noqa: S608
    "INSERT INTO commentary_quote_fts(commentary_quote_fts) VALUES ('rebuild')",
]
SQLITE_TRIGGERS = (
    "commentary_quote_fts_insert",
    "commentary_quote_fts_delete",
    "commentary_quote_fts_update",
)


def create_engine_index(schema_editor):
    """The index for the database at hand (a migration step; other engines get none)."""
    statements = {"postgresql": POSTGRESQL_INDEX, "sqlite": SQLITE_INDEX}
    for sql in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql)


def restore_sqlite_triggers(schema_editor):
    """A migration step after any that rebuilds the quote table on SQLite (adding a column
    with a default copies the table, and its triggers are lost with the old one)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for trigger in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for sql in SQLITE_INDEX[1:]:  # the triggers, then a rebuild of the index
        schema_editor.execute(sql)


def drop_engine_index(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE commentary_quote DROP COLUMN search_vector")
    elif vendor == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {trigger}")
        schema_editor.execute("DROP TABLE commentary_quote_fts")


def _alias(compiler, col):
    return compiler.quote_name_unless_alias(col.alias)


class FullTextMatch(Lookup):
    """``Quote.objects.filter(pk__fulltext=groups)``: rows the full-text index matches.

    ``groups`` are ``words.Term`` alternatives (see ``words.parse_query``). Registered
    on ``Quote``'s primary key only, so it can't be applied to anything else.
    """

    lookup_name = "fulltext"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            column = f"{_alias(compiler, self.lhs)}.search_vector"
            return f"{column} @@ to_tsquery('simple', %s)", [words.to_tsquery(self.rhs)]
        if connection.vendor == "sqlite":
            sql = (
                f"{lhs} IN (SELECT rowid FROM commentary_quote_fts "  # noqa: S608
                "WHERE commentary_quote_fts MATCH %s)"
            )
            return sql, [*params, words.to_fts5(self.rhs)]
        raise NotSupportedError("Full-text search needs PostgreSQL or SQLite.")


class SearchRank(Func):
    """How well a statement matches ``groups``: higher is better, and words in the statement
    itself weigh more than in its speakers' names or its sources.

    PostgreSQL: ``ts_rank_cd`` over the weighted ``tsvector``. SQLite: FTS5's ``bm25()``
    is only available inside the full-text query itself, and evaluating that query once per
    row took seconds for a few thousand hits, so each term found in the text counts 2, each
    found only in the names 1, and all the terms next to each other in the text 3 more.
    """

    output_field = FloatField()

    def __init__(self, groups):
        super().__init__(F("search_text"), F("search_names"))
        self.groups = groups

    def as_sql(self, compiler, connection, **extra):
        text, names = self.source_expressions
        if connection.vendor == "postgresql":
            column = f"{_alias(compiler, text)}.search_vector"
            return f"ts_rank_cd({column}, to_tsquery('simple', %s))", [
                words.to_tsquery(self.groups)
            ]
        if connection.vendor == "sqlite":
            text_sql, _params = compiler.compile(text)
            names_sql, _params = compiler.compile(names)
            terms = [term for group in self.groups for term in group]
            parts, params = [], []
            for term in terms:
                needle = " " + " ".join(term.tokens) + ("" if term.prefix else " ")
                parts.append(
                    f"(CASE WHEN instr(' ' || {text_sql} || ' ', %s) THEN 2 "
                    f"WHEN instr(' ' || {names_sql} || ' ', %s) THEN 1 ELSE 0 END)"
                )
                params += [needle, needle]
            if len(terms) > 1:  # the words next to each other, in the query's order
                parts.append(f"(CASE WHEN instr(' ' || {text_sql} || ' ', %s) THEN 3 ELSE 0 END)")
                params.append(" " + " ".join(token for t in terms for token in t.tokens) + " ")
            return "(" + " + ".join(parts or ["0"]) + ")", params
        raise NotSupportedError("Full-text search needs PostgreSQL or SQLite.")
