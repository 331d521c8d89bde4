// CSRF check for route handlers that change state: the browser's Origin (or Referer) must
// name the host the request was sent to. Server actions get the same check from Next itself.
export function sameOrigin(headers: Headers): boolean {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (!host) return false;
  const source = headers.get('origin') ?? headers.get('referer');
  if (!source) return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}
