/**
 * Isolation Forest (Liu, Ting & Zhou 2008) on top of ml-isolation-forest 0.1.0, made to
 * behave as the paper describes. What the library does, read from its source
 * (src/IsolationForest.js, TreeNode.js, Utils.js), and what this wrapper does about it:
 *
 *  - `train(rows)` grows every tree on all rows, with a depth limit of ceil(log2 n), and keeps
 *    the rows in the leaves. → Each tree here is its own one-tree forest, trained by the
 *    library on a subsample of ψ = sampleSize rows drawn without replacement, so the depth
 *    limit becomes ceil(log2 ψ), memory is O(trees · ψ) and training no longer grows with n.
 *  - Split columns and values come from `Math.random`. → `Math.random` is replaced by a seeded
 *    mulberry32 for the duration of each `train` call and restored in a `finally`, so the same
 *    rows and seed give the same scores on every run. (`predict` draws nothing.)
 *  - A column that is constant in the rows it splits is still chosen, which adds a level to
 *    the path without isolating anything. → Columns constant in the whole set are dropped, and
 *    each tree is given only the columns that vary in its own subsample (sklearn likewise skips
 *    constant features). Columns constant inside a deeper node cannot be reached from outside.
 *  - `predict` returns s = 2^(−E[h] / c_lib(n)), E[h] the mean over trees of (depth of the
 *    leaf + c_lib(rows in the leaf)), with c_lib(m) = 2·ln(m − 1) + 0.57721 − 2(m − 1)/m:
 *    Euler's constant once where c(m) = 2·H(m − 1) − 2(m − 1)/m, H(i) ≈ ln i + 0.5772, needs it
 *    twice. Both the normaliser and every leaf term are ≈ 0.58 short. The two errors pull in
 *    opposite directions (a short normaliser lowers s, short leaf terms raise it), so what the
 *    library returns is not the paper's s, and a fixed threshold such as 0.6 means something
 *    else for every ψ and data shape.
 *    → Path lengths are recomputed with the paper's c: trees are walked here as typed arrays
 *    (split column, split value, children, rows per leaf — the library's TreeNode fields),
 *    with c(rows in the leaf) as leaf term; s = 2^(−E[h] / c(ψ)). Walking the trees ourselves
 *    is also what keeps 100K sources fast: the library's recursive `predict` costs ≈ 5 s for
 *    100K rows × 100 trees, the flat walk a fraction of that.
 *  - Growing a tree builds an array per row and two filtered copies per node: ≈ 0.5 ms a
 *    tree, half of what an editor append costs. → `growTree` grows the library's tree itself,
 *    on typed arrays: the same draws from the same generator in the same order, the same
 *    splits and leaves. A test grows trees both ways and compares them node by node; the
 *    library's own training and `predict` remain as `scoring: 'library'` (h = −log2(s) ·
 *    c_lib(ψ), exact for a one-tree forest; only its leaf terms stay ≈ 0.58 short).
 *  - Its trees grow one level deeper than the paper's limit (splits while depth ≤ limit); the
 *    leaf term covers the rest, so this only changes scores a little and is left as it is.
 */
import { IsolationForest } from 'ml-isolation-forest';
import { grownCopy } from '../typedArrays';

export interface IsolationForestOptions {
  /** Number of trees (Liu et al.: 100). */
  trees: number;
  /** Rows per tree, ψ (Liu et al.: 256). */
  sampleSize: number;
  /** Seed of the repeatable draws (subsamples and the library's splits). */
  seed: number;
  /**
   * 'walk' (default): read the trained trees and walk them with the paper's leaf term.
   * 'library': the library's predict turned back into path lengths (the fallback; slower).
   */
  scoring?: 'walk' | 'library';
  /**
   * Only rows that may score at least this matter to the caller: a row whose score is
   * certain to stay below it is not walked through the remaining trees, and gets NaN as score
   * and path length. The other rows' values are exactly those of a full scoring.
   */
  minScore?: number;
}

