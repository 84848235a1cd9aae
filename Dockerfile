# netif_exporter container image.
#
#   podman build -t netif_exporter --build-arg VERSION=0.1.0 \
#     --build-arg REVISION=$(git rev-parse --short=12 HEAD) .      (or: docker build ...)
#   podman run --network=host netif_exporter
#
# --network=host (Kubernetes: hostNetwork) is what makes the exporter see the host's interfaces:
# /proc/net/dev and rtnetlink are per network namespace. Mount the host's /proc and /sys under
# /host and pass --path.procfs=/host/proc --path.sysfs=/host/sys as deploy/kubernetes/ does.
#
# Stage 1 builds with the project's own dependency script; stage 2 is debian:bookworm-slim with
# only the shared libraries the binary links (checked with ldd below), running as nobody (65534).
# No HEALTHCHECK: orchestrators probe /-/healthy and /-/ready themselves.
# tests/deploy/container_test.sh builds and runs this file for real (CTest label "container").

FROM debian:bookworm AS build
# Marks this stage's images so tests/deploy/container_test.sh can prune its stale build caches.
LABEL io.netif-exporter.stage=build
WORKDIR /src
# The dependency layer depends on the script alone, so source edits rebuild from here on only.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
# The context has no .git (see .dockerignore): the revision for netif_exporter_build_info comes
# in as a build argument. The tests are built and run by CI, not here.
ARG REVISION=unknown
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETIF_WERROR=ON -DNETIF_BUILD_TESTS=OFF \
      -DNETIF_REVISION="${REVISION}" \
 && cmake --build /build -j"$(nproc)" --target netif_exporter \
 && strip --strip-unneeded -o /netif_exporter /build/netif_exporter \
 && /netif_exporter --version

FROM debian:bookworm-slim
# The runtime libraries of the binary (ldd): prometheus-cpp core, libmicrohttpd and GnuTLS (which
# libmicrohttpd12 pulls in with its own dependencies), yaml-cpp, net-snmp, RE2 and zlib;
# libcrypt (bcrypt for basic auth); libstdc++ and libc are in the base image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libprometheus-cpp-core1.0 libmicrohttpd12 libgnutls30 libyaml-cpp0.7 libsnmp40 libre2-9 zlib1g \
      libcrypt1 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
COPY --from=build /netif_exporter /usr/bin/netif_exporter
COPY config/netif_exporter.yml /etc/netif_exporter/netif_exporter.yml
# Fail the build, not the first start, when a library is missing from the list above.
RUN ! ldd /usr/bin/netif_exporter | grep 'not found' \
 && /usr/bin/netif_exporter --config.file=/etc/netif_exporter/netif_exporter.yml --check-config

ARG VERSION=unknown
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="netif_exporter" \
      org.opencontainers.image.description="Prometheus exporter for network interfaces: kernel counters, link state, rates, utilization, health and anomalies, for the host and for SNMP devices" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim" \
      org.opencontainers.image.documentation="deploy/README.md"

USER 65534:65534
EXPOSE 10100
ENTRYPOINT ["/usr/bin/netif_exporter", "--config.file=/etc/netif_exporter/netif_exporter.yml"]
