"""HTTP behaviour every address of the public API shares: caching, CORS, cookies, errors, throttling."""

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from config.api_router import router
from tests.test_settings import PRODUCTION, _manage

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")
ORIGIN = "https://partner.example"


def _items(body) -> list:
    return body["results"] if isinstance(body, dict) else body


def _api_routes(client) -> dict[str, str]:
    """Every address of the API on the loaded data: the root, each collection, one object
    of each (the first its list gives), that object's sub-resources, the schema and the docs."""
    routes = {"root": reverse("api-root"), "schema": reverse("api-schema"), "docs": reverse("api-docs")}
    for _prefix, viewset, basename in router.registry:
        list_url = reverse(f"{basename}-list")
        routes[f"{basename}-list"] = list_url
        detail_url = None
        if hasattr(viewset, "retrieve"):
            items = _items(client.get(list_url).json())
            assert items, f"the demo leaves {list_url} empty"
            detail_url = urlsplit(items[0]["url"]).path
            routes[f"{basename}-detail"] = detail_url
        for action in viewset.get_extra_actions():
            base = detail_url if action.detail else list_url
            if base is not None:
                routes[f"{basename}-{action.url_name}"] = f"{base}{action.url_path}/"
    return routes


@pytest.fixture
def routes(demo, client):
    return _api_routes(client)


def _assert_every_route_passes(routes: dict[str, str], check) -> None:
    """``check(url)`` returns None when content, or what is wrong: every route is checked, then all are shown."""
    failures = [f"{name} {url}: {problem}" for name, url in routes.items() if (problem := check(url))]
    assert not failures, "\n".join(failures)


def _error_shape_problem(response, status: int) -> str | None:
    if response.status_code != status:
        return f"answered {response.status_code}, not {status}"
    if response["Content-Type"] != "application/json":
        return f"answered {response['Content-Type']}"
    body = response.json()
    if body.get("status") != status or not isinstance(body.get("detail"), str) or not body["detail"]:
        return f"body {body}"
    if set(body) - {"status", "detail", "errors"}:
        return f"extra keys in {body}"
    return None


# Routes


def test_every_collection_of_the_design_is_routed(client):
    collections = set(client.get("/api/v1/").json())
    assert {"articles", "actors", "relationship-types", "relationships", "claims", "factboxes", "changes"} <= (
        collections
    )


def test_every_route_answers_200_on_the_demo(client, routes):
    def check(url):
        response = client.get(url)
        return None if response.status_code == 200 else f"answered {response.status_code}"

    _assert_every_route_passes(routes, check)


# Caching


def test_every_route_is_public_and_cacheable_for_api_max_age(client, routes, settings):
    settings.API_MAX_AGE = 321

    def check(url):
        cache_control = client.get(url)["Cache-Control"]
        return None if cache_control == "public, max-age=321" else f"Cache-Control: {cache_control}"

    _assert_every_route_passes(routes, check)


def test_every_route_answers_304_without_a_body_to_its_own_etag(client, routes):
    def check(url):
        etag = client.get(url).get("ETag")
        if not etag:
            return "no ETag"
        again = client.get(url, headers={"If-None-Match": etag})
        if again.status_code != 304 or again.content:
            return f"answered {again.status_code} with {len(again.content)} bytes"
        if again.get("ETag") != etag or "public" not in again.get("Cache-Control", ""):
            return f"304 without its validators: {dict(again.headers)}"
        return None

    _assert_every_route_passes(routes, check)


def test_a_stale_etag_gets_the_whole_answer(client, routes):
    response = client.get(routes["article-list"], headers={"If-None-Match": '"not-the-current-one"'})
    assert response.status_code == 200
    assert response.json()


