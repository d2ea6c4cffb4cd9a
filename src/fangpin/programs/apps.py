from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "fangpin.programs"
    label = "programs"
    verbose_name = "项目资金与产业就业"
