"""What the OpenAPI document says beyond what drf-spectacular infers from the views: the error
answers every operation shares, and descriptions it would otherwise drop."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension


class DescribedFilterExtension(DjangoFilterExtension):
    """django-filter parameters keep their ``help_text`` when their type comes from ``@extend_schema_field``.

    drf-spectacular takes such a parameter's description from the overriding schema
    only, and a type shared by several filters cannot carry each one's meaning.
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        help_text = filter_field.extra.get("help_text") or filter_field.label
        for parameter in parameters:
            if help_text and not parameter.get("description"):
                parameter["description"] = str(help_text)
        return parameters


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one shape of every error the API answers.",
    "required": ["status", "detail"],
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated for clients that log bodies."},
        "detail": {"type": "string", "description": "What went wrong, in a sentence for a person."},
        "errors": {
            "type": "object",
            "description": "On 400 only: each offending parameter, with the reasons it was refused.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERROR_RESPONSES = {
    "400": "A parameter has a value the API cannot use (a malformed date, an unknown ordering field, a "
    "tampered cursor…): `errors` names each one and says why.",
    "404": "Nothing is published at this address.",
    "429": "Too many requests from this client: wait the number of seconds in `Retry-After`.",
    "503": "The service cannot reach its database just now: try again after the number of seconds in `Retry-After`.",
}
# The answers that say when to come back.
RETRY_AFTER = {
    "429": "Seconds to wait before the next request.",
    "503": "Seconds to wait before trying again.",
}


PATH_PARAMETER_DESCRIPTIONS = {
    "slug": "The object's slug: the last part of its `url`, also given as `slug` in lists.",
    "id": "The object's id: the last part of its `url`, also given as `id` in lists.",
}


def document_path_parameters(result, generator, request, public):
    """Schema hook: an address's ``{slug}`` or ``{id}`` says what it is where its model field does not."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and not parameter.get("description"):
                    description = PATH_PARAMETER_DESCRIPTIONS.get(parameter["name"])
                    if description:
                        parameter["description"] = description
    return result


def document_errors(result, generator, request, public):
    """Schema hook: every operation documents the errors it can answer, in their one shape.

    400 where the operation takes query parameters, 404 where its address names an
    object, 429 everywhere (the throttle covers the whole API), and 503 everywhere
    (the database out of reach).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            locations = {parameter.get("in") for parameter in operation.get("parameters", [])}
            codes = [code for code, needed in (("400", "query" in locations), ("404", "path" in locations)) if needed]
            responses = operation.setdefault("responses", {})
            for code in [*codes, "429", "503"]:
                answer = {"description": ERROR_RESPONSES[code], "content": reference}
                if code in RETRY_AFTER:
                    answer["headers"] = {
                        "Retry-After": {"description": RETRY_AFTER[code], "schema": {"type": "integer"}}
                    }
                responses.setdefault(code, answer)
    return result
