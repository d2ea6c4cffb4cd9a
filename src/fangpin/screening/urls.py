from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/template/<str:source>.xlsx", views.batch_template, name="batch_template"),
    path("batches/<int:batch_id>/rerun/", views.batch_rerun, name="batch_rerun"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
    path(
        "warnings/<int:warning_id>/actions/<str:action>/",
        views.warning_action,
        name="warning_action",
    ),
]
