// Version order per ecosystem (Debian's checked against the machine's own dpkg), CVSS v3 scores
// (FIRST's published examples), OSV range evaluation (osv-schema "Evaluation"), and a scan of a
// crafted image with a package of each ecosystem against the fixture database in testdata/osv.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compareDebianVersions } from './debian-version.ts';
import { compareVersions } from './versions.ts';
import { cvss3BaseScore, ratingOf } from './cvss.ts';
import { evaluateAffected } from './match.ts';
import { openOsvDatabase } from './osv-db.ts';
import { hasTool } from '../layer/testing.ts';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { createImageStore } from '../image/layout-image-store.ts';
import { putTestImage } from '../image-index/testing.ts';
import { LocalAnalysisApi } from '../image-index/analysis-api.ts';
import { imageIndexCache } from '../image-index/index-cache.ts';
import { DPKG_STATUS, MOD_INFO, fakeGoBinary } from '../sbom/testing.ts';

const FIXTURE = path.resolve(__dirname, '../../../testdata/osv');

const DEBIAN_PAIRS: Array<[string, string]> = [
  ['1.0', '1.0-1'], ['1.0~rc1', '1.0'], ['1.0~rc1-1', '1.0-1'], ['1:0.9', '2.0'], ['2.0a', '2.0'], ['2.0+b1', '2.0'], ['2.0.1', '2.0a'],
  ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1'], ['1:1.2.13.dfsg-1', '1:1.2.13.dfsg-1+b1'], ['1.2.3', '1.2.3'], ['10', '9'], ['1.01', '1.1'],
  ['a', 'b'], ['1.0.0~', '1.0.0'], ['1.0-1~bpo1', '1.0-1'], ['2.36.1-8+deb12u1', '2.36.1-8'], ['0.9.8-1', '0.9.10-1'], ['1.0-0.1', '1.0-0+1'],
];

describe('version order', () => {
  it.skipIf(!hasTool('dpkg'))('orders Debian versions exactly as dpkg --compare-versions does', () => {
    for (const [a, b] of DEBIAN_PAIRS) {
      const dpkg = (op: string) => {
        try {
          execFileSync('dpkg', ['--compare-versions', a, op, b]);
          return true;
        } catch {
          return false;
        }
      };
      const want = dpkg('lt') ? -1 : dpkg('eq') ? 0 : 1;
      expect([a, b, Math.sign(compareDebianVersions(a, b))]).toEqual([a, b, want]);
      expect(Math.sign(compareDebianVersions(b, a))).toBe(want === 0 ? 0 : -want);
    }
  });

  it('orders PEP 440, npm semver and Go module versions', () => {
    expect(compareVersions('PyPI', '2.28.1', '2.31.0')).toBeLessThan(0);
    expect(compareVersions('PyPI', '1.0rc1', '1.0')).toBeLessThan(0);
    expect(compareVersions('PyPI', '1.0.post1', '1.0')).toBeGreaterThan(0);
    expect(compareVersions('PyPI', '1!0.1', '2.0')).toBeGreaterThan(0);
    expect(compareVersions('npm', '4.17.20', '4.17.21')).toBeLessThan(0);
    expect(compareVersions('npm', '1.0.0-beta.2', '1.0.0')).toBeLessThan(0);
    expect(compareVersions('Go', 'v0.10.0', '0.17.0')).toBeLessThan(0);
    expect(compareVersions('Go', '1.21.0-0', '1.21.0')).toBeLessThan(0);
    expect(compareVersions('Go', 'v0.0.0-20210226172049-e18ecbb05110', '0.1.0')).toBeLessThan(0);
    expect(compareVersions('npm', '0', '0.0.1')).toBeLessThan(0);
  });
});

describe('CVSS v3 and OSV ranges', () => {
  it('computes base scores and ratings', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')).toBe(7.2);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H')).toBe(5.5);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N')).toBe(7.2);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
    expect(cvss3BaseScore('CVSS:4.0/AV:N')).toBeUndefined();
    expect([9.8, 7.2, 6.1, 0.5, 0].map(ratingOf)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
  });

  it('evaluates introduced / fixed / last_affected events and explicit versions', () => {
    const aff = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }] }] };
    expect(evaluateAffected('Go', '1.19.8', aff)).toEqual({ affected: true, fixed: '1.20.10' });
    expect(evaluateAffected('Go', '1.20.10', aff)).toEqual({ affected: false, fixed: '' });
    expect(evaluateAffected('Go', '1.21.1', aff)).toEqual({ affected: true, fixed: '1.21.3' });
    const last = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '7.23.0' }] }] };
    expect(evaluateAffected('npm', '7.23.0', last).affected).toBe(true);
    expect(evaluateAffected('npm', '7.23.1', last).affected).toBe(false);
    expect(evaluateAffected('PyPI', '2.19.1', { versions: ['2.19.0', '2.19.1'] }).affected).toBe(true);
    expect(evaluateAffected('Debian', '3.0.11-1~deb12u2', { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] })).toEqual({ affected: true, fixed: '3.0.13-1~deb12u1' });
    expect(evaluateAffected('Debian', '1.0', { ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }).affected).toBe(false);
  });
});

