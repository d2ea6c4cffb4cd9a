from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/report/", views.case_report, name="case_report"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/actions/<str:action>/", views.case_action, name="case_action"),
    path("cases/<int:case_id>/plan/", views.plan_edit, name="plan_edit"),
    path("cases/<int:case_id>/measures/", views.measure_add, name="measure_add"),
    path(
        "cases/<int:case_id>/measures/<int:measure_id>/done/",
        views.measure_done,
        name="measure_done",
    ),
    path("cases/<int:case_id>/notice/", views.case_notice, name="case_notice"),
    path("cases/<int:case_id>/card/", views.case_card, name="case_card"),
    path("announcements/", views.announcement, name="announcement"),
]
