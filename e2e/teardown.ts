// Removes the temporary SQLite database the e2e web server used.
import fs from 'node:fs';

export default function teardown(): void {
  const dir = process.env.E2E_DATA_DIR;
  if (dir && dir.includes('lab-e2e-')) fs.rmSync(dir, { recursive: true, force: true });
}
