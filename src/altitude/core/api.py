"""API plumbing shared by every router: error translation and version negotiation."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from altitude.core.errors import DomainError

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client edited: ``If-Match`` wins over a ``version`` body field."""
    header = request.headers.get("If-Match")
    if header:
        match = _ETAG.match(header)
        if match:
            return int(match.group(1))
    return body_version


def install_error_handlers(api: NinjaAPI) -> None:
    """Translate domain errors once, for every router."""

    def on_domain_error(request: HttpRequest, exc: DomainError | type[DomainError]) -> HttpResponse:
        assert isinstance(exc, DomainError)
        return api.create_response(request, exc.as_dict(), status=exc.status)

    api.add_exception_handler(DomainError, on_domain_error)
