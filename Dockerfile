# The platform's image: `penguins` built in release mode with a static Swift standard library,
# on Debian's slim image with the few shared libraries it needs, running as a non-root user.
#
#   docker build -t penguins .
#   docker run -p 127.0.0.1:8080:8080 -v penguins-data:/data penguins
#
# Every setting is one of the platform's environment variables (PENGUINS_LAKE,
# PENGUINS_WAREHOUSE, PENGUINS_CACHE, PENGUINS_SPARK, ...); with none, it runs embedded on the
# data volume. compose.yaml runs it beside PostgreSQL, Redis and Spark Connect.

# ---- build -----------------------------------------------------------------------------------
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# The dependencies first, in a layer of their own that a change of the sources keeps.
COPY Package.swift ./
RUN swift package resolve

COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product penguins \
 && mkdir -p /staging \
 && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
 && cp "$bin/penguins" /staging/ \
 && strip /staging/penguins \
 && find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/ \;

# ---- run -------------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libsqlite3-0 libstdc++6 tzdata zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --user-group --home-dir /app --shell /usr/sbin/nologin penguins \
 && mkdir -p /data \
 && chown penguins:penguins /data
WORKDIR /app
COPY --from=build --chown=penguins:penguins /staging/ /app/
ENV PATH=/app:$PATH \
    PENGUINS_HOME=/data
USER penguins:penguins
VOLUME ["/data"]
EXPOSE 8080
# bash's /dev/tcp keeps an HTTP client out of the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /api/v1/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["penguins", "serve", "--host", "0.0.0.0", "--port", "8080"]
