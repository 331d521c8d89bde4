// The OCI distribution API on the site's origin: every method is forwarded to the registry
// handler (lib/site/registry-server.ts). Auth is the registry's own token flow, not cookies.
import { proxyRegistryRequest } from '@/lib/site/registry-server.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const handle = (req: Request) => proxyRegistryRequest(req);

export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
