# tamr-refresh in a container: headless, as a non-root user, every dependency cached at build time.
#
#   docker build -t tamr-refresh .
#   docker run --rm tamr-refresh demo
#   docker run --rm -e TAMR_API_KEY -v "$PWD/tamr-refresh.json:/config/tamr-refresh.json:ro" \
#     tamr-refresh run --config /config/tamr-refresh.json
#
# Arguments after the image name are tamr-refresh's (`run` is the default command). The run
# journal lives in /state: mount a volume there to keep it between containers (for --resume).
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

# Where the run journal is kept (XDG_STATE_HOME); the image's `deno` user has no home directory.
RUN mkdir -p /state && chown deno:deno /state

WORKDIR /app
USER deno

# Dependencies first: this layer is rebuilt only when deno.json or deno.lock change.
COPY deno.json deno.lock ./
RUN deno install --frozen

# Then the code; its whole module graph is resolved and cached now: nothing is fetched at run time.
COPY main.ts ./
COPY lib/ lib/
COPY tui/ tui/
RUN deno install --frozen --entrypoint main.ts

# Headless by default: never prompt, never draw the dashboard. TAMR_REFRESH_COMMAND is how the
# hints it prints (--resume) say to run it again: the image's own name, given at build time.
ARG IMAGE=tamr-refresh
# The young generation kept small (as `deno task start` has it): a thousand polls a second need
# no more, and each megabyte of it is held for good once grown.
ENV CI=true \
    DENO_V8_FLAGS=--max-semi-space-size=4 \
    XDG_STATE_HOME=/state \
    DENO_NO_UPDATE_CHECK=1 \
    TAMR_REFRESH_COMMAND="docker run --rm -e TAMR_API_KEY -v tamr-refresh-state:/state ${IMAGE}"

# The same permissions `deno task compile` bakes into the binary. Deno handles SIGINT and SIGTERM
# itself (it stops the jobs it started), so it can run as PID 1.
ENTRYPOINT ["deno", "run", "--cached-only", "--frozen", "--allow-net", "--allow-read", "--allow-write", "--allow-env", "/app/main.ts"]
CMD ["--help"]
