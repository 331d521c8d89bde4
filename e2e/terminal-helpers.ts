// Driving the in-browser terminal from Playwright: why a journey must skip on this machine, the
// screen as text, and typing a command that reports its exit code and an end marker.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { shot } from './helpers.ts';

export function terminalSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (bubblewrap shell sandbox, cgroups, runc builds)';
  if (!fs.existsSync('/usr/bin/bwrap')) return 'needs bwrap (apt-get install bubblewrap)';
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'needs runc (apt-get install runc)';
  }
  return undefined;
}

/** The terminal's visible screen text (xterm's DOM renderer), non-breaking spaces normalised. */
export async function screen(page: Page): Promise<string> {
  return (await page.getByTestId('terminal').locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
}

let marks = 0;
/** Types a command into the terminal (on a cleared screen) and waits for its end marker. */
export async function run(page: Page, cmd: string, opts: { timeout?: number; clear?: boolean } = {}): Promise<string> {
  const n = ++marks;
  await page.getByTestId('terminal').click();
  await page.keyboard.type(`${opts.clear === false ? '' : 'clear; '}${cmd}; echo "rc=$?" E""ND-${n}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page), { timeout: opts.timeout ?? 30_000, message: `"${cmd}" to finish` }).toMatch(new RegExp(`END-${n}\\b`));
  return screen(page);
}


/**
 * Steps that record their own failure and let the journey go on, so one run tells which pieces
 * work; the test asserts `failures` is empty at the end. A failed step leaves a screenshot.
 */
export function journey(page: Page, prefix: string): { step: (name: string, fn: () => Promise<void>) => Promise<void>; failures: string[] } {
  const failures: string[] = [];
  const step = async (name: string, fn: () => Promise<void>) => {
    await test.step(name, async () => {
      try {
        await fn();
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message.split('\n').slice(0, 4).join(' | ')}`);
        await shot(page, `${prefix}-FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      }
    });
  };
  return { step, failures };
}
