import { describe, expect, it } from 'vitest';
import { renderTemplate } from './go-template.ts';
import { goFormat } from './go-format.ts';

const data = {
  Id: 'sha256:abc',
  RepoTags: ['myapp:v1'],
  RepoDigests: [],
  Config: {
    Env: ['PATH=/usr/bin', 'A=1'],
    Cmd: ['sh'],
    Entrypoint: null,
    Labels: { b: '2', a: '1' },
    ExposedPorts: { '8000/tcp': {} },
    WorkingDir: '/app',
  },
  RootFS: { Type: 'layers', Layers: ['sha256:l1', 'sha256:l2'] },
  Size: 1234,
};

describe('Go template subset', () => {
  it.each([
    ['{{.RootFS.Layers}}', '[sha256:l1 sha256:l2]'],
    ['{{range .RootFS.Layers}}{{.}}{{"\\n"}}{{end}}', 'sha256:l1\nsha256:l2\n'],
    ['{{json .Config.Cmd}}', '["sh"]'],
    ['{{.Config.Env}}', '[PATH=/usr/bin A=1]'],
    ['{{.Config.Labels}}', 'map[a:1 b:2]'],
    ['{{.Config.ExposedPorts}}', 'map[8000/tcp:{}]'],
    ['{{.Config.Entrypoint}}', '[]'],
    ['{{.Id}} {{.Size}}', 'sha256:abc 1234'],
    ['{{.Config.WorkingDir}}', '/app'],
    ['{{.RootFS}}', '{layers [sha256:l1 sha256:l2]}'],
    ['{{index .RepoTags 0}}', 'myapp:v1'],
    ['{{join .Config.Env ","}}', 'PATH=/usr/bin,A=1'],
    ['{{len .RootFS.Layers}}', '2'],
    ['{{if .RepoDigests}}yes{{else}}no{{end}}', 'no'],
    ['{{range $i, $l := .RootFS.Layers}}{{$i}}={{$l}} {{end}}', '0=sha256:l1 1=sha256:l2 '],
    ['{{with .Config}}{{.WorkingDir}}{{end}}', '/app'],
    ['{{.Config.Cmd | json}}', '["sh"]'],
    ['{{range .RootFS.Layers -}}\n  {{.}}\n{{- end}}', 'sha256:l1sha256:l2'],
    ['{{printf "%s:%d" .Id .Size}}', 'sha256:abc:1234'],
    ['{{upper .RootFS.Type}}', 'LAYERS'],
    ['{{$.Id}}', 'sha256:abc'],
  ])('%s', (tpl, want) => {
    expect(renderTemplate(tpl, data)).toBe(want);
  });

  it('prints json of the config with docker key order and no HTML escaping', () => {
    expect(renderTemplate('{{json .Config}}', { Config: { Env: ['X=<&>'], Cmd: ['sh'] } })).toBe('{"Env":["X=<&>"],"Cmd":["sh"]}');
  });

  it('sorts map keys in json like Go', () => {
    expect(renderTemplate('{{json .Config.Labels}}', data)).toBe('{"a":"1","b":"2"}');
  });

  it('reports template errors', () => {
    expect(() => renderTemplate('{{range .X}}', data)).toThrow(/missing \{\{end\}\}/);
    expect(() => renderTemplate('{{nope .X}}', data)).toThrow(/function "nope" not defined/);
    expect(() => renderTemplate('{{.X', data)).toThrow(/unclosed action/);
  });

  it('formats nested values like fmt', () => {
    expect(goFormat([1, 'a', true, null])).toBe('[1 a true <nil>]');
    expect(goFormat({}, { field: 'Labels' })).toBe('map[]');
    expect(goFormat(undefined)).toBe('<no value>');
  });
});
