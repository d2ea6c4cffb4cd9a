from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "fangpin.villages"
    label = "villages"
    verbose_name = "村级工作"
