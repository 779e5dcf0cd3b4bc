"""App config for editorial work."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsroom import querysets, signals  # noqa: F401  (signals connects its receivers)
        from relations import public_state, visibility

        visibility.register("claim", querysets.live_article_claims)
        visibility.register("actor", querysets.live_article_actors)
        visibility.register("claim", querysets.published_factbox_claims)
        visibility.register("relationship", querysets.published_factbox_relationships)
        visibility.register("actor", querysets.published_factbox_actors)
        # Scheduled stories go live at their moment with no job: cached public answers end there.
        public_state.register_upcoming(querysets.next_scheduled_moment)
