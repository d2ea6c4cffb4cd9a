from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("<int:household_id>/", views.household_detail, name="household_detail"),
    path("<int:household_id>/incomes/", views.income_add, name="income_add"),
    path("<int:household_id>/contact/", views.contact_update, name="contact_update"),
    path("<int:household_id>/guarantees/", views.guarantees_update, name="guarantees_update"),
    path("<int:household_id>/documents/", views.document_add, name="document_add"),
    path(
        "<int:household_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
]

urlpatterns += [
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
]
urlpatterns += [
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.export, name="export"),
]
urlpatterns += [
    path("<int:household_id>/members/", views.member_add, name="member_add"),
    path("<int:household_id>/members/end/", views.member_end, name="member_end"),
    path("<int:household_id>/attention/", views.attention_set, name="attention_set"),
]
