"""App config for editorial work."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsroom.querysets import live_article_actors, live_article_claims
        from relations import visibility

        visibility.register("claim", live_article_claims)
        visibility.register("actor", live_article_actors)
