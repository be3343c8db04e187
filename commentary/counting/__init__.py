"""Stored counts: statements per expert, country, topic, collection and source, experts
per country, the archive's totals. Defined and recounted in ``stored``, kept current by
``receivers``, checked by ``manage.py recount --check``."""
