"""Procedure documents filed in the household archive for a case."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fangpin.accounts.models import Role, User
from fangpin.core.errors import BadValue, Forbidden
from fangpin.core.scoping import get_scoped
from fangpin.registry.models import ArchiveDocument
from fangpin.registry.services import archive_document_add

from ..models import Case
from .common import _event

# Documents of the procedure, kept in the household archive (户档) under these kinds.
ATTACHMENT_KINDS: dict[str, str] = {
    "visit_form": "入户核实表",
    "consent": "授权承诺书",
    "minutes": "民主评议记录",
    "notice_photo": "公示照片",
    "other": "其他",
}
ATTACHMENT_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY})


@transaction.atomic
def case_attachment_add(
    *, user: User, case_id: int, kind: str, file: Any, title: str = "", filename: str | None = None
) -> ArchiveDocument:
    """File a procedure document (visit form, consent, minutes, notice photo) for the case."""
    case = get_scoped(Case.objects.select_related("household"), user, pk=case_id)
    if user.role not in ATTACHMENT_ROLES:
        raise Forbidden("您的角色不能上传办理材料")
    if kind not in ATTACHMENT_KINDS:
        raise BadValue(
            f"材料类别应为:{'、'.join(ATTACHMENT_KINDS)}", code="invalid_attachment_kind"
        )
    label = ATTACHMENT_KINDS[kind]
    document = archive_document_add(
        user=user,
        household_id=case.household_id,
        kind=label,
        title=title.strip() or f"{label}({case.get_state_display()})",
        file=file,
        filename=filename,
    )
    _event(
        case=case,
        user=user,
        action="attach",
        from_state=case.state,
        body={"document_id": document.pk, "kind": kind, "title": document.title},
    )
    return document
