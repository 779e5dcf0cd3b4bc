"""Public front, section, story and actor pages, the embeds other sites frame, the oEmbed provider, search,
feeds and sitemaps, and the partners' page."""

from django.urls import path

from newsroom import developers, feeds, search, sitemaps, views
from newsroom.embeds import oembed, pages

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
    path("preview/<str:token>/", views.story_preview, name="story_preview"),
    path("embed/factboxes/<slug:slug>/", pages.factbox_embed, name="embed_factbox"),
    path("embed/factboxes/<slug:slug>/v/<int:number>/", pages.factbox_version_embed, name="embed_factbox_version"),
    path("embed/factboxes/<slug:slug>/v/<int:number>/map.png", pages.map_thumbnail, name="embed_factbox_map"),
    path("embed/stories/<slug:slug>/", pages.story_embed, name="embed_story"),
    path("embed.js", pages.embed_js, name="embed_js"),
    path("oembed/", oembed.oembed, name="oembed"),
    path("developers/", developers.developers, name="developers"),
    # Finding and following: search, feeds, sitemaps, robots.txt (docs/architecture.md, "Search, feeds and sitemaps").
    path("search/", search.search, name="search"),
    path("feeds/stories.rss", feeds.stories_rss, name="feed_stories_rss"),
    path("feeds/stories.atom", feeds.stories_atom, name="feed_stories_atom"),
    path("feeds/sections/<slug:slug>.rss", feeds.section_rss, name="feed_section_rss"),
    path("feeds/sections/<slug:slug>.atom", feeds.section_atom, name="feed_section_atom"),
    path("feeds/actors/<slug:slug>.rss", feeds.actor_rss, name="feed_actor_rss"),
    path("feeds/actors/<slug:slug>.atom", feeds.actor_atom, name="feed_actor_atom"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
