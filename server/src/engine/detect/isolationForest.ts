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
 *    → Path lengths are recomputed with the paper's c: each trained tree is read into typed
 *    arrays (split column, split value, children, rows per leaf — the library's TreeNode
 *    fields) and walked here, with c(rows in the leaf) as leaf term; s = 2^(−E[h] / c(ψ)).
 *    Walking the trees ourselves is also what keeps 100K sources fast: the library's recursive
 *    `predict` costs ≈ 5 s for 100K rows × 100 trees, the flat walk a fraction of that.
 *    The reading is checked: on the first tree, the walk with the library's own leaf term must
 *    give back exactly the library's `predict` on the training rows. If the tree cannot be read
 *    or the check fails (another library version), every tree falls back to the library's
 *    `predict`, turned back into a path length with its own normaliser
 *    (h = −log2(s) · c_lib(ψ), exact for a one-tree forest); only its leaf terms then stay
 *    ≈ 0.58 short (measured: median score of uniform data 0.518 instead of 0.509).
 *  - Its trees grow one level deeper than the paper's limit (splits while depth ≤ limit); the
 *    leaf term covers the rest, so this only changes scores a little and is left as it is.
 */
import { IsolationForest } from 'ml-isolation-forest';

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

/** mulberry32: a small, fast 32-bit PRNG; good enough for split draws, and repeatable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One trained tree, flattened: node k splits on `column[k]` (an index into the caller's row)
 * at `split[k]`, or is a leaf (`left[k] < 0`) whose remaining expected depth is `leafTerm[k]`.
 */
interface FlatTree {
  left: Int32Array;
  right: Int32Array;
  column: Int32Array;
  split: Float64Array;
  leafTerm: Float64Array;
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

  const random = mulberry32(options.seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sample: number[] = new Array(psi);
  /** False once a tree could not be read: the rest use the library's predict (see header). */
  let readable = options.scoring !== 'library';

  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first ψ entries of `order` become a uniform sample.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(random() * (n - i));
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
      for (let i = 0; i < n; i++) pathLengths[i] += cPsi;
      continue;
    }
    const trainingRows = sample.map((i) => treeColumns.map((c) => matrix[i * width + c]));
    const forest = new IsolationForest({ nEstimators: 1 });
    const original = Math.random;
    Math.random = random;
    try {
      forest.train(trainingRows);
    } finally {
      Math.random = original;
    }
    const flat = readable ? flatten(forest, treeColumns, t === 0 ? trainingRows : undefined) : undefined;
    if (!flat) readable = false;
    if (flat) addPathLengths(flat, matrix, width, n, pathLengths);
    else addPathLengthsFromScores(forest, matrix, width, n, treeColumns, psi, pathLengths);
  }
  for (let i = 0; i < n; i++) {
    pathLengths[i] /= trees;
    scores[i] = Math.pow(2, -pathLengths[i] / cPsi);
  }
  return { scores, pathLengths, sampleSize: psi, columns };
}

/**
 * Reads the library's trained tree into typed arrays, with the paper's c(leaf size) as leaf
 * term. Returns undefined when the tree does not have the shape this was written against;
 * when `check` rows are given, also when walking the flat tree with the library's own leaf
 * term does not reproduce the library's `predict` on them.
 */
function flatten(forest: IsolationForest, treeColumns: number[], check?: number[][]): FlatTree | undefined {
  const root = (forest as unknown as { forest?: LibraryNode[] }).forest?.[0];
  if (!root) return undefined;
  const nodes: LibraryNode[] = [];
  const stack: LibraryNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    if (node.left || node.right) {
      if (!node.left || !node.right || typeof node.splitColumn !== 'number' || typeof node.splitValue !== 'number') return undefined;
      stack.push(node.right, node.left);
    }
  }
  const index = new Map<LibraryNode, number>();
  nodes.forEach((node, k) => index.set(node, k));
  const size = nodes.length;
  const flat: FlatTree = {
    left: new Int32Array(size),
    right: new Int32Array(size),
    column: new Int32Array(size),
    split: new Float64Array(size),
    leafTerm: new Float64Array(size),
  };
  const libraryLeafTerm = check ? new Float64Array(size) : undefined;
  for (let k = 0; k < size; k++) {
    const node = nodes[k];
    if (node.left && node.right) {
      flat.left[k] = index.get(node.left)!;
      flat.right[k] = index.get(node.right)!;
      const column = treeColumns[node.splitColumn!];
      if (column === undefined) return undefined;
      flat.column[k] = column;
      flat.split[k] = node.splitValue!;
    } else {
      flat.left[k] = -1;
      const rowsInLeaf = Array.isArray(node.trainingSet) ? node.trainingSet.length : 0;
      flat.leafTerm[k] = averagePathLength(rowsInLeaf);
      if (libraryLeafTerm) libraryLeafTerm[k] = libraryAveragePathLength(rowsInLeaf);
    }
  }
  if (check && libraryLeafTerm) {
    // With the library's leaf term, our walk must give back exactly the library's score.
    const expected = forest.predict(check);
    const cLib = libraryAveragePathLength(check.length);
    const probe = new Float64Array(check.length * treeColumns.length);
    for (let i = 0; i < check.length; i++) {
      for (let c = 0; c < treeColumns.length; c++) probe[i * treeColumns.length + c] = check[i][c];
    }
    const remapped: FlatTree = { ...flat, column: flat.column.map((c) => treeColumns.indexOf(c)), leafTerm: libraryLeafTerm };
    for (let i = 0; i < check.length; i++) {
      const h = walk(remapped, probe, i * treeColumns.length);
      if (Math.abs(Math.pow(2, -h / cLib) - expected[i]) > 1e-9) return undefined;
    }
  }
  return flat;
}

function walk(tree: FlatTree, matrix: Float64Array, offset: number): number {
  let k = 0;
  let depth = 0;
  while (tree.left[k] >= 0) {
    k = matrix[offset + tree.column[k]] < tree.split[k] ? tree.left[k] : tree.right[k];
    depth++;
  }
  return depth + tree.leafTerm[k];
}

function addPathLengths(tree: FlatTree, matrix: Float64Array, width: number, n: number, out: Float64Array): void {
  // `walk` inlined with the arrays in locals: this loop is most of the time for big populations.
  const { left, right, column, split, leafTerm } = tree;
  for (let i = 0, offset = 0; i < n; i++, offset += width) {
    let k = 0;
    let depth = 0;
    while (left[k] >= 0) {
      k = matrix[offset + column[k]] < split[k] ? left[k] : right[k];
      depth++;
    }
    out[i] += depth + leafTerm[k];
  }
}

/**
 * The fallback when the trained tree cannot be read: the library's own `predict`, turned back
 * into a path length with its own normaliser (exact for a one-tree forest). Its leaf term
 * stays c_lib(leaf size), ≈ 0.58 short for leaves of more than two rows.
 */
function addPathLengthsFromScores(
  forest: IsolationForest,
  matrix: Float64Array,
  width: number,
  n: number,
  treeColumns: number[],
  psi: number,
  out: Float64Array,
): void {
  const projected: number[][] = new Array(n);
  for (let i = 0; i < n; i++) projected[i] = treeColumns.map((c) => matrix[i * width + c]);
  const scores = forest.predict(projected);
  const cLib = libraryAveragePathLength(psi);
  for (let i = 0; i < n; i++) out[i] += -Math.log2(scores[i]) * cLib;
}
