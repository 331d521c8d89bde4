// A comment to one student, optionally on an assignment and one of its attempts.
import type { AttemptRecord } from '@/lib/classroom/attempts.ts';
import { ActionForm, type FormAction } from './ActionForm.tsx';
import { utcText } from './Time.tsx';

type Props = { action: FormAction; classId: string; studentId: string; assignmentId?: string; attempts?: AttemptRecord[]; idPrefix: string };

export function CommentForm({ action, classId, studentId, assignmentId, attempts = [], idPrefix }: Props) {
  return (
    <ActionForm action={action} className="mt-2 flex max-w-2xl flex-col gap-3" testId="comment-form" resetOnSuccess>
      <input type="hidden" name="classId" value={classId} />
      <input type="hidden" name="studentId" value={studentId} />
      {assignmentId && <input type="hidden" name="assignmentId" value={assignmentId} />}
      {attempts.length > 0 && (
        <div className="field">
          <label htmlFor={`${idPrefix}-attempt`}>About</label>
          <select id={`${idPrefix}-attempt`} name="attemptId" defaultValue="">
            <option value="">the assignment as a whole</option>
            {attempts.map((a) => (
              <option key={a.id} value={a.id}>
                the attempt of {utcText(a.createdAt)} ({a.checksPassed}/{a.checksTotal} checks)
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${idPrefix}-body`}>Comment</label>
        <textarea id={`${idPrefix}-body`} name="body" maxLength={2000} required />
      </div>
      <button type="submit" className="btn self-start">
        Send comment
      </button>
    </ActionForm>
  );
}
