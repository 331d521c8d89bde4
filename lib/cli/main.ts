/**
 * The `lab` command line. Each verb lives in its own file under lib/cli/commands and is
 * registered in the table below; main() returns the process exit code.
 */
export type Command = {
  summary: string;
  run(args: string[]): Promise<number>;
};

const commands: Record<string, () => Promise<Command>> = {};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  commands[name] = load;
}

export async function main(argv: string[]): Promise<number> {
  // `lab ... | head` closes the pipe early: end quietly like other Unix tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  await import('./commands/index.ts');
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    const lines = ['Usage: lab <command> [options]', '', 'Commands:'];
    for (const name of Object.keys(commands).sort()) {
      const c = await commands[name]();
      lines.push(`  ${name.padEnd(12)} ${c.summary}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return verb ? 0 : 1;
  }
  const load = commands[verb];
  if (!load) {
    process.stderr.write(`lab: unknown command "${verb}". Run "lab --help" for the list.\n`);
    return 2;
  }
  const cmd = await load();
  try {
    return await cmd.run(rest);
  } catch (err) {
    const e = err as { code?: string; message?: string; describe?: () => string };
    // EngineError.describe() adds "Dockerfile:LINE: " when the error points at a line.
    const text = typeof e.describe === 'function' ? e.describe() : (e.message ?? String(err));
    process.stderr.write(`error${e.code ? ` [${e.code}]` : ''}: ${text}\n`);
    return 1;
  }
}
