"""The admin's header: who is signed in, and in which of the newsroom's roles."""

from django import template
from django.utils.translation import gettext_lazy as _

from newsroom import roles

register = template.Library()

ROLE_LABELS = {roles.REPORTER: _("Reporter"), roles.EDITOR: _("Editor"), roles.FACT_CHECKER: _("Fact-checker")}


@register.simple_tag
def signed_in_as(user) -> dict:
    """The name people know the user by (their full name where set) and the roles they hold."""
    return {
        "name": user.get_full_name() or user.get_username(),
        "roles": [ROLE_LABELS[role] for role in roles.roles_of(user)],
    }
