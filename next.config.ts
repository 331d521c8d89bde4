import type { NextConfig } from 'next';

const config: NextConfig = {
  // Native or heavy server-only packages are loaded from node_modules, not bundled.
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'pg', '@prisma/adapter-pg', 'shiki'],
  experimental: {
    // Forms here are tiny; anything bigger is refused before our code runs.
    serverActions: { bodySizeLimit: '64kb' },
  },
  poweredByHeader: false,
  // `next build` type-checks the site's own files (app, components, lib/{auth,content,...});
  // the engine has its own `tsc` run, so a half-finished engine file cannot block the site.
  typescript: { tsconfigPath: 'tsconfig.site.json' },
};

export default config;
