"""Old URLs keep working: a renamed or merged record's former slugs redirect (301).

When an expert, organisation, outlet, topic or collection changes its slug, the old one is
kept as a ``FormerSlug``; merging moves the duplicate's slugs to the survivor. The detail
views and feeds find a record with ``by_slug``: current slugs first, then former ones
(``Moved`` carries the 301), and ``follows_renames`` answers it.

Receivers (the core's only ones, connected by ``connect()`` from ``apps.ready``):
``pre_save`` of each slugged model runs ``_remember_old_slug``, its ``post_save`` runs
``_retire_old_slug``, which keeps the old slug as a former one.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save
from django.http import Http404, HttpResponsePermanentRedirect

from .models import Collection, Expert, FormerSlug, Organization, Outlet, Topic

SLUGGED = (Expert, Organization, Outlet, Topic, Collection)


def retire(obj, slug):
    """Keep ``slug`` as a former slug of ``obj`` (taking it over from anyone else)."""
    content_type = ContentType.objects.get_for_model(obj)
    FormerSlug.objects.update_or_create(
        content_type=content_type, slug=slug, defaults={"object_id": obj.pk}
    )


def move_former_slugs(duplicate, survivor):
    """A merged duplicate's slug and former slugs now lead to the survivor."""
    content_type = ContentType.objects.get_for_model(survivor)
    FormerSlug.objects.filter(content_type=content_type, object_id=duplicate.pk).update(
        object_id=survivor.pk
    )
    retire(survivor, duplicate.slug)


def redirect_or_404(queryset, slug):
    """For a slug no current record has: 301 to the record that used to have it, if it is
    still in ``queryset`` (the public ones), else 404."""
    model = queryset.model
    former = FormerSlug.objects.filter(
        content_type=ContentType.objects.get_for_model(model), slug=slug
    ).first()
    if former is not None:
        current = queryset.filter(pk=former.object_id).first()
        if current is not None:
            return HttpResponsePermanentRedirect(current.get_absolute_url())
    raise Http404(f"No {model._meta.verbose_name} has the slug {slug!r}.")


class Moved(Exception):
    """The slug asked for is a former one: answer with ``response`` (a 301)."""

    def __init__(self, response):
        self.response = response


def by_slug(queryset, slug):
    """The record with ``slug``; a renamed or merged one's old slug raises ``Moved``."""
    obj = queryset.filter(slug=slug).first()
    if obj is None:
        raise Moved(redirect_or_404(queryset, slug))
    return obj


def follows_renames(view):
    """Detail views by slug: a former slug answers 301 to the current URL, query kept."""

    def wrapper(request, slug, **kwargs):
        try:
            return view(request, slug, **kwargs)
        except Moved as moved:
            response = moved.response
            if request.META.get("QUERY_STRING"):
                response["Location"] += "?" + request.META["QUERY_STRING"]
            return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _remember_old_slug(sender, instance, raw=False, **kwargs):
    if instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._retired_slug = old if old and old != instance.slug else None


def _retire_old_slug(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_retired_slug", None)
    if old:
        retire(instance, old)
        instance._retired_slug = None
    # A slug in use again by a live record is no longer a former one of anything.
    FormerSlug.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), slug=instance.slug
    ).delete()


def connect():
    for model in SLUGGED:
        uid = f"slugs.{model._meta.model_name}"
        pre_save.connect(_remember_old_slug, sender=model, dispatch_uid=uid)
        post_save.connect(_retire_old_slug, sender=model, dispatch_uid=uid)
