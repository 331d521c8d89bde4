// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): the image as a CONTAINER package the
// document DESCRIBES, which CONTAINS one package per component with its purl as an external
// reference. Licenses are written only when they look like an SPDX expression (else NOASSERTION).
import { stableUuid } from './cyclonedx.ts';
import type { SbomDocumentInput } from './sbom.ts';

const SPDX_EXPRESSION = /^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$/;

export function spdx(input: SbomDocumentInput): Record<string, unknown> {
  const safeName = input.name.replace(/[^A-Za-z0-9.-]+/g, '-');
  const packages: Array<Record<string, unknown>> = [
    {
      name: input.name, SPDXID: 'SPDXRef-Image', versionInfo: input.manifestDigest, downloadLocation: 'NOASSERTION', filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER', checksums: [{ algorithm: 'SHA256', checksumValue: input.manifestDigest.replace(/^sha256:/, '') }],
    },
  ];
  if (input.os) {
    packages.push({ name: input.os.id, SPDXID: 'SPDXRef-OperatingSystem', versionInfo: input.os.versionId ?? 'NOASSERTION', downloadLocation: 'NOASSERTION', filesAnalyzed: false, primaryPackagePurpose: 'OPERATING-SYSTEM' });
  }
  const relationships: Array<Record<string, string>> = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' }];
  if (input.os) relationships.push({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-OperatingSystem' });
  input.packages.forEach((p, i) => {
    const id = `SPDXRef-Package-${p.ecosystem}-${i + 1}`;
    packages.push({
      name: p.name, SPDXID: id, versionInfo: p.version, downloadLocation: 'NOASSERTION', filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION', licenseDeclared: p.license && SPDX_EXPRESSION.test(p.license) ? p.license : 'NOASSERTION', copyrightText: 'NOASSERTION',
      sourceInfo: p.path ? `found in layer ${p.layer ?? '?'} at ${p.path}` : undefined,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
    });
    relationships.push({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: id });
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: input.name,
    documentNamespace: `https://docker-build-lab.invalid/spdx/${safeName}-${stableUuid(`${input.manifestDigest}\0spdx`)}`,
    creationInfo: { created: (input.created ?? new Date().toISOString()).replace(/\.\d{3}Z$/, 'Z'), creators: [`Tool: lab-${input.toolVersion}`] },
    packages,
    relationships,
  };
}