export interface IsolationResult {
  /** Anomaly score per row, the paper's s in (0, 1): ≈ 0.5 for an ordinary row, → 1 for an outlier. */
  scores: Float64Array;
  /** Mean path length E[h(x)] per row: the number of splits that isolated it, on average. */
  pathLengths: Float64Array;
  /** ψ actually used (the row count when there are fewer rows than sampleSize). */
  sampleSize: number;
  /** Indices of the columns that vary (the others were dropped). */
  columns: number[];
}

/** Euler–Mascheroni constant. */
const EULER = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n
 * items, Liu et al.'s normaliser: 2·H(n − 1) − 2(n − 1)/n, with H(i) ≈ ln(i) + γ.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

/** The library's own normaliser (Utils.js), needed to turn its score back into a path length. */
export function libraryAveragePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * Math.log(n - 1) + 0.57721 - (2 * (n - 1)) / n;
}

/**
 * mulberry32: a small, fast 32-bit PRNG; good enough for split draws, and repeatable. A class
 * rather than a closure: every analysis makes a new generator, and code that V8 optimised
 * for one closure bails out on the next (the first editor append after a full analysis
 * paid ~200 such bail-outs in tree growth); a method is the same function every time.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next draw, uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** The same draws as a function (for the library, which reads Math.random, and for tests). */
