// A gradebook status as a coloured badge with its words (colour is never the only signal).
import { STATUS_LABEL, type Status } from '@/lib/classroom/classroom.ts';

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}
