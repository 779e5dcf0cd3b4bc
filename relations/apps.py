"""App config for the knowledge graph."""

from django.apps import AppConfig


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = "Knowledge graph"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from relations import signals  # noqa: F401  (connects its receivers)
