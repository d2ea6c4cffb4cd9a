"""The back office (Django admin), scoped like everything else.

Only superusers may open it (accounts.backoffice); the scoping below stays as a second
line, so that the admin never shows more than the user's region: the list, the change form,
the history pages and the choices offered for foreign keys all go through `core.scoping`.
Django's per-model permission table is not used; the role decides (read for every role,
change for the roles listed in `write_roles`).
Nothing is deleted from the admin (the registry keeps everything), and history cannot be
reverted there (a revert would bypass the services' checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .idcard import mask, mask_phone
from .phone import phone_validator
from .scoping import region_q, scoped

if TYPE_CHECKING:
    from fangpin.accounts.models import User


def _acting_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return None
    return user  # type: ignore[return-value]


def scope_for_admin(qs: QuerySet[Any], user: User, field: str | None = None) -> QuerySet[Any]:
    """Limit `qs` to the user's region (superusers see everything).

    `field` overrides the model's `region_field` (e.g. users, whose model names none). A
    path through a to-many relation is applied as a primary-key subquery so that rows are
    not repeated.
    """
    if user.is_superuser:
        return qs
    own = getattr(qs.model, "region_field", None)
    if field is None or field == own:
        if own is None:
            raise TypeError(f"{qs.model.__name__} has no region_field; it cannot be scoped")
        if _through_many(qs.model, own):
            return qs.filter(pk__in=scoped(qs.model._default_manager.all(), user).values("pk"))
        return scoped(qs, user)
    prefix = user.region_prefix
    if prefix is None:
        return qs.none()
    if _through_many(qs.model, field):
        inner = qs.model._default_manager.filter(region_q(field, prefix)).values("pk")
        return qs.filter(pk__in=inner)
    return qs.filter(region_q(field, prefix))


def _through_many(model: type[Model], path: str) -> bool:
    """Whether a lookup path crosses a to-many relation (and would repeat rows)."""
    for name in path.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model  # type: ignore[assignment]
    return False


class ScopedAdminMixin:
    """ModelAdmin behaviour shared by every registered model.

    - `region_field`: path to the 12-digit village code, when the model names none or
      another path is wanted; `None` for region-less models (policy), see `scope = False`.
    - `write_roles`: roles that may change rows (superusers always may).
    - `may_add`: whether rows may be created here at all.
    """

    region_field: str | None = None
    scope: bool = True
    write_roles: frozenset[str] = frozenset()
    may_add: bool = False

    # --- what the user sees -------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        user = _acting_user(request)
        if user is None:
            return qs.none()
        if not self.scope:
            return qs
        return scope_for_admin(qs, user, self.region_field)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name.endswith("phone"):
            field.validators.append(phone_validator(str(db_field.verbose_name)))
        return field

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # A select box listing every household or village of the province would leak them.
        field: ModelChoiceField[Any] | None = super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        user = _acting_user(request)
        related: type[Model] = db_field.related_model  # type: ignore[assignment]
        if field is not None and user is not None and hasattr(related, "region_field"):
            field.queryset = scope_for_admin(field.queryset, user)  # type: ignore[arg-type]
        return field

    # --- what the user may do -----------------------------------------------------------
    def _may_write(self, request: HttpRequest) -> bool:
        user = _acting_user(request)
        if user is None:
            return False
        return user.is_superuser or user.role in self.write_roles

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _acting_user(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _acting_user(request) is not None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        user = _acting_user(request)
        if user is not None and user.is_superuser:
            return True
        return self.may_add and self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user = _acting_user(request)
        return user is not None and user.is_superuser

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        if not self.has_delete_permission(request):
            actions.pop("delete_selected", None)
        return actions

    # --- history (simple_history) -------------------------------------------------------
    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        # simple_history falls back to the last historical copy when the live row is not in
        # the queryset; that would show a row outside the region, so refuse first.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404("对象不存在或不在您的管辖范围内")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._require_in_scope(request, object_id)
        response: HttpResponse = super().history_view(  # type: ignore[misc]
            request, object_id, extra_context
        )
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._require_in_scope(request, object_id)
        if request.method == "POST" and self.revert_disabled(request):
            raise Http404("不能在后台恢复历史版本")
        response: HttpResponse = super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )
        return response

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user = _acting_user(request)
        return user is None or not user.is_superuser


class _MaskingHistoryHelper(HistoricalRecordContextHelper):
    """Shows personal fields masked in the change list of a history page."""

    def __init__(self, *args: Any, masked: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.masked = masked

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        if change.field in self.masked:
            return mask_phone(value) if "phone" in change.field else mask(value)
        return super().prepare_delta_change_value(change, value)


class ScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):  # type: ignore[misc]
    """The base for every Fangpin ModelAdmin of a model with history.

    `personal_fields` (ID numbers, phones) are left out of forms and masked in history for
    users whose role does not see personal data.
    """

    list_per_page = 50
    show_full_result_count = False  # a count of a million rows is slow and says little
    personal_fields: frozenset[str] = frozenset()

    def _hides_personal(self, request: HttpRequest) -> bool:
        user = _acting_user(request)
        return user is None or not (user.is_superuser or user.sees_personal_data)

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or ())
        if self._hides_personal(request):
            exclude += [f for f in self.personal_fields if f not in exclude]
        return exclude

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if self._hides_personal(request):
            fields = [f for f in fields if f not in self.personal_fields]
        return fields

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        if self._hides_personal(request):
            return _MaskingHistoryHelper(self.model, historical_record, masked=self.personal_fields)
        return super().get_historical_record_context_helper(request, historical_record)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A historical version shows every field in full; roles without personal data see
        # the change list only.
        if self.personal_fields and self._hides_personal(request):
            raise Http404("您的角色不能查看含个人信息的历史版本")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[misc]
    """The base for models without history (regions, grids, users)."""

    list_per_page = 50
    show_full_result_count = False


__all__ = ["ScopedAdmin", "ScopedAdminMixin", "ScopedModelAdmin", "scope_for_admin"]
