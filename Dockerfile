# Production image: gunicorn serves the app, whitenoise the static files.
# The worker runs from the same image:       docker run ... IMAGE python manage.py worker
# Migrations (once per release):             docker run ... IMAGE python manage.py migrate
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 app

COPY pyproject.toml README.md manage.py ./
COPY crmupdate ./crmupdate
COPY templates ./templates
COPY static ./static
# The compiled Spanish catalogue (`make messages` writes it; the image needs no gettext).
COPY locale ./locale
RUN pip install . \
 && DEBUG=0 SECRET_KEY=collectstatic-only TOKEN_ENCRYPTION_KEYS=collectstatic-only \
    ZOHO_CLIENT_ID=collectstatic-only python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/var && chown -R app:app /app/var

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"

CMD ["gunicorn", "crmupdate.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--threads", "4", "--worker-class", "gthread", \
     "--timeout", "60"]
