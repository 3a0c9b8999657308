"""Write helpers every app's services share: validated, versioned, transactional saves.

They turn Django's ``ValidationError``/``ProtectedError`` into domain errors so a
bad request can never leave half a change behind and always names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from altitude.core.errors import Conflict, InvalidInput, StaleVersion, VersionRequired
from altitude.core.models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


def invalid_from(exc: ValidationError) -> InvalidInput:
    """The first field error becomes the message; all of them travel in ``errors``."""
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        field, messages = next(iter(errors.items()))
        name = None if field == "__all__" else field
        prefix = f"{name}: " if name else ""
        return InvalidInput(prefix + messages[0], field=name, errors=errors)
    return InvalidInput("; ".join(exc.messages))


def validate_and_save(obj: M) -> M:
    """Full model validation, then save; integrity races become a clear 422."""
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    except IntegrityError as exc:  # a concurrent insert beat the uniqueness check
        raise InvalidInput(f"This conflicts with an existing record: {exc}") from exc
    return obj


def check_version(current: int, expected: int | None, label: str) -> None:
    if expected is None:
        raise VersionRequired(
            f"Send the version of the {label} you edited (If-Match header or 'version' field).",
            field="version",
        )
    if current != expected:
        raise StaleVersion(
            f"The {label} was changed by someone else (now version {current}, you edited version "
            f"{expected}). Reload it and apply your change again.",
            field="version",
        )


def update_versioned(obj: M, expected_version: int | None, changes: Mapping[str, Any], label: str) -> M:
    """Apply ``changes`` only if nobody saved since ``expected_version``; all or nothing."""
    if expected_version is None:
        check_version(obj.version, None, label)
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
        check_version(locked.version, expected_version, label)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.version += 1
        validate_and_save(locked)
    return locked  # type: ignore[no-any-return]


def delete_checked(obj: models.Model, label: str) -> None:
    """Delete, or explain which dependent rows block it (nothing is deleted then)."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = sorted({str(o._meta.verbose_name_plural) for o in exc.protected_objects} if isinstance(exc, ProtectedError) else {str(o._meta.verbose_name_plural) for o in exc.restricted_objects})
        raise Conflict(f"The {label} still has {', '.join(blockers)}; move or delete them first.") from exc
