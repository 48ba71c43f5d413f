# The web service: the upload page and the HTTP API (indicator-audit serve).
#
#   docker build -t indicator-audit .
#   docker run --rm -p 8000:8000 indicator-audit
#   docker run --rm -p 8000:8000 -e INDICATOR_AUDIT_TOKEN=… indicator-audit --workers 2
#
# Stop it with `docker stop -t 70`: the server finishes the requests in flight (up to the
# request time limit, 60 s, plus 5) before it exits.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY grammar ./grammar
COPY rules ./rules
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[serve]'

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin audit
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels 'indicator-audit[serve]' \
    && rm -rf /wheels
USER audit
WORKDIR /home/audit
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["indicator-audit", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD []
