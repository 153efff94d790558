/**
 * Plain-data inputs of the visualisation: a report (problem, field, network, history, metrics,
 * settings) and a network view. Arrays and numbers only, never tensors, so a caller fills them
 * from a trained model, a saved file or synthetic data alike.
 */

/** A solution sampled on a regular grid, optionally over time frames. */
export interface FieldData {
  /** 1, 2 or 3 spatial axes; the grid is their Cartesian product. */
  axes: { name: string; values: number[] }[];
  /** Time frames for time-dependent problems (absent: a single frame). */
  times?: number[];
  /** Name of the plotted unknown, e.g. 'u'. */
  unknown: string;
  /** Flattened [time][axis0][axis1]…, row-major (last axis fastest); length frames·∏|axis|. */
  predicted: ArrayLike<number>;
  /** Exact or reference solution, same layout; the error predicted − exact is shown when present. */
  exact?: ArrayLike<number>;
  /** 1 inside the domain, 0 in holes, over the spatial grid [axis0][axis1]… (or the full layout). */
  mask?: ArrayLike<number>;
}

/** One edge function φ of a KAN: from node i of layer `layer` to node j of layer + 1. */
export interface EdgeView {
  layer: number;
  i: number;
  j: number;
  /** φ sampled over its input range: xs ascending, ys = φ(xs), same length (≥ 2). */
  xs: number[];
  ys: number[];
  /** ≥ 0; opacity scales with importance / max importance. */
  importance: number;
  state: EdgeState;
  /** For symbolic edges, e.g. "sin(3.14*x + 0.1)". */
  formula?: string;
}

/** How an edge is represented: a learned spline, a fixed symbolic function, or removed. */
export type EdgeState = 'numeric' | 'symbolic' | 'pruned';

/** A KAN as plain data: layer widths, names of the inputs and outputs, and every edge. */
export interface NetworkView {
  /** Nodes per layer, e.g. [2, 10, 1]. */
  width: number[];
  inputNames: string[];
  outputNames: string[];
  edges: EdgeView[];
}

/** Training history: one row per recorded step; NaN or null where a column was not measured. */
export interface HistoryData {
  /** e.g. step, evaluations, seconds, loss, loss:pde, loss:conditions[0].dirichlet, relL2. */
  columns: string[];
  rows: (number | null)[][];
}

/** What was solved. */
export interface ProblemInfo {
  name: string;
  description?: string;
  variables: string[];
  spatial: string[];
  time?: [number, number];
  unknowns: string[];
}

/** Everything `renderReport` shows. */
export interface ReportData {
  title: string;
  problem: ProblemInfo;
  /** The first unknown's field (the one shown when the page opens). */
  field?: FieldData;
  /** The other unknowns' fields, same grid, for problems with several unknowns: the report offers a selector. */
  moreFields?: FieldData[];
  /** Absent for MLP runs: the report shows a note instead. */
  network?: NetworkView;
  history: HistoryData;
  /**
   * Results by key: `relL2`, `maxAbsErr`, `mse`, `loss`, `params`, `steps`, `evaluations`,
   * `seconds`, `backend`, `status`, `testSet`…, and per unknown U `relL2:U`, `maxAbsErr:U`, `mse:U`;
   * shown with words (`metricLabel`).
   */
  metrics: Record<string, number | string | null>;
  settings: Record<string, string | number | boolean | null>;
}
