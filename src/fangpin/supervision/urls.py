from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="indicator"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:report_id>/<str:action>/", views.report_action, name="report_action"),
    path("rankings/", views.rankings, name="rankings"),
    path("import/", views.task_import, name="import"),
    path("import/template/", views.task_template, name="template"),
    path("samples/", views.sample_list, name="samples"),
    path("samples/<int:sample_id>/", views.sample_detail, name="sample_detail"),
    path("meetings/", views.meetings, name="meetings"),
    path(
        "follow-ups/<int:follow_up_id>/<str:action>/",
        views.follow_up_action,
        name="follow_up_action",
    ),
]
