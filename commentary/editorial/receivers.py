"""Where the editorial room listens to the rest of the app: every receiver it has,
connected here and nowhere else (``apps.ready`` calls ``connect()``, after
``history.register()`` has put the records under django-reversion).

- ``pre_save`` of every model: ``history.raw_save_adopts_version``, a fixture's raw save
  (``loaddata``, ``load_seed``) takes the row's current lock number.
- ``pre_save`` of the reviewed models (statements, collections):
  ``workflow.remember_status`` notes the stored status.
- ``post_save`` of the reviewed models: ``workflow.record_transition`` logs a change of
  status as a ``StatusChange``, with the user of the surrounding revision.
"""

from django.db.models.signals import post_save, pre_save

from . import history, workflow

UID = "commentary.editorial"


def connect():
    pre_save.connect(history.raw_save_adopts_version, dispatch_uid=f"{UID}.raw-version")
    for model in workflow.reviewed_models():
        uid = f"{UID}.status.{model._meta.model_name}"
        pre_save.connect(workflow.remember_status, sender=model, dispatch_uid=uid)
        post_save.connect(workflow.record_transition, sender=model, dispatch_uid=uid)
