from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "fangpin.screening"
    label = "screening"
    verbose_name = "部门筛查预警"