describe('scan of a crafted image against the fixture database', () => {
  let tmp: string;
  let api: LocalAnalysisApi;
  let content: OciLayoutStore;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vuln-'));
    content = new OciLayoutStore(path.join(tmp, 'store'));
    await content.init();
    const images = createImageStore(content);
    await putTestImage(images, {
      tag: 'app:1',
      layers: [
        ['d:etc/', 'l:etc/os-release->../usr/lib/os-release', 'd:usr/', 'd:usr/lib/', 'f:usr/lib/os-release=PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n', 'd:var/', 'd:var/lib/', 'd:var/lib/dpkg/', `f:var/lib/dpkg/status=${DPKG_STATUS}`],
        [
          'd:usr/lib/python3/', 'd:usr/lib/python3/dist-packages/', 'd:usr/lib/python3/dist-packages/requests-2.28.1.dist-info/', 'f:usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA=Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n',
          'd:app/', 'd:app/node_modules/', 'd:app/node_modules/lodash/', 'f:app/node_modules/lodash/package.json={"name":"lodash","version":"4.17.20","license":"MIT"}',
          'd:app/node_modules/@babel/', 'd:app/node_modules/@babel/core/', 'f:app/node_modules/@babel/core/package.json={"name":"@babel/core","version":"7.22.0"}',
          'd:var/lib/dpkg/status.d/', 'f:var/lib/dpkg/status.d/tzdata=Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n',
        ],
        ['d:usr/local/', 'd:usr/local/bin/', { name: 'usr/local/bin/app', type: 'file', mode: 0o755, content: fakeGoBinary('go1.19.8', MOD_INFO) }],
        ['d:app/node_modules/@babel/', 'w:app/node_modules/@babel/.wh.core'],
      ],
    });
    api = new LocalAnalysisApi({ root: tmp, content, images, osvDb: FIXTURE });
  });

  afterAll(async () => {
    imageIndexCache(tmp, content).close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('lists the merged view’s packages of every ecosystem, with the layer that brought each', async () => {
    const { os: release, packages } = await api.packages('app:1');
    expect(release).toMatchObject({ id: 'debian', versionId: '12' });
    expect(packages.map((p) => [p.ecosystem, p.name, p.version, p.layer, p.path])).toEqual([
      ['deb', 'base-files', '12.4+deb12u5', 0, '/var/lib/dpkg/status'],
      ['deb', 'libssl3', '3.0.11-1~deb12u2', 0, '/var/lib/dpkg/status'],
      ['deb', 'tzdata', '2024a-0+deb12u1', 1, '/var/lib/dpkg/status.d/tzdata'],
      ['deb', 'zlib1g', '1:1.2.13.dfsg-1', 0, '/var/lib/dpkg/status'],
      ['golang', 'example.com/app', 'v1.2.3', 2, '/usr/local/bin/app'],
      ['golang', 'golang.org/x/net', 'v0.10.0', 2, '/usr/local/bin/app'],
      ['golang', 'golang.org/x/text', 'v0.9.0', 2, '/usr/local/bin/app'],
      ['golang', 'stdlib', 'v1.19.8', 2, '/usr/local/bin/app'],
      ['npm', 'lodash', '4.17.20', 1, '/app/node_modules/lodash/package.json'],
      ['pypi', 'requests', '2.28.1', 1, '/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA'],
    ]); // @babel/core was deleted by layer 3: not in the image's SBOM
    const cdx = await api.sbom('app:1', 'cyclonedx') as { components: Array<{ purl?: string }> };
    expect(cdx.components.map((c) => c.purl).filter(Boolean)).toContain('pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12');
  });

  it('matches each ecosystem by its own rules, like trivy’s table', async () => {
    const r = await api.vulnerabilities('app:1');
    expect(r.ecosystems).toEqual(['Debian:12', 'Go', 'PyPI', 'npm']);
    expect(r.findings.map((f) => [f.package.name, f.id, f.severity, f.installed, f.fixed])).toEqual([
      ['golang.org/x/net', 'CVE-2023-39325', 'UNKNOWN', 'v0.10.0', '0.17.0'],
      ['libssl3', 'CVE-2024-0727', 'UNKNOWN', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'],
      ['lodash', 'CVE-2021-23337', 'HIGH', '4.17.20', '4.17.21'],
      ['requests', 'CVE-2023-32681', 'MEDIUM', '2.28.1', '2.31.0'],
      ['stdlib', 'CVE-2023-39325', 'UNKNOWN', 'v1.19.8', '1.20.10'],
      ['zlib1g', 'CVE-2023-45853', 'CRITICAL', '1:1.2.13.dfsg-1', ''],
    ]);
    expect(r.counts).toMatchObject({ CRITICAL: 1, HIGH: 1, MEDIUM: 1, UNKNOWN: 3 });
  });

  it('keeps its OSV index until the directory changes', async () => {
    const cache = path.join(tmp, 'osv-cache');
    const db1 = await openOsvDatabase(FIXTURE, cache);
    expect(db1.records).toBe(9);
    expect(db1.lookup('PyPI', 'REQUESTS').map((x) => x.id).sort()).toEqual(['GHSA-j8r2-6x86-q33q', 'PYSEC-2018-28']);
    db1.close();
    const [file] = (await fs.readdir(cache)).filter((n) => n.endsWith('.sqlite'));
    const before = (await fs.stat(path.join(cache, file))).mtimeMs;
    (await openOsvDatabase(FIXTURE, cache)).close();
    expect((await fs.stat(path.join(cache, file))).mtimeMs).toBe(before);
    await expect(openOsvDatabase(path.join(tmp, 'missing'), cache)).rejects.toThrow(/LAB_OSV_DB/);
  });
});
