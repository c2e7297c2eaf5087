# Наставник: one image for every process (polling or webhook, see README "Deploying").
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 nastavnik
WORKDIR /app

# Dependencies first (a layer that changes only with pyproject.toml or constraints.txt),
# pinned to the versions the tests ran.
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY locales ./locales
RUN pip install -c constraints.txt -e . && mkdir -p /app/data && chown nastavnik /app/data

USER nastavnik
# SQLite (the default) keeps its file here: mount a volume on /app/data.
VOLUME ["/app/data"]
EXPOSE 8080
CMD ["python", "-m", "bot"]
