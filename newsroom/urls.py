"""Public story and actor pages, the embeds other sites frame, and the oEmbed provider."""

from django.urls import path

from newsroom import views
from newsroom.embeds import oembed, pages

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("preview/<str:token>/", views.story_preview, name="story_preview"),
    path("embed/factboxes/<slug:slug>/", pages.factbox_embed, name="embed_factbox"),
    path("embed/factboxes/<slug:slug>/v/<int:number>/", pages.factbox_version_embed, name="embed_factbox_version"),
    path("embed/factboxes/<slug:slug>/v/<int:number>/map.png", pages.map_thumbnail, name="embed_factbox_map"),
    path("embed/stories/<slug:slug>/", pages.story_embed, name="embed_story"),
    path("embed.js", pages.embed_js, name="embed_js"),
    path("oembed/", oembed.oembed, name="oembed"),
]
