"""Merging duplicate experts and outlets into one survivor.

Everything that pointed at a duplicate moves to the survivor (statements, roles, other names;
sources), blank fields of the survivor are filled from the duplicate, the duplicate's names
become other names of the survivor, its slugs redirect to the survivor (301), and the
duplicate is deleted. All in one transaction and one history revision.
"""

from django.db import transaction

from .. import slugs
from ..models import Affiliation, ExpertName, QuoteSpeaker, Source

EXPERT_FILLABLE = ["name_zh", "country", "bio", "wikidata_id"]
OUTLET_FILLABLE = ["name_zh", "country", "homepage"]


class MergeError(Exception):
    pass


def _fill_blanks(survivor, duplicate, fields):
    for name in fields:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))


@transaction.atomic
def merge_experts(survivor, duplicates):
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise MergeError("Choose at least one other expert to merge.")
    for duplicate in duplicates:
        _merge_expert(survivor, duplicate)
    survivor.save()
    return survivor


def _merge_expert(survivor, duplicate):
    # Statements: a joint statement of both keeps one speaker row, the survivor's.
    both = QuoteSpeaker.objects.filter(expert=survivor).values("quote")
    for row in QuoteSpeaker.objects.filter(expert=duplicate, quote__in=both):
        row.delete()
    for row in QuoteSpeaker.objects.filter(expert=duplicate):
        row.expert = survivor
        row.save()
    for role in Affiliation.objects.filter(expert=duplicate):
        role.expert = survivor
        role.save()
    known = {survivor.name, survivor.name_zh} | set(
        ExpertName.objects.filter(expert=survivor).values_list("name", flat=True)
    )
    for other in ExpertName.objects.filter(expert=duplicate):
        if other.name in known:
            other.delete()
            continue
        other.expert = survivor
        other.save()
        known.add(other.name)
    for name, language in ((duplicate.name, ""), (duplicate.name_zh, "zh-Hans")):
        if name and name not in known:
            note = f"merged from {duplicate.slug}"
            ExpertName.objects.create(expert=survivor, name=name, language=language, note=note)
            known.add(name)
    _fill_blanks(survivor, duplicate, EXPERT_FILLABLE)
    slugs.move_former_slugs(duplicate, survivor)
    duplicate.delete()


@transaction.atomic
def merge_outlets(survivor, duplicates):
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise MergeError("Choose at least one other outlet to merge.")
    for duplicate in duplicates:
        for source in Source.objects.filter(outlet=duplicate):
            source.outlet = survivor
            source.save()
        _fill_blanks(survivor, duplicate, OUTLET_FILLABLE)
        slugs.move_former_slugs(duplicate, survivor)
        duplicate.delete()
    survivor.save()
    return survivor
