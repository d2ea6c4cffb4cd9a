from django.urls import URLPattern, URLResolver, path

from .field import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("grids/", views.grids, name="grids"),
    path("my-households/", views.my_households, name="my_households"),
    path("visits/", views.visits, name="visits"),
    path("households/<int:household_id>/grid/", views.household_grid, name="household_grid"),
    path("households/<int:household_id>/visit/", views.visit_new, name="visit_new"),
    path(
        "households/<int:household_id>/unchanged/",
        views.visit_unchanged,
        name="visit_unchanged",
    ),
    path("self-reports/", views.self_reports, name="self_reports"),
    path("self-reports/<int:report_id>/", views.self_report_handle, name="self_report"),
    path("policies/", views.policies, name="policies"),
    path("policies/<int:policy_id>/edit/", views.policy_edit, name="policy_edit"),
    path("liaisons/<int:liaison_id>/edit/", views.liaison_edit, name="liaison_edit"),
    path("public/<str:code>/", views.public, name="public"),
    path("public/<str:code>/qr.svg", views.qr, name="qr"),
    path("<str:code>/board/", views.board, name="board"),
    path("<str:code>/warm-wall/", views.warm_wall, name="warm_wall"),
]
