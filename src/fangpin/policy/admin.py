"""Back office for policy: every role reads the lines and parameters, only the city edits.

Edits go through policy.services, so the admin checks the same role and values as the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from fangpin.core.admin import ScopedAdmin
from fangpin.core.errors import FangpinError

from .defaults import PARAMETERS
from .models import MonitoringLine, Parameter
from .services import monitoring_line_set, parameter_set

CITY_ONLY = frozenset({"city"})


@admin.register(MonitoringLine)
class MonitoringLineAdmin(ScopedAdmin):
    scope = False  # a province's line is the same for every region in it
    write_roles = CITY_ONLY
    may_add = True
    list_display = ("province", "year", "yuan")
    readonly_fields = ("province",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = monitoring_line_set(user=request.user, year=obj.year, yuan=obj.yuan)  # type: ignore[arg-type]
        except FangpinError as exc:
            messages.error(request, exc.detail)
            return
        obj.pk = saved.pk


@admin.register(Parameter)
class ParameterAdmin(ScopedAdmin):
    scope = False
    write_roles = CITY_ONLY
    list_display = ("key", "label", "value", "province")
    readonly_fields = ("province", "key")
    search_fields = ("key",)

    @admin.display(description="说明")
    def label(self, obj: Parameter) -> str:
        entry = PARAMETERS.get(obj.key)
        return f"{entry[1]}({entry[2]})" if entry else ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            parameter_set(user=request.user, key=obj.key, value=obj.value)  # type: ignore[arg-type]
        except FangpinError as exc:
            messages.error(request, exc.detail)
