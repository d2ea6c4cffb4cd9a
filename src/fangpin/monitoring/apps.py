from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "fangpin.monitoring"
    label = "monitoring"
    verbose_name = "监测帮扶"

    def ready(self) -> None:
        from fangpin.registry.selectors import StatusFilter, register_status_filter
        from fangpin.screening.signals import events_screened

        from .receivers import events_to_cases
        from .selectors import HOUSEHOLD_STATUS_CHOICES, households_by_status

        events_screened.connect(events_to_cases, dispatch_uid="monitoring.events_to_cases")
        register_status_filter(StatusFilter(HOUSEHOLD_STATUS_CHOICES, households_by_status))
