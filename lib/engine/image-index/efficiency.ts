// Wasted space and efficiency exactly as dive computes them (github.com/wagoodman/dive,
// dive/filetree/efficiency.go, dive/image/analysis.go, dive/filetree/file_tree.go):
//
//   - Each layer is a tree built from its tar entries (path.Clean'ed names; a missing parent is
//     an intermediate node with an EMPTY FileInfo: not a directory, size 0). `.wh..wh..opq`
//     markers never become nodes; a whiteout `.wh.NAME` is a node of that name whose path is
//     its parent + NAME.
//   - Per layer, dive visits the LEAF nodes (no children in that layer's tree), children first,
//     siblings by name. A node's size is its tar header's size field. A whiteout's size is 0,
//     unless the path was a directory in the stack of the layers below: then it is the sum of
//     that directory's and all its descendants' sizes. A whiteout whose path does not exist
//     below ends dive's visit of that layer (the error is logged and the rest of the layer is
//     skipped); for layer 0 "below" is layer 0's own tree.
//   - Per path: cumulative = Σ sizes of its nodes over all layers, min = the smallest. Paths seen
//     twice or more are the inefficiencies; wastedBytes = Σ their cumulative sizes (every copy
//     counts, the first one too).
//   - efficiency = Σ min / Σ cumulative over ALL paths (1 when nothing has a size).
//   - sizeBytes = Σ layer sizes (a layer's size: Σ of its entries' size fields);
//     userSizeBytes = the same without layer 0; userWastedPercent = wasted / userSize
//     (Go's float division: +Inf or NaN when userSize is 0).
// Inefficiencies are sorted by cumulative size, largest first (dive sorts ascending with an
// unstable sort and prints in reverse; ties here go by path, so the order is reproducible).

export interface DiveRow {
  path: string; // no leading slash
  name: string;
  parent: string;
  /** null: no entry of that name in the layer (a pure whiteout row) */
  type: string | null;
  size: number;
  whiteout: boolean;
  implicit: boolean;
}

export interface Inefficiency {
  path: string;
  /** Number of nodes (copies and whiteouts) across layers. */
  count: number;
  cumulativeSize: number;
  minSize: number;
  /** Layers that hold a node of this path, in order. */
  layers: number[];
}

export interface EfficiencyReport {
  score: number;
  wastedBytes: number;
  userWastedPercent: number;
  sizeBytes: number;
  userSizeBytes: number;
  /** Per layer: dive's layer size (Σ entry size fields). */
  layerSizes: number[];
  /** Paths with two or more nodes, largest cumulative size first (possibly one page of them). */
  inefficiencies: Inefficiency[];
  /** How many inefficiencies there are in all. */
  inefficientPaths: number;
  /** Layers whose visit dive would have cut short (a whiteout of a path that was not there). */
  truncatedLayers: number[];
}

interface LayerNode {
  path: string; // '/'-prefixed dive path
  name: string;
  whiteout: boolean;
  isDir: boolean;
  size: number;
  children: string[]; // child keys
}

interface StackNode {
  isDir: boolean;
  size: number;
  children: Set<string>;
}

/** The stacked tree of the layers below (dive's StackTreeRange), kept incrementally. */
class StackedTree {
  nodes = new Map<string, StackNode>([['/', { isDir: true, size: 0, children: new Set() }]]);

  get(p: string): StackNode | undefined {
    return this.nodes.get(p);
  }

  /** dive's AddPath: missing parents get an empty payload; an existing node keeps its children. */
  add(p: string, isDir: boolean, size: number): void {
    const parts = p.split('/').filter(Boolean);
    let cur = '/';
    for (let i = 0; i < parts.length; i++) {
      const next = cur === '/' ? `/${parts[i]}` : `${cur}/${parts[i]}`;
      let node = this.nodes.get(next);
      if (!node) {
        node = { isDir: false, size: 0, children: new Set() };
        this.nodes.set(next, node);
        this.nodes.get(cur)!.children.add(next);
      }
      if (i === parts.length - 1) {
        node.isDir = isDir;
        node.size = size;
      }
      cur = next;
    }
  }

  remove(p: string): void {
    const node = this.nodes.get(p);
    if (!node || p === '/') return;
    const stack = [p];
    while (stack.length) {
      const k = stack.pop()!;
      const n = this.nodes.get(k);
      if (!n) continue;
      for (const c of n.children) stack.push(c);
      this.nodes.delete(k);
    }
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    this.nodes.get(parent)?.children.delete(p);
  }

  /** Σ size of the node and everything below it. */
  subtreeSize(p: string): number {
    let sum = 0;
    const stack = [p];
    while (stack.length) {
      const n = this.nodes.get(stack.pop()!);
      if (!n) continue;
      sum += n.size;
      for (const c of n.children) stack.push(c);
    }
    return sum;
  }
}

