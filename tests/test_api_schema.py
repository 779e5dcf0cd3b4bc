"""The API's OpenAPI document and its docs page: valid, fully described, read-only, served by the
app itself; and the API keeps to the document, on the demo and under generated requests."""

import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api_router import router

pytestmark = pytest.mark.django_db

GENERATED_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def schema(client) -> dict:
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _undescribed_properties(schema: dict, where: str) -> list[str]:
    """Every property of ``schema`` (and of objects inside it) that has no description."""
    missing = []
    for name, prop in (schema.get("properties") or {}).items():
        here = f"{where}.{name}"
        if not (prop.get("description") or "").strip():
            missing.append(here)
        missing += _undescribed_inside(prop, here)
    return missing


def _undescribed_inside(schema: dict, where: str) -> list[str]:
    missing = _undescribed_properties(schema, where) if "properties" in schema else []
    if isinstance(schema.get("items"), dict):
        missing += _undescribed_inside(schema["items"], f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        missing += _undescribed_inside(schema["additionalProperties"], f"{where}{{}}")
    for combined in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combined, []):
            missing += _undescribed_inside(part, where)
    return missing


# The document


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_generates_without_warnings(tmp_path):
    # Warnings are how drf-spectacular says it guessed: a type, an enum's name, a view's model.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_field_has_a_description(schema):
    missing = []
    for name, component in schema["components"]["schemas"].items():
        missing += _undescribed_properties(component, name)
    for path, method, operation in _operations(schema):
        for status, response in operation.get("responses", {}).items():
            for media_type in response.get("content", {}).values():
                missing += _undescribed_inside(media_type.get("schema", {}), f"{method} {path} {status}")
    assert not missing, "\n".join(missing)


def test_every_parameter_has_a_description(schema):
    missing = [
        f"{method} {path} {parameter['in']}:{parameter['name']}"
        for path, method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not (parameter.get("description") or "").strip()
    ]
    assert not missing, "\n".join(missing)


def test_every_operation_has_a_summary_and_a_description(schema):
    missing = [
        f"{method} {path}"
        for path, method, operation in _operations(schema)
        if not (operation.get("summary") or "").strip() or not (operation.get("description") or "").strip()
    ]
    assert not missing, "\n".join(missing)


def test_every_operation_is_filed_under_one_described_tag(schema):
    described = {tag["name"] for tag in schema.get("tags", []) if tag.get("description")}
    misfiled = {
        f"{method} {path}": operation.get("tags")
        for path, method, operation in _operations(schema)
        if len(operation.get("tags", [])) != 1 or operation["tags"][0] not in described
    }
    assert misfiled == {}


def test_tags_name_collections_not_the_version(schema):
    tags = {tag for _path, _method, operation in _operations(schema) for tag in operation.get("tags", [])}
    assert tags == {prefix for prefix, _viewset, _basename in router.registry}


def test_every_route_of_the_router_is_documented(schema):
    paths = set(schema["paths"])
    missing = []
    for prefix, viewset, _basename in router.registry:
        if f"/api/v1/{prefix}/" not in paths:
            missing.append(f"/api/v1/{prefix}/")
        if hasattr(viewset, "retrieve") and not any(re.fullmatch(rf"/api/v1/{prefix}/\{{\w+\}}/", p) for p in paths):
            missing.append(f"/api/v1/{prefix}/{{…}}/")
    assert not missing, "\n".join(missing)


def test_schema_documents_reads_only(schema):
    methods = {method for _path, method, _operation in _operations(schema)}
    assert methods == {"get"}


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    undocumented = []
    for path, method, operation in _operations(schema):
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        expected = {"429", "503"} | ({"400"} if "query" in locations else set())
        expected |= {"404"} if "path" in locations else set()
        for status in expected:
            content = operation["responses"].get(status, {}).get("content", {})
            if content.get("application/json", {}).get("schema") != error:
                undocumented.append(f"{method} {path} {status}")
    assert not undocumented, "\n".join(undocumented)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"status", "detail"}


@pytest.mark.parametrize("status", ["429", "503"])
def test_throttled_and_unavailable_answers_document_retry_after(schema, status):
    answer = schema["paths"]["/api/v1/actors/"]["get"]["responses"][status]
    assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def test_lists_document_their_cursor_pages(schema):
    paginated = schema["components"]["schemas"]["PaginatedActorList"]
    assert set(paginated["required"]) == {"next", "previous", "results"}
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/actors/"]["get"]["parameters"]}
    assert {"cursor", "page_size", "ordering"} <= parameters


def test_ordering_parameter_lists_its_fields(schema):
    ordering = next(
        parameter
        for parameter in schema["paths"]["/api/v1/actors/"]["get"]["parameters"]
        if parameter["name"] == "ordering"
    )
    assert "Fields: `" in ordering["description"]


