"""Public story and actor pages."""

urlpatterns: list = []
