"""Back office for supervision: the scoring scheme is data the city edits here."""

from __future__ import annotations

from django.contrib import admin

from fangpin.core.admin import ScopedAdmin

from .models import ScoringScheme


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(ScopedAdmin):
    scope = False  # one scheme per year for the whole task list
    write_roles = frozenset({"city"})
    may_add = True
    list_display = ("year", "mapping", "overdue_deduction", "max_deduction", "report_due_day")
