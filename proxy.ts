// Runs before routing. A path that is not valid percent-encoded UTF-8 (e.g. /lesson/%ff) names
// nothing we have: answer 404 here instead of letting route-param decoding fail with a 500.
import { NextResponse, type NextRequest } from 'next/server';

export function proxy(req: NextRequest) {
  try {
    decodeURIComponent(req.nextUrl.pathname);
  } catch {
    return new NextResponse('Not found: that address is not valid.', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  return NextResponse.next();
}

// /v2/ (the registry) is left out: a proxy makes Next buffer request bodies and cut them at
// 10 MB, and image layers are bigger; the registry checks its own paths.
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|v2/).*)'] };