def test_etag_changes_when_what_the_answer_shows_changes(client, routes):
    from newsroom.models import Article
    from newsroom.services import article_withdraw
    from tests.factories import EditorFactory

    before = client.get(routes["article-list"])["ETag"]
    article_withdraw(article=Article.objects.public().first(), by=EditorFactory())
    after = client.get(routes["article-list"], headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_etag_differs_between_pages_of_a_list(client, routes):
    first = client.get(routes["actor-list"], {"page_size": 1})
    second = client.get(first.json()["next"])
    assert second.status_code == 200
    assert first["ETag"] != second["ETag"]


def test_head_carries_the_validators_of_get(client, routes):
    def check(url):
        get, head = client.get(url), client.head(url)
        if head.status_code != 200 or head.content:
            return f"HEAD answered {head.status_code} with {len(head.content)} bytes"
        if head.get("ETag") != get.get("ETag") or head.get("Cache-Control") != get.get("Cache-Control"):
            return f"HEAD {head.get('ETag')} {head.get('Cache-Control')} vs GET {get['ETag']} {get['Cache-Control']}"
        if client.head(url, headers={"If-None-Match": get["ETag"]}).status_code != 304:
            return "a conditional HEAD is not answered 304"
        return None

    _assert_every_route_passes(routes, check)


def test_errors_are_not_marked_cacheable(client):
    response = client.get("/api/v1/articles/no-such-story/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


# CORS


def test_any_origin_may_read_every_route(client, routes):
    def check(url):
        for method in (client.get, client.head):
            response = method(url, headers={"Origin": ORIGIN})
            if response.get("Access-Control-Allow-Origin") != "*":
                return f"{method.__name__.upper()} without Access-Control-Allow-Origin: *"
            if "Access-Control-Allow-Credentials" in response:
                return "credentials allowed"
        return None

    _assert_every_route_passes(routes, check)


def test_scripts_may_read_the_etag_and_retry_after(client):
    response = client.get("/api/v1/", headers={"Origin": ORIGIN})
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after"} <= exposed


def test_preflight_allows_reads_only(client, routes):
    def check(url):
        for asked in ("GET", "DELETE"):
            response = client.options(
                url,
                headers={
                    "Origin": ORIGIN,
                    "Access-Control-Request-Method": asked,
                    "Access-Control-Request-Headers": "if-none-match",
                },
            )
            allowed = {method.strip() for method in response.get("Access-Control-Allow-Methods", "").split(",")}
            if response.status_code != 200 or allowed != {"GET", "HEAD", "OPTIONS"}:
                return f"preflight for {asked} answered {response.status_code} allowing {allowed}"
            if "if-none-match" not in response.get("Access-Control-Allow-Headers", ""):
                return "a conditional request from a script is refused"
            if response.get("Access-Control-Allow-Origin") != "*":
                return "preflight without Access-Control-Allow-Origin: *"
        return None

    _assert_every_route_passes(routes, check)


def test_cors_stays_off_the_rest_of_the_site(client):
    response = client.get("/healthz", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response


# Cookies


def test_no_api_answer_sets_or_varies_on_a_cookie(client, routes):
    error_answers = {
        "404": "/api/v1/nothing-here/",
        "400": f"{routes['actor-list']}?cursor=forged",
    }

    def check(url):
        for response in (client.get(url), client.post(url), client.options(url)):
            if response.cookies:
                return f"{response.request['REQUEST_METHOD']} sets {list(response.cookies)}"
            vary = {value.strip().lower() for value in response.get("Vary", "").split(",")}
            if "cookie" in vary:
                return f"{response.request['REQUEST_METHOD']} varies on Cookie"
        return None

    _assert_every_route_passes(routes | error_answers, check)


def test_api_ignores_a_session_cookie(client, routes, editor):
    anonymous = client.get(routes["root"])
    client.force_login(editor)
    signed_in = client.get(routes["root"])
    assert signed_in.content == anonymous.content
    assert "cookie" not in signed_in.get("Vary", "").lower()
    assert not signed_in.cookies


# Writes


def test_every_write_on_every_route_answers_405_in_the_error_shape(client, routes):
    def check(url):
        for method in WRITES:
            response = getattr(client, method)(url, data={"title": "x"}, content_type="application/json")
            problem = _error_shape_problem(response, 405)
            if problem:
                return f"{method.upper()} {problem}"
            allowed = {verb.strip() for verb in response["Allow"].split(",")}
            if allowed - {"GET", "HEAD", "OPTIONS"}:
                return f"{method.upper()} answered Allow: {response['Allow']}"
        return None

    _assert_every_route_passes(routes, check)


# Errors


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/actors/not-an-actor/",
        "/api/v1/claims/99999999999999999999/",
        "/api/v1/relationships/abc/",
        "/api/v1/actors/not-an-actor/network/",
        "/api/v2/",
        "/api/v1x/",
    ],
)
def test_unknown_api_address_answers_404_in_the_error_shape(client, path):
    assert _error_shape_problem(client.get(path), 404) is None


def test_a_server_error_under_the_api_answers_json_in_the_error_shape(monkeypatch):
    from django.test import Client

    from relations.api.views import ActorViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("internal_note of a draft")

    monkeypatch.setattr(ActorViewSet, "list", broken)
    response = Client(raise_request_exception=False).get("/api/v1/actors/")
    assert _error_shape_problem(response, 500) is None
    assert "internal_note" not in response.content.decode()
    # Outside /api/ the site's own 500 page stays: tests/test_health.py.


def test_unknown_api_address_answers_404_to_head_too(client):
    response = client.head("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_api_address_without_its_slash_is_redirected_to_it(client):
    response = client.get("/api/v1/actors")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/actors/"


def test_site_404_page_is_unchanged_outside_the_api(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in response.content.decode()


def test_bad_parameter_answers_400_naming_it_on_every_list(client, routes):
    lists = {name: url for name, url in routes.items() if name.endswith("-list")}

    def check(url):
        response = client.get(url, {"cursor": "forged"})
        problem = _error_shape_problem(response, 400)
        if problem:
            return problem
        errors = response.json().get("errors")
        return None if errors and set(errors) == {"cursor"} else f"errors: {errors}"

    _assert_every_route_passes(lists, check)


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("p=99999999999999999999999999"),
        _cursor("p=1e1000000"),
        _cursor("o=-5"),
        _cursor("o=99999999999999999999&p=x"),
        _cursor("r=1&p=2024-13-45"),
        "%%%",
    ],
)
def test_a_tampered_cursor_answers_400_naming_it_on_every_list(client, routes, cursor):
    lists = {name: url for name, url in routes.items() if name.endswith("-list")}

    def check(url):
        response = client.get(url, {"cursor": cursor})
        if response.status_code == 200:
            return None  # a position that decodes and orders is a page like any other
        return _error_shape_problem(response, 400) or (
            None if set(response.json()["errors"]) == {"cursor"} else f"errors: {response.json()['errors']}"
        )

    _assert_every_route_passes(lists, check)


@pytest.mark.parametrize("page_size", ["-1", "0", "abc", "1e1000000", "99999999999999999999", "100000"])
def test_page_size_is_clamped_on_every_list(client, routes, page_size):
    lists = {name: url for name, url in routes.items() if name.endswith("-list")}

    def check(url):
        response = client.get(url, {"page_size": page_size})
        if response.status_code != 200:
            return f"answered {response.status_code}"
        return None if 0 < len(response.json()["results"]) <= 100 else f"{len(response.json()['results'])} items"

    _assert_every_route_passes(lists, check)


def test_a_cursor_holding_a_nul_byte_answers_400_naming_it_on_every_list(client, routes):
    # PostgreSQL refuses to compare text with a NUL character: the cursor must be refused before it.
    lists = {name: url for name, url in routes.items() if name.endswith("-list")}
    cursors = [_cursor("o=1&r=1&p=%00"), _cursor("p=\x00abc")]

    def check(url):
        for cursor in cursors:
            for ordering in [None, *_ordering_fields(url)]:
                query = {"cursor": cursor} | ({"ordering": ordering} if ordering else {})
                response = client.get(url, query)
                problem = _error_shape_problem(response, 400)
                if problem or set(response.json()["errors"]) != {"cursor"}:
                    return f"{query}: {problem or response.json()['errors']}"
        return None

    _assert_every_route_passes(lists, check)


def _ordering_fields(url: str) -> list[str]:
    return list(getattr(resolve(urlsplit(url).path).func.cls, "ordering_fields", None) or [])


def test_an_ordering_with_more_than_one_dash_answers_400_naming_the_parameter(client, routes):
    lists = {name: url for name, url in routes.items() if name.endswith("-list")}

    def check(url):
        for field in _ordering_fields(url):
            for ordering in (f"--{field}", f"---{field}", f"{field},--{field}"):
                response = client.get(url, {"ordering": ordering})
                problem = _error_shape_problem(response, 400)
                if problem or list(response.json()["errors"]) != ["ordering"]:
                    return f"ordering={ordering}: {problem or response.json()['errors']}"
                if "internal_note" in response.content.decode():
                    return f"ordering={ordering} names a field the list does not offer"
        return None

    assert any(_ordering_fields(url) for url in lists.values())
    _assert_every_route_passes(lists, check)


def test_unknown_ordering_answers_400_naming_the_parameter(client, routes):
    response = client.get(routes["actor-list"], {"ordering": "internal_note"})
    assert _error_shape_problem(response, 400) is None
    assert list(response.json()["errors"]) == ["ordering"]


def test_unknown_parameters_are_ignored(client, routes):
    plain = client.get(routes["actor-list"])
    decorated = client.get(routes["actor-list"], {"utm_source": "newsletter", "page": "2"})
    assert decorated.status_code == 200
    assert decorated.json() == plain.json()


def test_a_format_the_api_does_not_speak_gets_json(client, routes):
    response = client.get(routes["actor-list"], {"format": "xml"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_schema_and_docs_answer_their_errors_in_the_error_shape_too(client):
    for url in (reverse("api-schema"), reverse("api-docs")):
        assert _error_shape_problem(client.post(url), 405) is None, url


# Formats


def test_a_client_asking_for_html_gets_json(client, routes):
    response = client.get(routes["actor-list"], headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"]


def test_production_settings_answer_json_to_a_browser():
    script = (
        "from django.test import Client; "
        "r = Client().get('/api/v1/', headers={'Accept': 'text/html,application/xhtml+xml'}, "
        "secure=True, HTTP_HOST='news.example.org'); "
        "print(r.status_code, r['Content-Type'])"
    )
    result = _manage("shell", "-c", script, env=PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "200 application/json", result.stderr


def test_every_link_in_every_answer_is_absolute(client, routes):
    api = {name: url for name, url in routes.items() if name not in ("schema", "docs")}

    def links(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                yield from links(item, name)
        elif isinstance(value, list):
            for item in value:
                yield from links(item, key)
        elif isinstance(value, str) and (key == "url" or key.endswith("_url") or key in ("next", "previous")):
            yield key, value

    def check(url):
        relative = [f"{key}={link}" for key, link in links(client.get(url).json()) if not link.startswith("http")]
        return ", ".join(relative) or None

    _assert_every_route_passes(api, check)


# Throttling


def test_anonymous_requests_beyond_the_rate_answer_429_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/").status_code == 200
    response = client.get("/api/v1/")
    assert _error_shape_problem(response, 429) is None
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_throttle_covers_every_route(client, routes, settings):
    settings.API_ANON_RATE = "1/minute"

    def check(url):
        from django.core.cache import cache

        cache.clear()
        client.get(url)
        response = client.get(url)
        return None if response.status_code == 429 else f"second request answered {response.status_code}"

    _assert_every_route_passes(routes, check)


def test_each_client_address_has_its_own_allowance(client, settings):
    settings.API_ANON_RATE = "1/minute"
    assert client.get("/api/v1/", REMOTE_ADDR="203.0.113.1").status_code == 200
    assert client.get("/api/v1/", REMOTE_ADDR="203.0.113.2").status_code == 200
    assert client.get("/api/v1/", REMOTE_ADDR="203.0.113.1").status_code == 429


def test_with_no_proxy_configured_the_forwarded_for_header_is_not_trusted(client, settings):
    settings.API_ANON_RATE = "1/minute"
    assert client.get("/api/v1/", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 200
    response = client.get("/api/v1/", headers={"X-Forwarded-For": "192.0.2.2"})
    assert response.status_code == 429


def test_no_proxy_is_trusted_unless_configured():
    script = "from django.conf import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    assert _manage("shell", "-c", script, env=PRODUCTION).stdout.strip().splitlines()[-1] == "0"
    configured = _manage("shell", "-c", script, env=PRODUCTION | {"API_NUM_PROXIES": "2"})
    assert configured.stdout.strip().splitlines()[-1] == "2", configured.stderr


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle_behind_a_proxy(client, settings):
    settings.API_ANON_RATE = "1/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The load balancer appends the address it saw; what the client sent comes before it.
    assert client.get("/api/v1/", headers={"X-Forwarded-For": "192.0.2.1, 198.51.100.7"}).status_code == 200
    response = client.get("/api/v1/", headers={"X-Forwarded-For": "192.0.2.2, 198.51.100.7"})
    assert response.status_code == 429


def test_the_rate_comes_from_the_environment():
    script = "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"
    result = _manage("shell", "-c", script, env=PRODUCTION | {"API_ANON_RATE": "50/hour"})
    assert result.stdout.strip().splitlines()[-1] == "50/hour", result.stderr


def test_a_malformed_rate_stops_the_app_at_start_up():
    result = _manage("check", env=PRODUCTION | {"API_ANON_RATE": "lots"})
    assert result.returncode != 0
    assert "API_ANON_RATE" in result.stderr


# Real HTTP


def _fetch(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_api_caching_and_cors_over_http(live_server, live_demo):
    url = f"{live_server.url}/api/v1/articles/"

    status, headers, body = _fetch(url, {"Origin": ORIGIN})
    assert status == 200
    assert json.loads(body)["results"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in headers

    status, _, body = _fetch(url, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_unknown_address_answers_json_404_over_http(live_server):
    status, headers, body = _fetch(f"{live_server.url}/api/v1/nothing-here/")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == 404
