"""Back office for the registry, scoped to the user's region (see core.admin).

Derived values (head name, member count, per-capita income) and membership changes are kept
by registry.services, so the admin leaves them read-only; households, members' attributes,
guarantees and archive titles may be corrected here by the roles that keep the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fangpin.core import idcard
from fangpin.core.admin import ScopedAdmin
from fangpin.core.idcard import mask, mask_phone

from .choices import WRITER_ROLES
from .models import ArchiveDocument, Guarantee, Household, IncomeRecord, Membership, Person


class RegistryAdmin(ScopedAdmin):
    write_roles = WRITER_ROLES

    # Column names to show masked to roles that do not see personal data. The choice is made
    # per request (ModelAdmin instances are shared between requests).
    masked_columns: dict[str, str] = {}

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        if self._hides_personal(request):
            columns = [self.masked_columns.get(c, c) for c in columns]
        return columns


@admin.register(Household)
class HouseholdAdmin(RegistryAdmin):
    list_display = (
        "number",
        "head_name",
        "village",
        "member_count",
        "is_alleviated",
        "phone",
    )
    list_filter = ("is_alleviated",)
    search_fields = ("=number", "head_name")
    list_select_related = ("village",)
    raw_id_fields = ("village", "grid")
    readonly_fields = ("number", "village", "head_name", "member_count", "created_at")
    personal_fields = frozenset({"phone"})

    masked_columns = {"phone": "phone_masked"}

    @admin.display(description="联系电话")
    def phone_masked(self, obj: Household) -> str:
        return mask_phone(obj.phone)


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    list_display = ("name", "id_number", "sex", "birth_date", "health", "labour")
    search_fields = ("name",)
    readonly_fields = ("id_number", "sex", "birth_date")
    personal_fields = frozenset({"id_number", "phone"})

    masked_columns = {"id_number": "id_masked"}

    @admin.display(description="身份证号")
    def id_masked(self, obj: Person) -> str:
        return mask(obj.id_number)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        """Names as usual; a whole ID number exactly (it is stored encrypted: no partial
        match)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if idcard.normalise(search_term) is not None:
            found = found | queryset.with_id_number(search_term)  # type: ignore[attr-defined]
        return found, duplicates


@admin.register(Membership)
class MembershipAdmin(RegistryAdmin):
    # Joining and leaving go through the household page (services keep the household's
    # head and size right), so memberships are read here.
    write_roles = frozenset()
    list_display = ("household", "person", "relation", "started_on", "ended_on", "end_reason")
    list_select_related = ("household", "person")
    search_fields = ("=household__number", "person__name")
    raw_id_fields = ("household", "person")


@admin.register(IncomeRecord)
class IncomeRecordAdmin(RegistryAdmin):
    write_roles = frozenset()  # per-capita income is computed by the service
    list_display = ("household", "year", "recorded_on", "per_capita_net", "net_income", "members")
    list_filter = ("year",)
    list_select_related = ("household",)
    search_fields = ("=household__number", "household__head_name")
    raw_id_fields = ("household", "recorded_by")


@admin.register(Guarantee)
class GuaranteeAdmin(RegistryAdmin):
    list_display = (
        "household",
        "food_ok",
        "clothing_ok",
        "education_ok",
        "medical_ok",
        "housing_grade",
        "water_ok",
        "assessed_on",
    )
    list_filter = ("housing_grade", "water_ok", "medical_ok", "education_ok")
    list_select_related = ("household",)
    search_fields = ("=household__number", "household__head_name")
    readonly_fields = ("household",)


@admin.register(ArchiveDocument)
class ArchiveDocumentAdmin(RegistryAdmin):
    list_display = ("title", "kind", "household", "uploaded_at", "uploaded_by")
    list_select_related = ("household", "uploaded_by")
    search_fields = ("title", "=household__number")
    readonly_fields = ("household", "file", "uploaded_by", "uploaded_at")
