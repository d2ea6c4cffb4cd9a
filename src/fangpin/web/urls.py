"""Pages of the web UI. The web pages keep the `web:` namespace; each app's pages are
included under their own namespace (`registry:` ...), which the menu (nav.py) names."""

from importlib.util import find_spec

from django.urls import URLPattern, URLResolver, include, path

from . import views

web_patterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
]

# (url prefix, module): apps whose pages are being built appear once their urls module does.
APP_PAGES = [
    ("households/", "fangpin.registry.urls"),
    ("screening/", "fangpin.screening.urls"),
    ("monitoring/", "fangpin.monitoring.urls"),
    ("dashboard/", "fangpin.dashboard.urls"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((web_patterns, "web"))),
    *(path(prefix, include(module)) for prefix, module in APP_PAGES if find_spec(module)),
]
