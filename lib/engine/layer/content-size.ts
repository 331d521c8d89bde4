// A layer's size as docker counts it for `docker history` and `docker images` SIZE (moby's
// archive.ChangesSize): regular files' bytes and symlink targets' lengths; directories, hard
// links (their file is counted once) and whiteouts count 0.
export function entryContentBytes(h: { name: string; type?: string | null; size?: number; linkname?: string | null }): number {
  const base = h.name.replace(/\/+$/, '').split('/').pop() ?? '';
  if (base.startsWith('.wh.')) return 0;
  if (h.type === 'file' || h.type === 'contiguous-file') return h.size ?? 0;
  if (h.type === 'symlink') return Buffer.byteLength(h.linkname ?? '');
  return 0;
}
