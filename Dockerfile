# syntax=docker/dockerfile:1
#
# cis-filters as a container image (docs/install.md):
#
#   docker build -t cis-filters --build-arg GIT_COMMIT="$(git rev-parse HEAD)" .
#   docker run --rm -v "$PWD:/work:ro" cis-filters lint .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN \
#     -e AWS_REGION cis-filters verify
#   docker run --rm --user "$(id -u):$(id -g)" -v "$HOME/.aws:/home/nonroot/.aws:ro" \
#     -e AWS_PROFILE=audit cis-filters verify
#
# Two stages: `build` compiles a static (musl) binary with every feature on
# Alpine's Rust image, keeping cargo's registry and target directory in
# BuildKit caches between builds; the runtime stage is distroless/static: the
# binary, CA certificates for HTTPS to AWS, and a non-root user, nothing else.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-alpine AS build
# A C compiler and musl's headers for aws-lc-sys (TLS for the AWS SDK).
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev gcc
WORKDIR /src
COPY . .
# The commit for `cis-filters --version` (the build context has no .git).
ARG GIT_COMMIT=unknown
# `aws`: live audits (`verify` without --snapshot, `collect`); `cli` is on by default.
ARG FEATURES=aws
ENV CIS_FILTERS_GIT_COMMIT=${GIT_COMMIT}
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --features "${FEATURES}" \
    && cp target/release/cis-filters /usr/local/bin/cis-filters \
    && /usr/local/bin/cis-filters --version

FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /usr/local/bin/cis-filters /usr/local/bin/cis-filters
# distroless's `nonroot` user (uid 65532, home /home/nonroot: mount ~/.aws at
# /home/nonroot/.aws).
USER 65532:65532
# The AWS SDK looks for ~/.aws here, also under `docker run --user "$(id -u):$(id -g)"`.
ENV HOME=/home/nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/cis-filters"]
CMD ["--help"]
