"""Pages of the programs app, under /programs/ in the `programs:` namespace."""

from django.urls import include, path

from . import imports, views

app_name = "programs"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("funds/", views.funds, name="funds"),
    path("projects/", views.projects, name="projects"),
    path("assets/", views.assets, name="assets"),
    path("workshops/", views.workshops, name="workshops"),
    path("talents/", views.talents, name="talents"),
    path("three-haves/", views.three_haves, name="three_haves"),
    path("import/", imports.import_view, name="import"),
    path("import/<str:kind>/template.xlsx", imports.template_view, name="import_template"),
    path("", include("fangpin.programs.urls_employment")),
    path("", include("fangpin.programs.urls_assets")),  # asset work and the create forms
]
