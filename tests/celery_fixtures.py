"""A real Celery worker on the real Redis broker, for tests where tasks matter (filled in by the
notifications work)."""
