// Package records of each ecosystem, parsed from crafted files; Go build info from a crafted
// ELF (Go's debug/buildinfo layout, src/debug/buildinfo/buildinfo.go) streamed in small chunks;
// the SBOM documents' required fields (CycloneDX 1.5, SPDX 2.3 specifications).
import { describe, expect, it } from 'vitest';
import { parseDpkgStatus } from './dpkg.ts';
import { parsePythonMetadata } from './python.ts';
import { parseNpmPackageJson } from './npm.ts';
import { parseOsRelease } from './os-release.ts';
import { recordKind } from './catalog.ts';
import { GoBuildInfoSniffer, goPackages, parseGoBuildInfo } from './go-buildinfo.ts';
import { cycloneDx } from './cyclonedx.ts';
import { spdx } from './spdx.ts';
import { DPKG_STATUS, MOD_INFO, fakeGoBinary } from './testing.ts';

describe('catalogers', () => {
  it('lists installed dpkg packages with their source package', () => {
    const pkgs = parseDpkgStatus(DPKG_STATUS, { id: 'debian', versionId: '12' });
    expect(pkgs.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion, p.purl])).toEqual([
      ['libssl3', '3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'],
      ['zlib1g', '1:1.2.13.dfsg-1', 'zlib', '1:1.2.13.dfsg-1', 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12'],
      ['base-files', '12.4+deb12u5', 'base-files', '12.4+deb12u5', 'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12'],
    ]);
    // distroless: one paragraph per file, no Status field
    expect(parseDpkgStatus('Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n', undefined, { requireStatus: false }).map((p) => p.name)).toEqual(['tzdata']);
  });

  it('reads Python core metadata, npm package.json and os-release', () => {
    const py = parsePythonMetadata('Metadata-Version: 2.1\nName: Requests\nVersion: 2.28.1\nLicense: Apache 2.0\n\nName: not-this\n');
    expect([py?.name, py?.version, py?.license, py?.purl]).toEqual(['Requests', '2.28.1', 'Apache 2.0', 'pkg:pypi/requests@2.28.1']);
    const npm = parseNpmPackageJson('{"name":"@babel/core","version":"7.22.0","license":"MIT"}');
    expect([npm?.name, npm?.purl, npm?.license]).toEqual(['@babel/core', 'pkg:npm/%40babel/core@7.22.0', 'MIT']);
    expect(parseNpmPackageJson('{"name":"x"}')).toBeUndefined();
    expect(parseNpmPackageJson('not json')).toBeUndefined();
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n')).toEqual({ id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('recognises record files by path only where package managers put them', () => {
    expect(recordKind('var/lib/dpkg/status')).toBe('dpkg-status');
    expect(recordKind('var/lib/dpkg/status-old')).toBeUndefined();
    expect(recordKind('var/lib/dpkg/status.d/tzdata')).toBe('dpkg-status-d');
    expect(recordKind('var/lib/dpkg/status.d/tzdata.md5sums')).toBeUndefined();
    expect(recordKind('usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA')).toBe('python');
    expect(recordKind('usr/lib/python3/dist-packages/six-1.16.0.egg-info')).toBe('python');
    expect(recordKind('app/node_modules/lodash/package.json')).toBe('npm');
    expect(recordKind('app/node_modules/@babel/core/package.json')).toBe('npm');
    expect(recordKind('app/node_modules/lodash/fp/package.json')).toBeUndefined();
    expect(recordKind('app/package.json')).toBeUndefined();
    expect(recordKind('etc/os-release')).toBe('os-release');
  });
});

describe('Go build info', () => {
  const bin = fakeGoBinary('go1.19.8', MOD_INFO);

  it('parses the header, the version and the module list (replacements applied)', () => {
    const info = parseGoBuildInfo(bin.subarray(0x2000));
    expect(info?.goVersion).toBe('go1.19.8');
    expect(info?.main).toEqual({ path: 'example.com/app', version: 'v1.2.3' });
    expect(goPackages(info!).map((p) => [p.name, p.version, p.goRole, p.purl])).toEqual([
      ['stdlib', 'v1.19.8', 'stdlib', 'pkg:golang/stdlib@v1.19.8'],
      ['example.com/app', 'v1.2.3', 'main', 'pkg:golang/example.com/app@v1.2.3'],
      ['golang.org/x/net', 'v0.10.0', 'dep', 'pkg:golang/golang.org/x/net@v0.10.0'],
      ['golang.org/x/text', 'v0.9.0', 'dep', 'pkg:golang/golang.org/x/text@v0.9.0'],
    ]);
  });

  it('finds it while the file streams in odd-sized chunks, past a decoy copy of the magic', () => {
    for (const size of [7, 100, 4096, bin.length]) {
      const s = new GoBuildInfoSniffer();
      for (let i = 0; i < bin.length; i += size) s.push(bin.subarray(i, i + size));
      expect(s.end()?.goVersion).toBe('go1.19.8');
    }
    const notElf = new GoBuildInfoSniffer();
    notElf.push(Buffer.concat([Buffer.from('#!/bin/sh\n'), bin.subarray(10)]));
    expect(notElf.end()).toBeUndefined();
  });
});

describe('SBOM documents', () => {
  const input = {
    name: 'app:1', manifestDigest: `sha256:${'a'.repeat(64)}`, configDigest: `sha256:${'b'.repeat(64)}`, toolVersion: '0.1.0', created: '2024-01-01T00:00:00.000Z',
    os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    packages: [{ ecosystem: 'npm' as const, name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', layer: 1, path: '/app/node_modules/lodash/package.json', license: 'MIT' }],
  };

  it('writes CycloneDX 1.5 with the image as metadata component and purls', () => {
    const doc = cycloneDx(input) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([doc.bomFormat, doc.specVersion, doc.version]).toEqual(['CycloneDX', '1.5', 1]);
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.metadata.component).toMatchObject({ type: 'container', name: 'app:1', version: input.manifestDigest });
    expect(doc.components.map((c: any) => [c.type, c.name, c.purl])).toEqual([['operating-system', 'debian', undefined], ['library', 'lodash', 'pkg:npm/lodash@4.17.20']]); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(doc.components[1].properties).toContainEqual({ name: 'lab:layer', value: '1' });
    expect(doc.dependencies[0].dependsOn).toHaveLength(2);
  });

  it('writes SPDX 2.3 with DESCRIBES and CONTAINS relationships', () => {
    const doc = spdx(input) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([doc.spdxVersion, doc.dataLicense, doc.SPDXID]).toEqual(['SPDX-2.3', 'CC0-1.0', 'SPDXRef-DOCUMENT']);
    expect(doc.creationInfo.created).toBe('2024-01-01T00:00:00Z');
    const lodash = doc.packages.find((p: any) => p.name === 'lodash'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(lodash).toMatchObject({ versionInfo: '4.17.20', licenseDeclared: 'MIT', filesAnalyzed: false, downloadLocation: 'NOASSERTION' });
    expect(lodash.externalRefs).toEqual([{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/lodash@4.17.20' }]);
    expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
    expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: lodash.SPDXID });
    for (const p of doc.packages) expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
  });
});
