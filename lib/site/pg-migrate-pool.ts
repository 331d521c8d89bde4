// A pg.Pool for Prisma's wasm schema engine (prisma.config.ts only). @prisma/adapter-pg 6.19
// cannot decode columns of PostgreSQL's `name` type (oid 19), which the schema engine reads
// from the catalog (prisma/orm issue 27403), so `migrate deploy` fails. `name` is plain text
// on the wire: we report such columns as `text` (oid 25) before the adapter sees them.
import pg from 'pg';

const NAME_OIDS = new Set([19, 18]); // name, "char"
const TEXT_OID = 25;

function retype(result: unknown): unknown {
  for (const r of Array.isArray(result) ? result : [result]) {
    const fields = (r as { fields?: { dataTypeID: number }[] })?.fields;
    if (fields) for (const f of fields) if (NAME_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  }
  return result;
}

function wrapQuery(target: { query: (...a: unknown[]) => unknown }): void {
  const original = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const out = original(...args);
    return out instanceof Promise ? out.then(retype) : out;
  };
}

export function migrationPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  pool.on('connect', (client) => wrapQuery(client as unknown as { query: (...a: unknown[]) => unknown }));
  wrapQuery(pool as unknown as { query: (...a: unknown[]) => unknown });
  return pool;
}
