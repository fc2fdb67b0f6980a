from django.urls import path  # noqa: F401  (filled in by the component's views)

urlpatterns: list = []
