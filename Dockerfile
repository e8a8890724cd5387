# One image for the web process (gunicorn), the Celery worker and beat, and the one-shot migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=tcvn_portal.settings.production \
    TCVN_VAR_DIR=/app/var \
    TCVN_MEDIA_ROOT=/srv/media

# Pango (WeasyPrint's PDFs), libmagic (uploads typed by content), gettext (compilemessages) and fonts
# with Vietnamese glyphs, so that reports print "Đo lường" and not boxes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 gettext fonts-dejavu-core fontconfig \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 tcvn

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Build-time placeholders: collectstatic and compilemessages open no connection.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost/0 \
      sh -c 'python manage.py compilemessages --ignore=var >/dev/null \
             && python manage.py collectstatic --noinput --verbosity 0' \
 && mkdir -p /srv/media \
 && chown tcvn /srv/media \
 && chmod +x docker/*.sh

USER tcvn
EXPOSE 8000
CMD ["docker/web.sh"]
