// Instruction flags (BuildKit's BFlags): each instruction declares which flags it accepts and
// their type, then the raw `--name[=value]` words from the syntax tree are checked against that.
import { suggest } from './suggest.ts';

type FlagType = 'bool' | 'string' | 'strings';

export class FlagError extends Error {}

interface FlagState {
  type: FlagType;
  value?: string;
  values: string[];
}

export class InstructionFlags {
  private readonly defs = new Map<string, FlagState>();
  private readonly used = new Set<string>();

  constructor(
    private readonly keyword: string,
    private readonly raw: readonly string[],
  ) {}

  bool(name: string): this {
    this.defs.set(name, { type: 'bool', values: [] });
    return this;
  }
  string(name: string): this {
    this.defs.set(name, { type: 'string', values: [] });
    return this;
  }
  strings(name: string): this {
    this.defs.set(name, { type: 'strings', values: [] });
    return this;
  }

  /** Check every raw flag; throws FlagError with a message a student can act on. */
  parse(): this {
    for (const arg of this.raw) {
      if (!arg.startsWith('--')) throw new FlagError(`arg should start with -- : ${arg}`);
      if (arg === '--') return this;
      const body = arg.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const value = eq < 0 ? '' : body.slice(eq + 1);
      const hasValue = eq >= 0;
      const def = this.defs.get(name);
      if (!def) throw new FlagError(this.unknown(name));
      if (this.used.has(name) && def.type !== 'strings') throw new FlagError(`duplicate flag specified: --${name}`);
      this.used.add(name);
      switch (def.type) {
        case 'bool': {
          if (hasValue && value === '') throw new FlagError(`missing a value on flag: --${name}`);
          const v = value.toLowerCase();
          if (v === 'true' || v === '') def.value = 'true';
          else if (v === 'false') def.value = 'false';
          else throw new FlagError(`expecting boolean value for flag --${name}, not: ${value}`);
          break;
        }
        case 'string':
          if (!hasValue) throw new FlagError(`missing a value on flag: --${name} (write --${name}=VALUE)`);
          def.value = value;
          break;
        case 'strings':
          if (!hasValue) throw new FlagError(`missing a value on flag: --${name} (write --${name}=VALUE)`);
          def.values.push(value);
          break;
      }
    }
    return this;
  }

  private unknown(name: string): string {
    const names = [...this.defs.keys()];
    const hint = suggest(name, names);
    let msg = `unknown flag: --${name}`;
    if (hint) msg += ` (did you mean --${hint}?)`;
    msg += names.length
      ? `; ${this.keyword} accepts ${names.map((n) => `--${n}`).join(', ')}`
      : `; ${this.keyword} takes no flags`;
    return msg;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }
  getString(name: string): string | undefined {
    return this.defs.get(name)?.value;
  }
  getBool(name: string): boolean {
    return this.defs.get(name)?.value === 'true';
  }
  getStrings(name: string): string[] {
    return [...(this.defs.get(name)?.values ?? [])];
  }
}
