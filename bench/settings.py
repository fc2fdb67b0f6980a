"""Settings for the benchmark server: the app's own settings with a bench-only URL conf that adds
a plain DRF list (the baseline every integrated view is compared with)."""

from careteam.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
