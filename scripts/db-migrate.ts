// npm run db:migrate — applies migrations to the database chosen by DATABASE_URL / LAB_DATA_DIR.
import { migrateDeploy } from '../lib/site/migrate.ts';

try {
  const out = migrateDeploy();
  process.stdout.write(out.split('\n').filter((l) => /migration|applied/i.test(l)).join('\n') + '\n');
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
