# Cloudtalents app image: build (with the lint step) in one stage, run the
# server binary and the built site in a slim one as a non-root user.

# The base images (build arguments, passed through by compose from the
# environment of the same name): a mirror or a local copy can stand in.
ARG RUST_IMAGE=rust:1.95-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim
# Where the binary and the site come from: `builder` compiles them here;
# `prebuilt` takes a release build made outside Docker (`make build`), given
# as the `host-build` build context: cloudtalents, hash.txt and site/.
ARG APP_BUILD=builder

FROM ${RUST_IMAGE} AS builder
WORKDIR /src
ENV CARGO_TERM_COLOR=never \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    LEPTOS_OUTPUT_NAME=cloudtalents
# Node for wasm-opt (npm binaryen; Debian's binaryen builds a WASM that
# fails to hydrate).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add wasm32-unknown-unknown \
 && rustup component add clippy rustfmt

# Tools in their own layers: they survive every source change.
COPY scripts/install-crate.sh scripts/install-crate.sh
COPY Cargo.lock Cargo.lock
RUN scripts/install-crate.sh cargo-leptos 0.3.11 cargo-leptos --features no_downloads cargo-util-schemas@0.14.1 \
 && scripts/install-crate.sh wasm-bindgen-cli \
      "$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3}' Cargo.lock)" \
      wasm-bindgen webpki-roots@1.0.10
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Lint, then build the release site. The registry and target folder live
# in BuildKit cache mounts, so a source change recompiles only our crates,
# not every dependency.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo fmt --all --check \
 && cargo clippy --release --locked --workspace --all-targets --features cloudtalents/ssr -- -D warnings \
 && cargo clippy --release --locked --lib --target wasm32-unknown-unknown \
      --no-default-features --features hydrate -- -D warnings \
 && cargo leptos build --release --precompress --cargo-locked --split \
 && node scripts/pin-pkg-names.mjs target/site/pkg target/release/hash.txt \
 && mkdir -p /out \
 && cp target/release/cloudtalents target/release/hash.txt /out/ \
 && cp -r target/site /out/site

FROM scratch AS prebuilt
# hadolint ignore=DL3022
COPY --from=host-build cloudtalents hash.txt /out/
# hadolint ignore=DL3022
COPY --from=host-build site /out/site

FROM ${APP_BUILD} AS app-build

FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app/media /app/data \
 && chown app:app /app/media /app/data
WORKDIR /app
# hash.txt beside the binary: the content-hashed names of the site's files.
COPY --from=app-build /out/cloudtalents /out/hash.txt /app/
COPY --from=app-build /out/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:8000 \
    LEPTOS_ENV=PROD \
    MEDIA_ROOT=/app/media \
    RUST_LOG=info
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/app/cloudtalents", "healthcheck"]
ENTRYPOINT ["/app/cloudtalents"]
CMD ["serve"]
