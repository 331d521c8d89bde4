// Whether this server can start sandboxed shells, and if not, a reason a student (or the person
// running the lab) can act on. Cheap checks only: the terminal page calls it on every render.
import fs from 'node:fs';
import { cgroupsAvailable } from '../terminal/shell-cgroup.ts';

const BWRAP = ['/usr/bin/bwrap', '/bin/bwrap'];

/** null when shells can start; otherwise why not. */
export function shellProblem(): string | null {
  if (process.platform !== 'linux') return 'The terminal needs a Linux server (bubblewrap and cgroups); this one runs ' + process.platform + '.';
  if (process.getuid?.() !== 0) {
    return 'The terminal is unavailable: the lab server is not running as root, and each shell needs its own cgroup (memory, CPU and process limits). Start the server as root to enable it.';
  }
  if (!BWRAP.some((p) => fs.existsSync(p))) {
    return 'The terminal is unavailable: bubblewrap (bwrap) is not installed on the server. Install it with `apt-get install bubblewrap` and restart the server.';
  }
  if (!cgroupsAvailable()) return 'The terminal is unavailable: no usable cgroup controllers (memory, pids, cpu, freezer) were found under /sys/fs/cgroup.';
  return null;
}
