"""OpenAPI schema additions: the one error shape, documented on every operation.

drf-spectacular documents the success responses it can see; the error
answers come from ``stanchion.api.errors`` and are added here, so clients
(and the schema fuzzing in the test suite) know every status an operation
can give.
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Field name -> messages, for invalid input.",
                    "additionalProperties": True,
                },
                "current": {
                    "type": "object",
                    "description": "On a version conflict: the record as it is now.",
                    "additionalProperties": True,
                },
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input; `fields` names each field in error.",
    "401": "Not authenticated, or the token is invalid, expired or revoked.",
    "403": "Your role (or a read-only token) does not allow this.",
    "404": "No such record, or not one you may see.",
    "405": "Method not allowed.",
    "409": "A version conflict (the record changed) or the record is still in use.",
    "412": "The If-Match version is stale; `current` holds the record as it is now.",
    "415": "Send JSON (Content-Type: application/json).",
    "406": "Only JSON responses are available.",
}

_WRITE_METHODS = {"post", "put", "patch", "delete"}


def _statuses(path, method):
    statuses = {"400", "401", "403", "405", "406"}
    if "{" in path:
        statuses.add("404")
    if method in _WRITE_METHODS:
        statuses |= {"409", "415"}
    if method in {"put", "patch", "delete"}:
        statuses.add("412")
    return statuses


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method.startswith("x-") or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, method)):
                responses.setdefault(
                    status,
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
