from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "fangpin.supervision"
    label = "supervision"
    verbose_name = "督导考核"
