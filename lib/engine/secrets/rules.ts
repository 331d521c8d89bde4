// The rule table. Formats follow the issuers' documented token shapes (AWS access key ids,
// GitHub's ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_ prefixes, Slack xox?-, Stripe sk_live_,
// Google AIza, npm_, GitLab glpat-, PyPI's macaroon prefix); the structure — keywords as a cheap
// pre-check, a `secret` group, an entropy floor for generic assignments, placeholder allow
// lists — is the one gitleaks and trivy use. Each rule has positive and negative cases in
// rules.test.ts.
import type { SecretRule } from './secrets.ts';

/** Values that are obviously not credentials: references, fillers, booleans, empty-ish. */
export const PLACEHOLDERS: RegExp[] = [
  /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/, // $VAR, ${VAR}
  /^\$\(.*\)$/, // $(cat /run/secrets/x)
  /^<[^>]*>$/, // <your-token>
  /^\{\{.*\}\}$/, // {{ .Token }}
  /^%[A-Za-z_]+%$/,
  /^(.)\1+$/, // xxxxxxxx, ********
  /^(true|false|yes|no|none|null|nil|undefined|empty|required|optional|secret|password|token|changeme|example|dummy|test|redacted)$/i,
  /^(your|my|some|insert|replace|put)[-_]/i,
  /example/i,
  /^\/(run\/secrets|etc|var|tmp|home|root|usr)\//, // a path to a secret, not the secret
];

const SECRET_NAME = '(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_?SECRET)';

export const RULES: SecretRule[] = [
  {
    id: 'private-key',
    title: 'Private key',
    severity: 'CRITICAL',
    keywords: ['private key'],
    reach: 17 * 1024,
    regex: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?<secret>[\s\S]{32,16384}?)-----END[ A-Z0-9_-]{0,100}PRIVATE KEY/,
    // a key body has a long base64 run; "-----BEGIN PRIVATE KEY-----\n...\n-----END" in docs does not
    allow: [/^(?![\s\S]*[A-Za-z0-9+/=]{40})/],
  },
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    severity: 'CRITICAL',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    regex: /(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])/,
    allow: [/EXAMPLE$/],
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    severity: 'CRITICAL',
    keywords: ['aws'],
    regex: /(?<key>[A-Za-z0-9_.-]{0,40}aws[A-Za-z0-9_.-]{0,40}?(?:secret|key)[A-Za-z0-9_.-]{0,40})['"]?\s*(?:=|:|=>)\s*['"]?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
    minEntropy: 3.5,
    allow: [/EXAMPLEKEY$/],
  },
  {
    id: 'github-pat',
    title: 'GitHub personal access token',
    severity: 'CRITICAL',
    keywords: ['ghp_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>ghp_[0-9A-Za-z]{36})(?![A-Za-z0-9])/,
  },
  {
    id: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    severity: 'CRITICAL',
    keywords: ['github_pat_'],
    regex: /(?<secret>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})(?![A-Za-z0-9])/,
  },
  {
    id: 'github-token',
    title: 'GitHub OAuth, app or refresh token',
    severity: 'CRITICAL',
    keywords: ['gho_', 'ghu_', 'ghs_', 'ghr_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>(?:gho|ghu|ghs)_[0-9A-Za-z]{36}|ghr_[0-9A-Za-z]{36,76})(?![A-Za-z0-9])/,
  },
  {
    id: 'gitlab-pat',
    title: 'GitLab personal access token',
    severity: 'CRITICAL',
    keywords: ['glpat-'],
    regex: /(?<secret>glpat-[0-9A-Za-z_-]{20})(?![A-Za-z0-9_-])/,
  },
  {
    id: 'slack-token',
    title: 'Slack token',
    severity: 'HIGH',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'],
    regex: /(?<secret>xox[abeprs]-(?:[0-9]+-){1,3}[0-9A-Za-z-]{10,})/,
  },
  {
    id: 'slack-webhook',
    title: 'Slack incoming webhook',
    severity: 'MEDIUM',
    keywords: ['hooks.slack.com'],
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/(?<secret>[A-Za-z0-9+/_-]{40,})/,
  },
  {
    id: 'stripe-secret-key',
    title: 'Stripe live secret key',
    severity: 'CRITICAL',
    keywords: ['sk_live_', 'rk_live_'],
    regex: /(?<![A-Za-z0-9])(?<secret>(?:sk|rk)_live_[0-9A-Za-z]{24,99})(?![A-Za-z0-9])/,
  },
  {
    id: 'google-api-key',
    title: 'Google API key',
    severity: 'HIGH',
    keywords: ['aiza'],
    regex: /(?<![A-Za-z0-9_-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/,
  },
  {
    id: 'npm-token',
    title: 'npm access token',
    severity: 'CRITICAL',
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/,
  },
  {
    id: 'pypi-token',
    title: 'PyPI upload token',
    severity: 'HIGH',
    keywords: ['pypi-ageichlwas5vcmc'],
    regex: /(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})/,
  },
  {
    id: 'docker-config-auth',
    title: 'Registry credentials in a Docker config',
    severity: 'HIGH',
    keywords: ['"auth"'],
    path: /(^|\/)\.?docker\/config\.json$|(^|\/)\.dockercfg$/,
    regex: /"auth"\s*:\s*"(?<secret>[A-Za-z0-9+/=]{8,})"/,
  },
  {
    id: 'url-credentials',
    title: 'Password in a URL',
    severity: 'HIGH',
    keywords: ['://'],
    regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/(?<key>[^\s/:@'"]{1,64}):(?<secret>[^\s/:@'"]{3,128})@[A-Za-z0-9.-]+/,
  },
  {
    id: 'env-secret',
    title: 'Secret in a KEY=value line',
    severity: 'HIGH',
    keywords: ['password', 'passwd', 'passphrase', 'secret', 'token', 'key', 'credential'],
    regex: new RegExp(`(?:^|[\\s;|&"'])(?:export\\s+|ENV\\s+|ARG\\s+|--build-arg[= ]|-e\\s*)?(?<key>[A-Z0-9_]{0,40}${SECRET_NAME}[A-Z0-9_]{0,40})=(?<q>['"]?)(?<secret>[^\\s'"#;|&]{4,512})\\k<q>`, 'm'),
  },
  {
    id: 'generic-secret-assignment',
    title: 'High-entropy value assigned to a secret-looking name',
    severity: 'MEDIUM',
    keywords: ['password', 'passwd', 'secret', 'token', 'apikey', 'api_key', 'api-key', 'credential'],
    regex: /(?<key>[A-Za-z0-9_.-]{0,40}(?:password|passwd|secret|token|api[_-]?key|credential)[A-Za-z0-9_.-]{0,40})['"]?\s*(?::=|=>|=|:)\s*['"](?<secret>[^'"\s]{16,256})['"]/i,
    minEntropy: 3.5,
  },
];
