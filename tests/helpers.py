"""Helpers for tests that drive admin forms the way a browser does, or edit as they do."""

import os
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django import forms
from django.db import models
from django.test import Client
from django.urls import reverse

from newsroom import services
from newsroom.factboxes.services import factbox_publish, factbox_unverified_claims
from relations import closure


def artefacts(name: str) -> Path:
    """The folder a browser test keeps its screenshots in, to be looked at: ``$TEST_ARTEFACTS/<name>/``
    (``test-artefacts/``, git-ignored, by default)."""
    folder = Path(os.environ.get("TEST_ARTEFACTS", "test-artefacts")) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _widget_values(name: str, widget: forms.Widget, value) -> dict:
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            f"{name}{suffix}": "" if part is None else str(part)
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        }
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if value is None:
        return {name: ""}
    if isinstance(value, list | tuple):
        return {name: [str(item) for item in value]}
    return {name: str(value)}


def admin_form_data(response) -> dict:
    """What the change form of ``response`` would post untouched: every field, inline row
    (blank extra rows included, which the admin ignores while unchanged) and management form."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_on_page:
        for name, form_field in form.fields.items():
            bound = form[name]
            widget = getattr(form_field.widget, "widget", form_field.widget)  # related-field wrappers
            data.update(_widget_values(bound.html_name, widget, bound.value()))
    return data


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def signed_in(user) -> Client:
    """A client of its own, signed in as ``user``: two of them are two people at two desks."""
    client = Client()
    client.force_login(user)
    return client


def signed_in_page(new_page, live_server, username: str, password: str = "correct horse battery staple"):
    """A browser page of ``new_page``'s signed in to the admin as ``username`` (the factories' password)."""
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return page


def editing(*objects: models.Model) -> AbstractContextManager:
    """Change ``objects`` as an editor's admin save does: what they make public follows in the
    same transaction (``relations.closure``). For tests that relink published content directly."""
    return closure.maintained(*(type(obj)._default_manager.filter(pk=obj.pk) for obj in objects))


def signs_in(client: Client, username: str, password: str, **request) -> bool:
    """Posts the admin's sign-in form as a browser does (the lockout needs the request, which
    ``Client.login`` does not give); True if the client is then signed in."""
    response = client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}, **request
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


def migrate(targets):
    """Migrates the test database to ``targets`` (``[(app, migration)]``), forwards or back, and
    returns the models as they were there."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def publish_article(*, article, by, publish_at=None):
    """Publish (or schedule) ``article`` as an editor who confirms the unverified claims it cites,
    as the admin asks them to: for tests about something else than that question."""
    unverified = [claim.pk for claim in services.article_unverified_claims(article=article)]
    return services.article_publish(article=article, by=by, publish_at=publish_at, confirmed_unverified=unverified)


def publish_factbox(*, factbox, by):
    """Publish ``factbox`` as an editor who confirms the unverified claims it shows (see ``publish_article``)."""
    unverified = [claim.pk for claim in factbox_unverified_claims(factbox=factbox)]
    return factbox_publish(factbox=factbox, by=by, confirmed_unverified=unverified)


def missing(what: str) -> None:
    """A part the test needs (a browser, a server) is not on this machine: a failure in CI, which
    installs every part (.ci/run), and a skip on a laptop without it."""
    if os.environ.get("CI") == "true":
        pytest.fail(what)
    pytest.skip(what)
