from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "fangpin.dashboard"
    label = "dashboard"
    verbose_name = "统计分析"
