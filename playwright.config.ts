// End-to-end tests in Debian's Chromium (no browser download). The web server is built once
// and started with our custom server (server/main.ts) on a free port against a fresh temporary SQLite database.
// E2E_SKIP_BUILD=1 reuses an existing .next build.
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Computed once in the runner; workers inherit the environment and so see the same values.
process.env.E2E_PORT ??= execFileSync(process.execPath, [
  '-e',
  "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
]).toString();
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-'));
const port = Number(process.env.E2E_PORT);
const dataDir = process.env.E2E_DATA_DIR;
const build = process.env.E2E_SKIP_BUILD ? '' : 'npm run build && ';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  globalTeardown: './e2e/teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${build}npm run db:migrate && npx tsx server/main.ts --host 127.0.0.1 --port ${port}`,
    url: `http://127.0.0.1:${port}/signin`,
    timeout: 400_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { LAB_DATA_DIR: dataDir, LAB_ROOT: path.join(dataDir, 'engine'), DATABASE_URL: '', NEXT_TELEMETRY_DISABLED: '1', LAB_INSTRUCTOR_EMAILS: 'teacher@example.com' },
  },
});
