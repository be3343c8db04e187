"""The optimistic lock's version field (django-concurrency), as every editable model has it."""

from concurrency import forms as concurrency_forms
from concurrency.fields import AutoIncVersionField


class VersionFormField(concurrency_forms.VersionField):
    """The signed version a form was opened with. Never something the editor changes: an
    empty extra inline row is not "changed" because its version is blank."""

    def has_changed(self, initial, data):
        return False


class LockVersionField(AutoIncVersionField):
    """Incremented by every save; a save carrying an older number is refused."""

    form_class = VersionFormField
