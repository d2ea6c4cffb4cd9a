"""Model fields for ID numbers at rest (see `idcrypt`).

`EncryptedIdField` holds the number encrypted in the database and in clear on the instance:
`person.id_number` reads as before. It cannot be filtered on (a fresh nonce makes every
ciphertext different): look up by `IdHashField`, which fills itself from the number on every
insert and save, `bulk_create` included.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from . import idcrypt


class EncryptedIdField(models.CharField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 80)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return idcrypt.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or idcrypt.is_encrypted(value):
            return value
        return idcrypt.encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: look persons up by their ID hash "
                "(Person.objects.with_id_number)"
            )
        return super().get_lookup(lookup_name)


class IdHashField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of the field named `source` (a normalised ID number)."""

    def __init__(self, *args: Any, source: str = "id_number", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        number = getattr(model_instance, self.source)
        value = idcrypt.digest(number) if number else None
        setattr(model_instance, self.attname, value)
        return value
