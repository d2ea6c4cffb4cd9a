"""Back office for users: a user sees the accounts of its own region, read-only.

Accounts are created with `fangpin create-user` (or by a superuser here), so that the role
and region always match (accounts.services.user_create checks that).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from fangpin.core.admin import ScopedAdminMixin

from .models import User


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):  # type: ignore[misc]
    region_field = "region__prefix_code"
    list_display = ("username", "first_name", "role", "region", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name")
    list_select_related = ("region",)
    raw_id_fields = ("region",)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份", {"fields": ("first_name", "phone", "role", "region")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "region", "password1", "password2"),
            },
        ),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Others read the account, never its password field.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "password"]})
            for name, opts in fieldsets
        ]
