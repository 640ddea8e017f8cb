"""Every resource passes fhir.resources' R4B model before it is written or read.

The models check the structure FHIR R4 defines (required elements, one value
per choice element, no unknown elements, date and number formats). Problems
become one line naming the first element at fault, as the CLI's exit-2 rule
asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

#: How much of a validation message is kept: enough to find the element.
MAX_MESSAGE = 200


class InvalidResource(ValueError):
    """A resource breaks FHIR R4's structure; the message is one line."""


def _where(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(the resource)"


def describe(exc: ValidationError, resource_type: str) -> str:
    """The first problem pydantic found, on one line, with a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    message = " ".join(str(first["msg"]).split())[:MAX_MESSAGE]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"not a valid FHIR {resource_type}: {_where(first)}: {message}{more}"


def validated(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource as the R4B model for its resourceType reads it, ready for JSON.

    Raises InvalidResource when the model refuses it: for what BackCare builds
    that is a bug, for what it reads it is the sender's mistake.
    """
    resource_type = resource.get("resourceType")
    try:
        model_class = get_fhir_model_class(str(resource_type))
    except ValueError:
        raise InvalidResource(f"{resource_type!r} is not a FHIR R4 resource type") from None
    try:
        model = model_class.model_validate(dict(resource))
    except ValidationError as exc:
        raise InvalidResource(describe(exc, str(resource_type))) from None
    return model.model_dump(mode="json", exclude_none=True)
