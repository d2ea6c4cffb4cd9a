from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "fangpin.monitoring"
    label = "monitoring"
    verbose_name = "监测帮扶"

    def ready(self) -> None:
        from fangpin.screening.signals import events_screened

        from .receivers import events_to_cases

        events_screened.connect(events_to_cases, dispatch_uid="monitoring.events_to_cases")
