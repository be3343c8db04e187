"""Importing a whole compilation (a round-up, an "experts react", a translated digest).

- ``text.py`` reads the upload (UTF-8 only, size and line limits) and parses the layout
  round-ups use, in Chinese and English, into sections, speakers and paragraphs with their
  citations; it knows nothing of the database.
- ``preview.py`` is what the importer proposes: each statement with its speakers matched to
  experts and roles, its outlet, its likely duplicates, and every line it could not place;
  the same structure feeds the admin's preview, ``--format json`` and the import.
- ``apply.py`` writes a preview in one transaction, as drafts, and recognises a text it has
  imported before.
"""
