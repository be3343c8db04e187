"""Editors' accounts: Django's user admin, with a form that saves an unchanged user unchanged
(its date fields show whole seconds; the stored microseconds must survive a save)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from .base import KeepsStoredValues


class AccountForm(KeepsStoredValues, UserChangeForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = AccountForm
