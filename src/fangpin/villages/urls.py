"""Pages of village work, under /villages/ in the `villages:` namespace."""

from django.urls import URLPattern, URLResolver

from . import urls_board, urls_field

app_name = "villages"

urlpatterns: list[URLPattern | URLResolver] = [*urls_field.urlpatterns, *urls_board.urlpatterns]
