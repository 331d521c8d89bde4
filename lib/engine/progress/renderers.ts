// Picks a renderer by --progress mode.
import type { ProgressMode, Renderer } from './events.ts';
import { ClassicRenderer } from './classic.ts';
import { JsonRenderer } from './json.ts';
import { PlainRenderer } from './plain.ts';

export function createRenderer(mode: ProgressMode, out: (text: string) => void): Renderer {
  switch (mode) {
    case 'plain':
      return new PlainRenderer(out);
    case 'classic':
      return new ClassicRenderer(out);
    case 'json':
      return new JsonRenderer(out);
  }
}

export { PlainRenderer, ClassicRenderer, JsonRenderer };
