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
  // the sandbox's `docker` wrapper sets LAB_PROG=docker: usage and errors then name docker
  const prog = process.env.LAB_PROG === 'docker' ? 'docker' : 'lab';
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    const lines = [`Usage:  ${prog} [OPTIONS] COMMAND`, '', prog === 'docker' ? "The lab's docker: a Docker-compatible client of your own build daemon" : 'The docker-build lab engine', '', 'Commands:'];
    for (const name of Object.keys(commands).sort()) {
      const c = await commands[name]();
      lines.push(`  ${name.padEnd(12)} ${c.summary}`);
    }
    lines.push('', `Run '${prog} COMMAND --help' for more information on a command.`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  const load = commands[verb];
  if (!load) {
    // Docker's wording (cli/cobra.go): "docker: 'x' is not a docker command."
    process.stderr.write(`${prog}: '${verb}' is not a ${prog} command.\nSee '${prog} --help'\n`);
    return 1;
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
