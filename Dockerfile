# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=careteam.settings

RUN groupadd --system --gid 10001 careteam \
 && useradd --system --uid 10001 --gid careteam --create-home --home-dir /home/careteam \
        --shell /usr/sbin/nologin careteam

WORKDIR /app

# Dependencies first, so code changes reuse this layer. With only pyproject.toml present,
# `pip install .` installs the runtime dependencies (no dev extras) and an empty careteam
# distribution; the code runs from /app (PYTHONPATH), which also holds the app static files
# and templates that the wheel would not include.
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build ./*.egg-info

COPY manage.py gunicorn_config.py ./
# The apps, floor by floor (../shared/DESIGN.md): core, patients, flags, the care components,
# sign-in (accounts), break-glass (emergency), the integrated views and the demo/synthetic seeding.
COPY careteam ./careteam
COPY patients ./patients
COPY accounts ./accounts
COPY flags ./flags
COPY therapy ./therapy
COPY medication ./medication
COPY casemanagement ./casemanagement
COPY emergency ./emergency
COPY insights ./insights
COPY seed ./seed
COPY templates ./templates

# Settings refuse to load with DEBUG off unless SECRET_KEY and ALLOWED_HOSTS are set; these
# dummy values exist only for this step and are not kept in the image. Output: /app/var/static.
RUN SECRET_KEY=build-only-collectstatic ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

USER careteam

EXPOSE 8000

# Bind, workers, no control socket and the access log (no query strings: patient names are
# searched in them) are in gunicorn_config.py, shared with docker-compose.yml's web service.
CMD ["gunicorn", "-c", "gunicorn_config.py", "careteam.wsgi:application"]
