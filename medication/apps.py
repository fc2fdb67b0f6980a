from django.apps import AppConfig


class MedicationConfig(AppConfig):
    name = "medication"

    def ready(self) -> None:
        from flags import sources

        from . import flag_sources

        sources.register(flag_sources.records)
