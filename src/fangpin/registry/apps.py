from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fangpin.registry"
    label = "registry"
    verbose_name = "农户档案"
