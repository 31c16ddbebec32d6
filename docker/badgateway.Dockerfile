# badgateway in a container: the .deb that CPack makes, on Debian 12, with Debian's nginx and
# PHP-FPM (what the .deb recommends: what it tests) and tini as PID 1, which reaps the processes
# nginx and PHP-FPM orphan when badgateway has no PID namespace to run them in.
#
# The build context is a directory holding the one badgateway_*.deb and nothing else:
#   cpack --config build/CPackConfig.cmake -G DEB -B /tmp/badgateway-deb
#   docker build -f docker/badgateway.Dockerfile -t badgateway:local /tmp/badgateway-deb
# Where no registry can be reached, docker/build-badgateway-image.sh makes debian:bookworm-slim
# from Debian's packages first and then builds this file unchanged. Running it: README.md,
# "badgateway in a container" (what needs --privileged, your own scenarios, serve with -p).
FROM debian:bookworm-slim

# Debian's packages first, in a layer of their own, so that a rebuilt .deb reuses it from the
# build cache. systemd-standalone-tmpfiles satisfies php8.2-fpm's "systemd | systemd-tmpfiles"
# without pulling in all of systemd, which nothing runs here. ca-certificates (and the openssl
# package it needs) gives nginx OpenSSL's openssl.cnf and the system CA store, as on a Debian
# machine: without them its TLS handshakes would run on OpenSSL's built-in defaults.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nginx php-fpm systemd-standalone-tmpfiles tini ca-certificates iproute2 \
 && rm -rf /var/lib/apt/lists/*

# apt resolves the .deb's Depends (Debian's libraries, read off the binary by dpkg-shlibdeps);
# its Recommends are installed above.
COPY badgateway_*.deb /tmp/badgateway/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      /tmp/badgateway/badgateway_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/badgateway \
 && badgateway --version

LABEL org.opencontainers.image.title="badgateway" \
      org.opencontainers.image.description="reproduce nginx 502/504s against fake upstreams, on demand"

# tini forwards docker stop's SIGTERM to badgateway, which stops every nginx, PHP-FPM and fake
# and removes its run directories (exit 143).
ENTRYPOINT ["tini", "--", "badgateway"]
# The installed catalog (/usr/share/badgateway/scenarios, found next to /usr/bin/badgateway).
CMD ["run"]
