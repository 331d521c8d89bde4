import { hasTool, isRoot } from '../layer/testing.ts';
import { snapshotterConformance } from './conformance-suite.ts';
import { CopySnapshotter } from './copy-snapshotter.ts';

// root: the suite chowns files and creates a fifo/whiteouts; attr: capability xattrs are compared
const enabled = isRoot && hasTool('getfattr');
if (!enabled) console.warn('CopySnapshotter tests skipped: they need root and the Debian package "attr"');

snapshotterConformance('copy', (root, store) => new CopySnapshotter({ root, store }), enabled);
