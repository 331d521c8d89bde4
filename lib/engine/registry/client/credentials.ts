// Credentials stored like docker's ~/.docker/config.json: {"auths":{"HOST":{"auth":"base64(user:pass)"}}}
// at $LAB_CONFIG or ~/.lab/config.json, file mode 0600.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string }>;
  [key: string]: unknown;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_CONFIG || path.join(os.homedir(), '.lab', 'config.json');
}

async function readConfig(file: string): Promise<ConfigFile> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as ConfigFile;
  } catch {
    return {};
  }
}

async function writeConfig(file: string, cfg: ConfigFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

/** Docker Hub's credentials are stored under its historical key. */
export function credentialKey(host: string): string {
  return host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host;
}

export async function loadCredentials(host: string, file = configPath()): Promise<Credentials | undefined> {
  const entry = (await readConfig(file)).auths?.[credentialKey(host)];
  if (!entry?.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function saveCredentials(host: string, creds: Credentials, file = configPath()): Promise<void> {
  const cfg = await readConfig(file);
  cfg.auths = { ...cfg.auths, [credentialKey(host)]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') } };
  await writeConfig(file, cfg);
}

/** Returns whether there was an entry to remove. */
export async function removeCredentials(host: string, file = configPath()): Promise<boolean> {
  const cfg = await readConfig(file);
  const key = credentialKey(host);
  if (!cfg.auths?.[key]) return false;
  delete cfg.auths[key];
  await writeConfig(file, cfg);
  return true;
}
