#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Loading the settings here turns a missing variable (SECRET_KEY in production) into one line.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(
            f"Cannot load the settings: {str(error).rstrip('.')}. The README's “Configuration” lists every variable."
        )
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
