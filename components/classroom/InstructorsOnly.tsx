// What a student sees on an instructor page.
export function InstructorsOnly() {
  return (
    <section className="flex flex-col gap-3" data-testid="forbidden">
      <h1 className="text-3xl font-bold">Instructors only</h1>
      <p className="text-[var(--muted)]">
        This part of the lab is where instructors run their classes. If you are a student, join your class with the code
        your instructor gave you on the <a href="/join" className="underline">join page</a>. An administrator can make an
        account an instructor with <code>lab user promote EMAIL</code>.
      </p>
    </section>
  );
}
