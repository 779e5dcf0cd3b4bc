"""Public story and actor pages."""

from django.urls import path

from newsroom import views

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("actors/<slug:slug>/", views.actor, name="actor"),
]
