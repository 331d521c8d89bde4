/**
 * Base images that exist without a registry: what `FROM scratch` and `FROM busybox` start from
 * on a machine with no internet.
 *
 * Terms
 *   scratch   Docker's reserved empty image: no layers, no config of its own. `FROM scratch`
 *             is not a lookup at all — the build starts from an empty rootfs and a default
 *             config (PATH only). It cannot be tagged, pulled or listed.
 *   busybox   The official busybox image is one layer: a static /bin/busybox plus one link per
 *             applet (/bin/sh, /bin/ls, ...) and a minimal /etc (passwd, group), /tmp 1777,
 *             /root 0700, /home, /var; config Cmd ["sh"]. We make the same image offline from
 *             Debian's busybox-static binary (/bin/busybox).
 *
 * Lifecycle
 *   ensureBaseImages(images) runs at engine start-up (daemon or direct CLI): when
 *   busybox:latest is missing it builds it — temp tree -> layer writer (layer/) -> putImage —
 *   and tags docker.io/library/busybox:latest. The result is deterministic: mtimes are clamped
 *   to the busybox binary's own mtime (SOURCE_DATE_EPOCH-style) and the config's created time
 *   is that same instant, so two machines with the same Debian package get the same digest.
 *   An existing busybox:latest (e.g. loaded with `lab load`) is never overwritten.
 */
import type { ImageConfig } from '../image/image.ts';

export { buildBusyboxImage, ensureBusybox, busyboxApplets, busyboxRefs, BUSYBOX_REF, DEFAULT_BUSYBOX_BINARY } from './busybox-image.ts';
export { isScratch, scratchConfig, SCRATCH } from './scratch.ts';

export type BaseImageConfig = ImageConfig;
