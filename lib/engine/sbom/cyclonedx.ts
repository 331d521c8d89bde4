// CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/): the image as metadata.component
// (type container), the OS as an operating-system component, one library component per package
// with its purl, license, and where it was found (lab:layer, lab:path properties).
import { createHash } from 'node:crypto';
import type { Package, SbomDocumentInput } from './sbom.ts';

/** A name-based (v5-style) UUID from a string, so the same image gives the same document. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function licenses(p: Package) {
  if (!p.license) return undefined;
  // an expression with operators as such; a single name as a named license (ids are not checked here)
  return / (AND|OR|WITH) /.test(p.license) ? [{ expression: p.license }] : [{ license: { name: p.license } }];
}

export function cycloneDx(input: SbomDocumentInput): Record<string, unknown> {
  const imageRef = `image:${input.manifestDigest}`;
  const components: Array<Record<string, unknown>> = [];
  if (input.os) {
    components.push({ 'bom-ref': `os:${input.os.id}@${input.os.versionId ?? ''}`, type: 'operating-system', name: input.os.id, version: input.os.versionId, description: input.os.prettyName });
  }
  input.packages.forEach((p, i) => {
    const props = [
      { name: 'lab:ecosystem', value: p.ecosystem },
      ...(p.layer !== undefined ? [{ name: 'lab:layer', value: String(p.layer) }] : []),
      ...(p.path ? [{ name: 'lab:path', value: p.path }] : []),
      ...(p.sourceName && p.sourceName !== p.name ? [{ name: 'lab:source-package', value: `${p.sourceName}@${p.sourceVersion ?? ''}` }] : []),
      ...(p.goRole ? [{ name: 'lab:go-role', value: p.goRole }] : []),
    ];
    components.push({ 'bom-ref': `pkg-${i + 1}:${p.purl}`, type: 'library', name: p.name, version: p.version, purl: p.purl, licenses: licenses(p), properties: props });
  });
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${stableUuid(`${input.manifestDigest}\0cyclonedx`)}`,
    version: 1,
    metadata: {
      timestamp: input.created ?? new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'lab', version: input.toolVersion }] },
      component: { 'bom-ref': imageRef, type: 'container', name: input.name, version: input.manifestDigest, properties: [{ name: 'lab:config-digest', value: input.configDigest }] },
    },
    components,
    dependencies: [{ ref: imageRef, dependsOn: components.map((c) => c['bom-ref']) }],
  };
}