export function mulberry32(seed: number): () => number {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

/**
 * A trained tree as flat arrays, breadth first with each node's two children side by side:
 * `child[k]` is the left child (the right one is child[k] + 1), 0 at a leaf (the root is
 * nobody's child). `leafValue` is a leaf's depth plus the paper's leaf term: a row's path
 * length is read off the leaf it reaches, with no counting on the way down.
 */
export interface FlatTree {
  child: Int32Array;
  column: Int32Array;
  split: Float64Array;
  depth: Int32Array;
  leafValue: Float64Array;
}

/** The node shape of ml-isolation-forest 0.1.0's TreeNode (plain public fields). */
interface LibraryNode {
  left?: LibraryNode;
  right?: LibraryNode;
  splitColumn?: number;
  splitValue?: number;
  trainingSet?: unknown[];
}

/**
 * Scores every row with a seeded, subsampled Isolation Forest. Rows are numeric vectors of
 * equal length; scale does not matter (splits are uniform between a node's min and max), but
 * monotone transforms such as log1p do.
 */
export function isolationScores(rows: readonly ArrayLike<number>[], options: IsolationForestOptions): IsolationResult {
  const n = rows.length;
  const width = n > 0 ? rows[0].length : 0;
  const matrix = new Float64Array(n * width);
  for (let i = 0; i < n; i++) for (let c = 0; c < width; c++) matrix[i * width + c] = rows[i][c];
  return isolationScoresOfMatrix(matrix, n, width, options);
}

/** The same, for rows given as one row-major matrix (n rows of `width` values): no array per row. */
export function isolationScoresOfMatrix(matrix: Float64Array, n: number, width: number, options: IsolationForestOptions): IsolationResult {
  const columns: number[] = [];
  for (let c = 0; c < width; c++) {
    for (let i = 1; i < n; i++) {
      if (matrix[i * width + c] !== matrix[c]) {
        columns.push(c);
        break;
      }
    }
  }
  const psi = Math.max(0, Math.min(Math.floor(options.sampleSize), n));
  const scores = new Float64Array(n);
  const pathLengths = new Float64Array(n);
  const cPsi = averagePathLength(psi);
  const trees = Math.floor(options.trees);
  // Nothing to isolate: every row is alike (or too few to split). Liu's s = 0.5 means "ordinary".
  if (psi < 3 || columns.length === 0 || trees < 1) {
    scores.fill(0.5);
    pathLengths.fill(cPsi);
    return { scores, pathLengths, sampleSize: psi, columns };
  }

  const random = new Mulberry32(options.seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sample: number[] = new Array(psi);

  // Grow every tree first (the draws come out in the same order as growing and walking each
  // in turn), then walk the rows through them.
  const grown: GrownTree[] = [];
  let grower: TreeGrower | undefined;
  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first ψ entries of `order` become a uniform sample.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(random.next() * (n - i));
      const swap = order[i];
      order[i] = order[j];
      order[j] = swap;
      sample[i] = order[i];
    }
    const treeColumns = columns.filter((c) => {
      const first = matrix[sample[0] * width + c];
      for (let i = 1; i < psi; i++) if (matrix[sample[i] * width + c] !== first) return true;
      return false;
    });
    if (treeColumns.length === 0) {
      // The subsample is all alike: this tree isolates nothing, every row sits in its root leaf.
      grown.push({ kind: 'root', least: cPsi });
      continue;
    }
    if (options.scoring === 'library') {
      grown.push({ kind: 'library', forest: trainLibraryTree(matrix, width, sample, treeColumns, () => random.next()), treeColumns, least: 0 });
    } else {
      // The library's growth, on typed arrays: the same draws, splits and leaves (tested
      // against the library tree by tree), ten times faster than the library's arrays of rows.
      const flat = (grower ??= new TreeGrower(matrix, width, psi)).grow(sample, treeColumns, random);
      let least = Infinity;
      for (let k = 0; k < flat.child.length; k++) if (flat.child[k] === 0 && flat.leafValue[k] < least) least = flat.leafValue[k];
      grown.push({ kind: 'flat', walk: walkLayout(flat), least });
    }
  }

  // Rows still walked: the first aliveCount entries of `alive`. From a quarter of the trees on,
  // a row whose path so far plus the shortest leaf of every tree left is already too long to
  // score minScore leaves (its score is NaN). Always through the index list, even while it
  // is every row: one shape of call, so that the walk's optimised code never has to change.
  const alive = new Int32Array(n);
  for (let i = 0; i < n; i++) alive[i] = i;
  let aliveCount = n;
  const minScore = options.minScore;
  // leastAfter[t]: the sum of the shortest leaves of trees t, t + 1, ... (a row's path through them is at least that)
  const leastAfter = new Float64Array(trees + 1);
  for (let t = trees - 1; t >= 0; t--) leastAfter[t] = leastAfter[t + 1] + grown[t].least;
  // The longest total path that still scores minScore: s = 2^(−(L / trees) / c(ψ)) solved for
  // L. The margin on the score (1e-9 is ~1e-6 of path length) covers rounding, so a row is
  // left only when its real score is surely below minScore.
  const longest = minScore !== undefined && minScore > 1e-9 ? -Math.log2(minScore - 1e-9) * cPsi * trees : Infinity;
  const firstCheck = Math.max(1, Math.floor(trees / 4));
  for (let t = 0; t < trees; t++) {
    const g = grown[t];
    if (g.kind === 'root') addToEach(pathLengths, alive, aliveCount, cPsi);
    else if (g.kind === 'flat') addPathLengths(g.walk, matrix, width, pathLengths, alive, aliveCount);
    else addPathLengthsFromScores(g.forest, matrix, width, g.treeColumns, psi, pathLengths, alive, aliveCount);
    if (t + 1 >= firstCheck && longest !== Infinity) {
      aliveCount = keepHopeful(pathLengths, alive, aliveCount, leastAfter[t + 1], longest);
      if (aliveCount === 0) break;
    }
  }
  if (aliveCount < n) {
    const kept = new Uint8Array(n);
    for (let j = 0; j < aliveCount; j++) kept[alive[j]] = 1;
    for (let i = 0; i < n; i++) {
      if (kept[i]) continue;
      pathLengths[i] = NaN;
      scores[i] = NaN;
    }
  }
  for (let j = 0; j < aliveCount; j++) {
    const i = alive[j];
    pathLengths[i] /= trees;
    scores[i] = Math.pow(2, -pathLengths[i] / cPsi);
  }
  return { scores, pathLengths, sampleSize: psi, columns };
}

type GrownTree =
  | { kind: 'root'; least: number }
  | { kind: 'flat'; walk: WalkTree; least: number }
  | { kind: 'library'; forest: IsolationForest; treeColumns: number[]; least: number };

/**
 * Keeps, in order at the front of `alive`, the rows whose path so far plus `leastLeft` (the
 * least the remaining trees can add) is at most `longest`; returns how many. NaN stays.
 */