def test_the_feed_documents_syncing_by_position(schema):
    operation = schema["paths"]["/api/v1/changes/"]["get"]
    after = next(parameter for parameter in operation["parameters"] if parameter["name"] == "after")
    assert after["schema"]["type"] == "integer" and after["schema"]["minimum"] == 0
    assert "highest `position`" in after["description"]
    assert "`after`" in operation["description"]
    position = schema["components"]["schemas"]["Change"]["properties"]["position"]
    assert position["type"] == "integer" and position["description"]


def test_schema_is_served_as_yaml_by_default_and_as_json_on_request(client):
    assert client.get(reverse("api-schema"))["Content-Type"].startswith("application/vnd.oai.openapi")
    as_json = client.get(reverse("api-schema"), headers={"Accept": "application/json"})
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["info"]["title"] == "Newsroom relations API"


# The docs page


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"])


def _docs_assets(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


def test_docs_page_loads_only_assets_the_app_serves(live_server):
    with urllib.request.urlopen(f"{live_server.url}/api/docs/", timeout=10) as response:
        html = response.read().decode()
    assets = _docs_assets(html)
    assert len(assets) >= 3  # Swagger UI's script, its preset and its stylesheet at least
    # The static files, and the page's own start-up script (the policy allows no inline one).
    elsewhere = [url for url in assets if urlsplit(url).netloc or not url.startswith(("/static/", "/api/docs/?script"))]
    assert elsewhere == []
    for url in assets:
        with urllib.request.urlopen(f"{live_server.url}{url}", timeout=10) as response:
            assert response.status == 200, url
            assert response.read(), url


def test_docs_page_reads_the_schema_from_this_app(client):
    html = client.get(reverse("api-docs")).content.decode()
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()
    for text in (html, script.content.decode()):
        assert "//cdn" not in text and "unpkg" not in text and "jsdelivr" not in text


def test_docs_page_answers_an_options_request(client):
    response = client.options(reverse("api-docs"))
    assert response.status_code == 200
    assert "GET" in response["Allow"]


# The API keeps to the document


def _wsgi_app():
    from config.wsgi import application

    return application


@pytest.fixture
def wsgi_app(db):
    """The deployed WSGI application, called in this thread so that it sees the test's data.

    Django closes database connections when a request finishes; inside a test's
    transaction that would throw the data away, so (like Django's test client)
    the signal is held back meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _wsgi_app()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(demo, wsgi_app, settings):
    # Thousands of requests in seconds: the throttle is not what is under test here.
    settings.API_ANON_RATE = "1000000/minute"
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


def _path_parameters(template: str, path: str) -> dict[str, str] | None:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    match = re.fullmatch(pattern, path)
    return match.groupdict() if match else None


def _api_links(value) -> list[str]:
    """Every API address an answer links to, wherever it sits in the body."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in _api_links(item)]
    if isinstance(value, list):
        return [link for item in value for link in _api_links(item)]
    if isinstance(value, str) and value.startswith("http://localhost/api/v1/"):
        return [value.removeprefix("http://localhost")]
    return []


def _summary(error: BaseException) -> list[str]:
    """Schemathesis's failures, a line each: what broke and where in the schema."""
    failures = error.exceptions if isinstance(error, BaseExceptionGroup) else [error]
    return [" ".join(str(getattr(failure, "message", failure)).split())[:300] for failure in failures]


def test_every_answer_on_the_demo_keeps_to_the_schema(api_schema):
    """Every page of every list, and every address they link to, followed until none is new."""
    operations = [(path, api_schema[path]["GET"]) for path in api_schema.raw_schema["paths"]]
    to_visit = [reverse(f"{basename}-list") for *_, basename in router.registry]
    seen, failures = set(), {}
    while to_visit:
        address = to_visit.pop()
        if address in seen:
            continue
        seen.add(address)
        split = urlsplit(address)
        matches = [(operation, _path_parameters(template, split.path)) for template, operation in operations]
        matches = [(operation, parameters) for operation, parameters in matches if parameters is not None]
        if not matches:
            failures[address] = "no operation in the schema answers this address"
            continue
        operation, parameters = matches[0]
        case = operation.Case(path_parameters=parameters, query=dict(parse_qsl(split.query)))
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:  # collected, then all shown together
            failures[address] = _summary(error)
        to_visit += _api_links(response.json())
    assert not failures, "\n".join(f"{address}: {problems}" for address, problems in failures.items())
    assert len(seen) > 30


def _fuzz(operation, mode: GenerationMode) -> None:
    @hypothesis.settings(
        max_examples=GENERATED_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same requests on every run, so CI never fails by luck
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


def test_generated_requests_find_no_server_error_and_no_answer_outside_the_schema(api_schema):
    """Schemathesis's valid and invalid requests to every operation, on the demo: whatever is
    asked, the answer is not a 5xx, has a documented status and content type, and matches its schema."""
    failures = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode)
            except (AssertionError, BaseExceptionGroup) as error:
                failures[f"{operation.label} ({mode.value})"] = _summary(error)
    assert not failures, "\n".join(f"{label}: {problems}" for label, problems in failures.items())
    assert len(operations) == len(list(_operations(api_schema.raw_schema)))
