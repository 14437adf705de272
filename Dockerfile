# syntax=docker/dockerfile:1
# The sortie daemon image: `sortiectl serve` (entrypoint), built from source in Swift's official
# image, run in a small Debian image as UID 1000.
#
#   docker build -t ghcr.io/rjsadow/sortie:latest .
#   docker run --rm -p 8080:8080 -v ~/.kube:/home/sortie/.kube:ro ghcr.io/rjsadow/sortie:latest
#
# Health: the image has no HEALTHCHECK of its own (Kubernetes ignores it); the Deployment's
# liveness/readiness/startup probes use GET /healthz and GET /readyz on port 8080. Under plain
# Docker: `curl -f http://localhost:8080/healthz`.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- build: sortiectl, release mode, Swift runtime linked statically --------------------------
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcurl4-openssl-dev libedit-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so editing Sources/ keeps the resolved packages cached.
COPY Package.swift Package.resolved* ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --product sortiectl --static-swift-stdlib \
 && bin="$(swift build -c release --product sortiectl --static-swift-stdlib --show-bin-path)" \
 && mkdir -p /out \
 && install -m 0755 "$bin/sortiectl" /out/sortiectl \
 && (find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /out/ \; || true)

# --- novnc: only the web assets (the package itself would pull in nodejs and python) ----------
FROM ${RUNTIME_IMAGE} AS novnc
RUN apt-get update \
 && cd /tmp && apt-get download novnc \
 && dpkg-deb -x novnc_*.deb /tmp/novnc \
 && mkdir -p /out && cp -R /tmp/novnc/usr/share/novnc /out/novnc \
 && rm -rf /var/lib/apt/lists/* /tmp/novnc*

# --- runtime ------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcurl4 libedit2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 sortie \
 && useradd --uid 1000 --gid 1000 --create-home --home-dir /home/sortie --shell /usr/sbin/nologin sortie
COPY --from=build /out/ /usr/local/bin/
COPY --from=novnc /out/novnc /usr/share/novnc
# Every shared library the binary links must be here, and libcurl, which it opens on first use
# (fails the build otherwise).
RUN ! ldd /usr/local/bin/sortiectl | grep -q "not found" \
 && ldconfig -p | grep -q "libcurl.so.4 " \
 && /usr/local/bin/sortiectl --help >/dev/null
# The catalog the Deployment mounts; noVNC is where `serve --novnc-dir` looks by default.
ENV SORTIE_APPS=/etc/sortie/apps.json
USER 1000:1000
WORKDIR /home/sortie
EXPOSE 8080
ENTRYPOINT ["sortiectl", "serve"]
