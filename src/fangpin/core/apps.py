from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fangpin.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from fangpin.core.indicators import autodiscover

        autodiscover()  # each app's indicators.py joins the catalogue