function diveTree(rows: DiveRow[]): Map<string, LayerNode> {
  const nodes = new Map<string, LayerNode>();
  const root: LayerNode = { path: '/', name: '', whiteout: false, isDir: true, size: 0, children: [] };
  nodes.set('', root);
  const key = (parent: string, name: string) => (parent ? `${parent}/${name}` : name);
  for (const r of rows) {
    if (r.type !== null) {
      nodes.set(r.path, { path: `/${r.path}`, name: r.name, whiteout: false, isDir: r.type === 'dir' && !r.implicit, size: r.implicit ? 0 : r.size, children: [] });
    }
    if (r.whiteout) {
      const k = key(r.parent, `.wh.${r.name}`);
      nodes.set(k, { path: `/${r.path}`, name: `.wh.${r.name}`, whiteout: true, isDir: false, size: 0, children: [] });
    }
  }
  for (const k of nodes.keys()) {
    if (k === '') continue;
    const parent = k.lastIndexOf('/') < 0 ? '' : k.slice(0, k.lastIndexOf('/'));
    nodes.get(parent)?.children.push(k);
  }
  for (const n of nodes.values()) n.children.sort((a, b) => (nodes.get(a)!.name < nodes.get(b)!.name ? -1 : 1));
  return nodes;
}

/** Leaves of the layer tree in dive's order (children first, siblings by name). */
function* leaves(nodes: Map<string, LayerNode>): Generator<LayerNode> {
  const stack: Array<{ key: string; i: number }> = [{ key: '', i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const node = nodes.get(top.key)!;
    if (top.i < node.children.length) {
      stack.push({ key: node.children[top.i++], i: 0 });
      continue;
    }
    stack.pop();
    if (top.key !== '' && node.children.length === 0) yield node;
  }
}

function stackLayer(stacked: StackedTree, nodes: Map<string, LayerNode>): void {
  // dive's Stack visits every node of the upper tree children first; order only matters for a
  // layer holding both `.wh.x` and `x` (removed, then added: ".wh." sorts first)
  const order: LayerNode[] = [];
  const walk = (key: string) => {
    const n = nodes.get(key)!;
    for (const c of n.children) walk(c);
    if (key !== '') order.push(n);
  };
  walk('');
  for (const n of order) {
    if (n.whiteout) stacked.remove(n.path);
    else stacked.add(n.path, n.isDir, n.size);
  }
}

/** dive's Efficiency() and Analyze() over the layers' rows (base layer first). */
export function diveEfficiency(layers: Iterable<DiveRow[]>): EfficiencyReport {
  const data = new Map<string, Inefficiency>();
  const inefficient: Inefficiency[] = [];
  const layerSizes: number[] = [];
  const truncatedLayers: number[] = [];
  const stacked = new StackedTree();
  let idx = 0;
  for (const rows of layers) {
    layerSizes.push(rows.reduce((s, r) => s + (r.type !== null && !r.implicit ? r.size : 0), 0));
    const nodes = diveTree(rows);
    let below: StackedTree = stacked;
    if (idx === 0) {
      below = new StackedTree();
      for (const n of nodes.values()) if (n.path !== '/' && !n.whiteout) below.add(n.path, n.isDir, n.size);
    }
    for (const node of leaves(nodes)) {
      let size = node.size;
      if (node.whiteout) {
        const prev = below.get(node.path);
        if (!prev) {
          truncatedLayers.push(idx);
          break; // dive: "unable to propagate layer tree" — the rest of this layer is not visited
        }
        size = prev.isDir ? below.subtreeSize(node.path) : 0;
      }
      let d = data.get(node.path);
      if (!d) data.set(node.path, (d = { path: node.path, count: 0, cumulativeSize: 0, minSize: -1, layers: [] }));
      d.cumulativeSize += size;
      if (d.minSize < 0 || size < d.minSize) d.minSize = size;
      d.count++;
      if (d.layers[d.layers.length - 1] !== idx) d.layers.push(idx);
      if (d.count === 2) inefficient.push(d);
    }
    stackLayer(stacked, nodes);
    idx++;
  }
  let minSum = 0;
  let total = 0;
  for (const d of data.values()) {
    minSum += d.minSize;
    total += d.cumulativeSize;
  }
  inefficient.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const wastedBytes = inefficient.reduce((s, d) => s + d.cumulativeSize, 0);
  const sizeBytes = layerSizes.reduce((s, n) => s + n, 0);
  const userSizeBytes = sizeBytes - (layerSizes[0] ?? 0);
  return {
    score: total === 0 ? 1 : minSum / total,
    wastedBytes,
    userWastedPercent: wastedBytes / userSizeBytes,
    sizeBytes,
    userSizeBytes,
    layerSizes,
    inefficiencies: inefficient,
    inefficientPaths: inefficient.length,
    truncatedLayers,
  };
}
