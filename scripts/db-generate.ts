// npm run db:generate — generates both Prisma clients into lib/generated/{sqlite,postgres}.
import { generateClients } from '../lib/site/migrate.ts';

generateClients();
process.stdout.write('Prisma clients generated in lib/generated/{sqlite,postgres}\n');