function keepHopeful(pathLengths: Float64Array, alive: Int32Array, aliveCount: number, leastLeft: number, longest: number): number {
  let kept = 0;
  for (let j = 0; j < aliveCount; j++) {
    const i = alive[j];
    if (!(pathLengths[i] + leastLeft > longest)) alive[kept++] = i;
  }
  return kept;
}

function addToEach(pathLengths: Float64Array, alive: Int32Array, aliveCount: number, x: number): void {
  for (let j = 0; j < aliveCount; j++) pathLengths[alive[j]] += x;
}

/**
 * Reads the library's trained tree into typed arrays, with the paper's c(leaf size) as leaf
 * term. Returns undefined when the tree does not have the shape this was written against.
 */
function flatten(forest: IsolationForest, treeColumns: number[]): FlatTree | undefined {
  const root = (forest as unknown as { forest?: LibraryNode[] }).forest?.[0];
  if (!root) return undefined;
  // breadth first: a node's children are appended together, so they are adjacent
  const nodes: LibraryNode[] = [root];
  const depths: number[] = [0];
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    if (node.left || node.right) {
      if (!node.left || !node.right || typeof node.splitColumn !== 'number' || typeof node.splitValue !== 'number') return undefined;
      nodes.push(node.left, node.right);
      depths.push(depths[k] + 1, depths[k] + 1);
    }
  }
  const size = nodes.length;
  const flat: FlatTree = {
    child: new Int32Array(size),
    column: new Int32Array(size),
    split: new Float64Array(size),
    depth: Int32Array.from(depths),
    leafValue: new Float64Array(size),
  };
  let next = 1;
  for (let k = 0; k < size; k++) {
    const node = nodes[k];
    if (node.left && node.right) {
      flat.child[k] = next;
      next += 2;
      const column = treeColumns[node.splitColumn!];
      if (column === undefined) return undefined;
      flat.column[k] = column;
      flat.split[k] = node.splitValue!;
    } else {
      flat.child[k] = 0;
      const rowsInLeaf = Array.isArray(node.trainingSet) ? node.trainingSet.length : 0;
      flat.leafValue[k] = depths[k] + averagePathLength(rowsInLeaf);
    }
  }
  return flat;
}

/** A one-tree forest grown by the library on the sample's rows, its draws taken from `random`. */
function trainLibraryTree(matrix: Float64Array, width: number, sample: readonly number[], treeColumns: readonly number[], random: () => number): IsolationForest {
  const trainingRows = sample.map((i) => treeColumns.map((c) => matrix[i * width + c]));
  const forest = new IsolationForest({ nEstimators: 1 });
  const original = Math.random;
  Math.random = random;
  try {
    forest.train(trainingRows);
  } finally {
    Math.random = original;
  }
  return forest;
}

/** The tree the library grows from the same sample and draws, read into typed arrays (for tests: growTree must equal it). */
export function libraryTree(matrix: Float64Array, width: number, sample: readonly number[], treeColumns: readonly number[], random: () => number): FlatTree | undefined {
  return flatten(trainLibraryTree(matrix, width, sample, treeColumns, random), treeColumns as number[]);
}

/**
 * Grows one isolation tree as the library's TreeNode.train does — depth limit ceil(log2 ψ),
 * at each node a column drawn among `treeColumns`, then a value uniform between that column's
 * min and max in the node; rows below it go left, the others right; children grown left
 * first; a node with at most one row, or past the limit, is a leaf — drawing from `random` in
 * the same order, straight into the flat layout `flatten` reads the library's tree into.
 */
export function growTree(matrix: Float64Array, width: number, sample: readonly number[], treeColumns: readonly number[], random: Mulberry32): FlatTree {
  return new TreeGrower(matrix, width, sample.length).grow(sample, treeColumns, random);
}

/** growTree's working memory, reused from tree to tree. */
class TreeGrower {
  private readonly rows: Int32Array;
  private readonly scratch: Int32Array;
  // Nodes in the order grown (depth first); each node's rows are rows[lo, hi).
  private left: Int32Array;
  private right: Int32Array;
  private column: Int32Array;
  private split: Float64Array;
  private depth: Int32Array;
  private size: Int32Array;
  private readonly maxDepth: number;
  private nodes = 0;
  private treeColumns: readonly number[] = [];
  private random = new Mulberry32(0);

