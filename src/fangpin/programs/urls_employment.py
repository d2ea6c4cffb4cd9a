"""Pages of the employment half, included by `urls` into the `programs:` namespace."""

from django.urls import path

from . import views_employment as views

urlpatterns = [
    path("employment/", views.employment_panel, name="employment_panel"),
    path("labour-force/", views.labour_force, name="labour_force"),
    path("training/", views.training, name="training"),
    path("training/courses/", views.courses, name="training_courses"),
    path("transfers/", views.transfers, name="transfers"),
    path("public-jobs/", views.public_jobs, name="public_jobs"),
    path("workshops/new/", views.workshop_new, name="workshop_new"),
    path("talents/new/", views.talent_new, name="talent_new"),
]
