from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "therapy"

    def ready(self) -> None:
        from flags import sources

        from . import flag_sources

        sources.register(flag_sources.record_url)
