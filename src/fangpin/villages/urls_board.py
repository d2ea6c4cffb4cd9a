from django.urls import URLPattern, URLResolver, path

from .board import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/export.xlsx", views.problem_export, name="problem_export"),
    path("problems/import/", views.problem_import, name="problem_import"),
    path(
        "problems/import/template.xlsx",
        views.problem_import_template,
        name="problem_import_template",
    ),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem_detail"),
    path(
        "problems/<int:problem_id>/actions/<str:action>/",
        views.problem_action,
        name="problem_action",
    ),
    path("problems/<int:problem_id>/photos/", views.problem_photo_add, name="problem_photo_add"),
    path(
        "problems/<int:problem_id>/photos/<int:photo_id>/",
        views.problem_photo,
        name="problem_photo",
    ),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/export.xlsx", views.ratings_export, name="ratings_export"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/export.xlsx", views.rule_export, name="rule_export"),
    path("archive/<str:code>/", views.village_archive, name="village_archive"),
    path("archive/<str:code>/criteria/", views.criterion_confirm, name="criterion_confirm"),
    path("archive/<str:code>/announcements/", views.announcement_add, name="announcement_add"),
]
