"""Pages of asset income, disposals, the yearly check, 联村共建 and the create forms."""

from django.urls import path

from . import views_assets as views

urlpatterns = [
    path("new/fund/", views.new_fund, name="new_fund"),
    path("new/project/", views.new_project, name="new_project"),
    path("new/asset/", views.new_asset, name="new_asset"),
    path("new/entity/", views.new_entity, name="new_entity"),
    path("new/link/", views.new_link, name="new_link"),
    path("asset-incomes/", views.asset_incomes, name="asset_incomes"),
    path("disposals/", views.disposals, name="disposals"),
    path("asset-checks/", views.checks, name="checks"),
    path("groups/", views.groups, name="groups"),
]
