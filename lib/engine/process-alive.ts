// Whether a pid names a running process (ours or another user's): the test behind every
// "owner pid" file of the lab (leases, locks, temp names), so a killed owner's leftovers go.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
