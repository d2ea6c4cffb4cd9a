"""Pages of the web UI. The web pages keep the `web:` namespace; each app's pages are
included under their own namespace (`registry:` ...), which the menu (nav.py) names."""

from django.urls import URLPattern, URLResolver, include, path

from . import health, metrics, password, profile, pwa, views

web_patterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", password.password_view, name="password"),
    path("profile/", profile.profile_view, name="profile"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((web_patterns, "web"))),
    path("households/", include("fangpin.registry.urls")),
    path("screening/", include("fangpin.screening.urls")),
    path("monitoring/", include("fangpin.monitoring.urls")),
    path("villages/", include("fangpin.villages.urls")),
    path("programs/", include("fangpin.programs.urls")),
    path("supervision/", include("fangpin.supervision.urls")),
    path("dashboard/", include("fangpin.dashboard.urls")),
]
