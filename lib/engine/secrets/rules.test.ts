// The rule table, each rule with a case it must find and one it must not (placeholders, wrong
// shapes, low entropy), masking, config/history findings and the binary test. Token shapes
// follow the issuers' documentation; every token here is made up.
import { describe, expect, it } from 'vitest';
import { mask, looksBinary, redactSecrets, scanText } from './scanner.ts';
import { scanConfig } from './config-scan.ts';
import { RULES } from './rules.ts';

const b64 = (n: number) => 'MIIEowIBAAKCAQEAx4Qz9VtYb3LmN8pR2sKq'.repeat(4).slice(0, n);
const KEY = `-----BEGIN RSA PRIVATE KEY-----\n${b64(64)}\n${b64(64)}\n-----END RSA PRIVATE KEY-----\n`;

const CASES: Record<string, { hit: string; miss: string }> = {
  'private-key': { hit: KEY, miss: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----' },
  'aws-access-key-id': { hit: 'id = AKIAZ7QRSTUVWXYZ2345', miss: 'id = AKIAIOSFODNN7EXAMPLE' },
  'aws-secret-access-key': { hit: 'aws_secret_access_key = "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"', miss: 'aws_secret_access_key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"' },
  'github-pat': { hit: 'token: ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A', miss: 'token: ghp_short' },
  'github-fine-grained-pat': { hit: `github_pat_${'A1b2C3d4E5f6G7h8I9j0K1'}_${'x'.repeat(30)}${'Y7z8A9b0C1d2E3f4G5h6I7j8K9l0M'}`, miss: 'github_pat_123' },
  'github-token': { hit: 'gho_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A', miss: 'gho_' },
  'gitlab-pat': { hit: 'glpat-Ab3De5Fg7Hj9Kl1Mn2Pq', miss: 'glpat-short' },
  'slack-token': { hit: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', miss: 'xoxb-' },
  'slack-webhook': { hit: 'https://hooks.slack.com/services/T01ABCDEF/B01ABCDEF/AbCdEfGhIjKlMnOpQrStUvWx', miss: 'https://hooks.slack.com/' },
  'stripe-secret-key': { hit: 'STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dc9', miss: 'STRIPE=sk_test_4eC39HqLyjWDarjtT1zdp7dc' },
  'google-api-key': { hit: 'key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q', miss: 'key=AIzaShort' },
  'npm-token': { hit: '//registry.npmjs.org/:_authToken=npm_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A', miss: 'npm_install' },
  'pypi-token': { hit: `password = pypi-AgEIcHlwaS5vcmc${'Ab1Cd2Ef3Gh4'.repeat(6)}`, miss: 'pypi-AgEI' },
  'url-credentials': { hit: 'DATABASE_URL=postgres://app:s3cr3tP4ss@db.internal:5432/app', miss: 'https://example.org/path' },
  'env-secret': { hit: 'DB_PASSWORD=hunter2hunter2', miss: 'DB_PASSWORD=${DB_PASSWORD}' },
  'generic-secret-assignment': { hit: 'client_secret: "Zk8#qL2!vR9@xW4$mN7%"', miss: 'client_secret: "aaaaaaaaaaaaaaaaaaaa"' },
};

describe('secret rules', () => {
  it('has a test case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.filter((r) => !r.path).map((r) => r.id).sort());
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id}: finds the real shape and ignores the look-alike`, () => {
      expect(scanText(c.hit).map((m) => m.rule.id)).toContain(id);
      expect(scanText(c.miss).map((m) => m.rule.id)).not.toContain(id);
    });
  }

  it('limits path-bound rules to their files', () => {
    const cfg = '{"auths":{"registry.example":{"auth":"dXNlcjpwYXNzd29yZDEyMw=="}}}';
    expect(scanText(cfg, { path: 'root/.docker/config.json' }).map((m) => m.rule.id)).toContain('docker-config-auth');
    expect(scanText(cfg, { path: 'app/data.json' }).map((m) => m.rule.id)).not.toContain('docker-config-auth');
  });

  it('reports one finding per secret and line, the most specific rule first, with line numbers', () => {
    const text = 'x=1\nAWS_ACCESS_KEY_ID=AKIAZ7QRSTUVWXYZ2345\n\nAPI_TOKEN=ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A\n';
    expect(scanText(text).map((m) => [m.line, m.rule.id, m.key])).toEqual([[2, 'aws-access-key-id', undefined], [4, 'github-pat', undefined]]);
  });

  it('masks the middle and never returns the whole value', () => {
    expect(mask('AKIAZ7QRSTUVWXYZ2345')).toBe('AKIA************2345');
    expect(mask('hunter2hunter2')).toBe('hu**********r2');
    expect(mask('abc')).toBe('a***');
    const found = scanText(KEY)[0];
    expect(found.masked).not.toContain(b64(64));
    expect(redactSecrets('RUN |1 TOKEN=ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A /bin/sh -c make')).toBe(`RUN |1 TOKEN=ghp_${'*'.repeat(24)}2z4A /bin/sh -c make`);
  });

  it('finds secrets in ENV, LABEL and history (build args of a RUN)', () => {
    const steps = [
      { history: 0, createdBy: 'ENV DB_PASSWORD=hunter2hunter2', instruction: 'ENV DB_PASSWORD=hu**********r2' },
      { history: 1, createdBy: 'RUN |1 GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A /bin/sh -c ./build # buildkit', instruction: 'RUN ./build', layer: 1 },
    ];
    const found = scanConfig({ config: { Env: ['PATH=/bin', 'DB_PASSWORD=hunter2hunter2'], Labels: { 'db.password': 'Sup3rS3cret!' } } }, steps);
    expect(found.map((f) => [f.source, f.rule, f.key, f.step?.history, f.layer])).toEqual([
      ['env', 'env-secret', 'DB_PASSWORD', 0, undefined],
      ['label', 'env-secret', 'db.password', undefined, undefined],
      ['history', 'github-pat', undefined, 1, 1],
    ]); // the history's ENV step holds the same secret as the ENV finding: reported once
  });

  it('tells binary from text like git', () => {
    expect(looksBinary(Buffer.from('hello\nworld'))).toBe(false);
    expect(looksBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toBe(true);
  });
});
