"""Fixtures shared by the whole suite."""

import contextlib
import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.factories import EditorFactory
from tests.helpers import missing

# Debian's Chromium; Playwright's own browser download cannot be relied on.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # No calls home: the machine's network is closed and they only slow start-up.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API's throttle counts requests in the default cache, which outlives a test in this
    process: every test starts with an empty one, so no test runs out of another's allowance."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for a module's tests, in a transaction that ends with the module.

    Loading it costs seconds; each test then runs in a savepoint inside this transaction (the
    ``db`` fixture), so what a test writes goes with it and the next test finds the demo as loaded.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEMO_CONTENT=True):
            call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(request, _module_demo, db, settings):
    """The demo story, its fact boxes and its accounts, loaded as ``make run`` loads them."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("a live server cannot see a transaction it is not in: use live_demo")
    settings.DEMO_CONTENT = True


@pytest.fixture
def live_demo(transactional_db, settings, starting_vocabulary, roles):
    """The demo committed, for a live server or a browser to read; the database is emptied after."""
    settings.DEMO_CONTENT = True
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def starting_vocabulary(transactional_db):
    """The relationship types the data migration creates. Transactional tests
    (live servers, browsers) flush the database after each test, data migrations'
    rows included, so such tests put them back."""
    from relations.vocabulary import create_starting_vocabulary

    create_starting_vocabulary()


# Before pytest-django's own sort (also tryfirst, registered earlier, so called later), which is stable:
# it then puts the database tests first and the transactional ones after, each still in this order.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    # The demo a module loads lasts until the module ends: its tests that do not ask for it run
    # first, on an empty database. The sort is stable, so the order is otherwise the files'.
    first_of_module: dict[str, int] = {}
    for index, item in enumerate(items):
        first_of_module.setdefault(item.module.__name__, index)
        if "demo" in getattr(item, "fixturenames", ()):
            # Under ``--dist loadgroup`` a module's demo tests share one worker, and so one load.
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items.sort(key=lambda item: (first_of_module[item.module.__name__], "demo" in getattr(item, "fixturenames", ())))


class _LongestFirst:
    """Runs the tests marked ``slow`` first, so that parallel workers share the rest while one runs
    instead of one worker finishing a long test alone at the end (pytest-django puts the tests that
    use no database, the benchmark's among them, last). After pytest-django's sort, and never a
    transactional test: those empty the database, so they stay after every test that relies on
    what the migrations wrote."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        def first(item) -> bool:
            marker = item.get_closest_marker("django_db")
            transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
                {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
            )
            return bool(item.get_closest_marker("slow")) and not transactional

        items.sort(key=lambda item: not first(item))


def pytest_configure(config):
    config.pluginmanager.register(_LongestFirst(), "longest-first")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts (separate people), all closed before the server stops:
    ``new_page(width=…, height=…)``. Each page keeps the errors its scripts raised in ``page.errors``."""
    contexts = []

    def make(*, width: int = 1280, height: int = 720):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}))
        page = contexts[-1].new_page()
        page.set_default_timeout(15_000)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def roles(transactional_db):
    """The Reporter, Editor and Fact-checker groups, for transactional tests that flushed them."""
    from newsroom.roles import ensure_roles

    ensure_roles()


def _public_state_first(assert_queries):
    """Query counts are of the view's own work: the public state's moment (one query, once per
    public change, see ``core.public_state``) is read before counting starts."""

    @contextlib.contextmanager
    def counting(*args, **kwargs):
        from core import public_state

        public_state.current()
        with assert_queries(*args, **kwargs) as context:
            yield context

    return counting


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _public_state_first(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _public_state_first(django_assert_max_num_queries)
