// Generated Dockerfiles of a given length for the parser benchmark.

/** A realistic mix: continuations, comments, heredocs, JSON and shell forms, variables. */
const BLOCK = [
  '# build the app',
  'ARG VERSION=1.0',
  'FROM golang:1.22 AS build${N}',
  'ENV CGO_ENABLED=0 GOFLAGS="-mod=vendor" PATH=$PATH:/go/bin',
  'WORKDIR /src/${VERSION}',
  'COPY --chown=1000:1000 go.mod go.sum ./',
  'RUN --mount=type=cache,target=/root/.cache/go-build \\',
  '    go mod download && \\',
  '    go build -o /out/app ./cmd/app',
  'COPY <<EOF /etc/app.conf',
  'version = $VERSION',
  'EOF',
  'LABEL org.opencontainers.image.version="${VERSION}" maintainer=me',
  'EXPOSE 8080/tcp',
  'HEALTHCHECK --interval=30s CMD ["/out/app", "health"]',
  'USER 1000:1000',
  'CMD ["/out/app"]',
  '',
];

export function generate(lines: number): string {
  const out: string[] = [];
  // Whole blocks only (never cut a heredoc or a continuation), then single-line RUNs.
  for (let n = 0; out.length + BLOCK.length <= lines; n++) for (const l of BLOCK) out.push(l.replace('${N}', String(n)));
  while (out.length < lines) out.push('RUN echo pad');
  return out.join('\n') + '\n';
}

