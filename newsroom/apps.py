"""App config for editorial work."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import public_cache, public_state
        from newsroom import querysets, roles, selectors, signals  # noqa: F401  (signals connects its receivers)
        from newsroom.embeds.assets import assets
        from relations import visibility

        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="newsroom_sync_roles")

        visibility.register("claim", querysets.live_article_claims)
        visibility.register("actor", querysets.live_article_actors)
        visibility.register("claim", querysets.published_factbox_claims)
        visibility.register("relationship", querysets.published_factbox_relationships)
        visibility.register("actor", querysets.published_factbox_actors)
        # The claim's admin page lists the stories and boxes showing it.
        visibility.register_shows_claim(selectors.shows_claim)
        # Scheduled stories go live at their moment with no job: cached public answers end there.
        public_state.register_upcoming(querysets.next_scheduled_moment)
        # Cached pages and embeds follow the readers' templates and stylesheets as they are loaded.
        public_cache.register_fingerprint(lambda: assets().fingerprint)