  constructor(
    private readonly matrix: Float64Array,
    private readonly width: number,
    psi: number,
  ) {
    this.maxDepth = Math.ceil(Math.log2(psi));
    this.rows = new Int32Array(psi);
    this.scratch = new Int32Array(psi);
    // room for a tree whose every split parts its rows (< 2ψ nodes); splits that send every
    // row one way (a column constant in the node) make more, and more room
    const capacity = 2 * psi + 1;
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.column = new Int32Array(capacity);
    this.split = new Float64Array(capacity);
    this.depth = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
  }

  grow(sample: readonly number[], treeColumns: readonly number[], random: Mulberry32): FlatTree {
    this.rows.set(sample);
    this.nodes = 0;
    this.treeColumns = treeColumns;
    this.random = random;
    this.node(0, sample.length, 0);
    return this.layout();
  }

  /** Grows the node of rows[lo, hi) at depth d and its subtree; returns its number. */
  private node(lo: number, hi: number, d: number): number {
    const node = this.nodes++;
    if (node === this.depth.length) this.moreRoom();
    this.depth[node] = d;
    this.size[node] = hi - lo;
    this.left[node] = -1;
    if (d > this.maxDepth || hi - lo <= 1) return node;
    const { matrix, width, rows, scratch } = this;
    const c = this.treeColumns[Math.floor(this.random.next() * this.treeColumns.length)];
    let min = Infinity;
    let max = -Infinity;
    for (let i = lo; i < hi; i++) {
      const v = matrix[rows[i] * width + c];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const value = this.random.next() * (max - min) + min;
    // stable partition: rows below the value first
    let below = lo;
    let above = 0;
    for (let i = lo; i < hi; i++) {
      const r = rows[i];
      if (matrix[r * width + c] < value) rows[below++] = r;
      else scratch[above++] = r;
    }
    rows.set(scratch.subarray(0, above), below);
    // the children first: growing them may move the arrays
    const left = this.node(lo, below, d + 1);
    const right = this.node(below, hi, d + 1);
    this.column[node] = c;
    this.split[node] = value;
    this.left[node] = left;
    this.right[node] = right;
    return node;
  }

  private moreRoom(): void {
    const size = this.depth.length * 2;
    this.left = grownCopy(this.left, size);
    this.right = grownCopy(this.right, size);
    this.column = grownCopy(this.column, size);
    this.split = grownCopy(this.split, size);
    this.depth = grownCopy(this.depth, size);
    this.size = grownCopy(this.size, size);
  }

  /** Breadth first, each node's two children side by side (as flatten lays out the library's tree). */
  private layout(): FlatTree {
    const n = this.nodes;
    const order = new Int32Array(n);
    const flat: FlatTree = {
      child: new Int32Array(n),
      column: new Int32Array(n),
      split: new Float64Array(n),
      depth: new Int32Array(n),
      leafValue: new Float64Array(n),
    };
    let next = 1;
    for (let k = 0; k < n; k++) {
      const node = order[k];
      flat.depth[k] = this.depth[node];
      if (this.left[node] >= 0) {
        flat.child[k] = next;
        order[next] = this.left[node];
        order[next + 1] = this.right[node];
        next += 2;
        flat.column[k] = this.column[node];
        flat.split[k] = this.split[node];
      } else flat.leafValue[k] = this.depth[node] + averagePathLength(this.size[node]);
    }
    return flat;
  }
}

/**
 * A tree laid out for walking rows through it a fixed number of steps: from node k a row goes
 * to next[k] + (0 if its value is below split[k], else 1). A leaf is its own next step
 * (next = k − 1, split NaN: never below), so every row can take `steps` steps — the tree's
 * depth — with no test for having arrived, and several rows can go down side by side.
 */
interface WalkTree {
  next: Int32Array;
  column: Int32Array;
  split: Float64Array;
  leafValue: Float64Array;
  steps: number;
}

function walkLayout(tree: FlatTree): WalkTree {
  const size = tree.child.length;
  const next = new Int32Array(size);
  const split = new Float64Array(size);
  let steps = 0;
  for (let k = 0; k < size; k++) {
    if (tree.child[k] !== 0) {
      next[k] = tree.child[k];
      split[k] = tree.split[k];
    } else {
      next[k] = k - 1;
      split[k] = NaN;
      if (tree.depth[k] > steps) steps = tree.depth[k];
    }
  }
  return { next, column: tree.column, split, leafValue: tree.leafValue, steps };
}

/** Adds each row's path length in the tree to out[row], for the rows alive[0..count). */
function addPathLengths(tree: WalkTree, matrix: Float64Array, width: number, out: Float64Array, alive: Int32Array, count: number): void {
  // the arrays in locals: this loop is most of the time for big populations
  const { next, column, split, leafValue, steps } = tree;
  const last = count - 1;
  // Eight rows at a time: their walks are independent, so the processor overlaps them (eight
  // lanes walk 10K rows ~10% faster than four; the step is a chain of dependent loads). The
  // last group repeats its last row in the lanes it lacks (walked, not added): one loop, so
  // that no code runs only at the end, unoptimised.
  for (let j = 0; j < count; j += 8) {
    const i0 = alive[j];
    const i1 = alive[Math.min(j + 1, last)];
    const i2 = alive[Math.min(j + 2, last)];
    const i3 = alive[Math.min(j + 3, last)];
    const i4 = alive[Math.min(j + 4, last)];
    const i5 = alive[Math.min(j + 5, last)];
    const i6 = alive[Math.min(j + 6, last)];
    const i7 = alive[Math.min(j + 7, last)];
    const o0 = i0 * width;
    const o1 = i1 * width;
    const o2 = i2 * width;
    const o3 = i3 * width;
    const o4 = i4 * width;
    const o5 = i5 * width;
    const o6 = i6 * width;
    const o7 = i7 * width;
    let k0 = 0;
    let k1 = 0;
    let k2 = 0;
    let k3 = 0;
    let k4 = 0;
    let k5 = 0;
    let k6 = 0;
    let k7 = 0;
    for (let d = 0; d < steps; d++) {
      // `!(x < split)` rather than `x >= split`: a NaN value goes right, as in the library
      k0 = next[k0] + +!(matrix[o0 + column[k0]] < split[k0]);
      k1 = next[k1] + +!(matrix[o1 + column[k1]] < split[k1]);
      k2 = next[k2] + +!(matrix[o2 + column[k2]] < split[k2]);
      k3 = next[k3] + +!(matrix[o3 + column[k3]] < split[k3]);
      k4 = next[k4] + +!(matrix[o4 + column[k4]] < split[k4]);
      k5 = next[k5] + +!(matrix[o5 + column[k5]] < split[k5]);
      k6 = next[k6] + +!(matrix[o6 + column[k6]] < split[k6]);
      k7 = next[k7] + +!(matrix[o7 + column[k7]] < split[k7]);
    }
    out[i0] += leafValue[k0];
    if (j + 1 <= last) out[i1] += leafValue[k1];
    if (j + 2 <= last) out[i2] += leafValue[k2];
    if (j + 3 <= last) out[i3] += leafValue[k3];
    if (j + 4 <= last) out[i4] += leafValue[k4];
    if (j + 5 <= last) out[i5] += leafValue[k5];
    if (j + 6 <= last) out[i6] += leafValue[k6];
    if (j + 7 <= last) out[i7] += leafValue[k7];
  }
}

function addPathLengthsFromScores(
  forest: IsolationForest,
  matrix: Float64Array,
  width: number,
  treeColumns: number[],
  psi: number,
  out: Float64Array,
  alive: Int32Array,
  aliveCount: number,
): void {
  const projected: number[][] = new Array(aliveCount);
  for (let j = 0; j < aliveCount; j++) projected[j] = treeColumns.map((c) => matrix[alive[j] * width + c]);
  const scores = forest.predict(projected);
  const cLib = libraryAveragePathLength(psi);
  for (let j = 0; j < aliveCount; j++) out[alive[j]] += -Math.log2(scores[j]) * cLib;
}
