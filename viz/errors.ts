/** The visualisation's error class: bad data handed to a renderer, named by field. */

/** Data passed to `renderReport` / `renderNetworkSvg` / `renderNetworkHtml` breaks the contract. */
export class VizDataError extends Error {
  override readonly name = 'VizDataError';
}

/** Throws a `VizDataError` with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new VizDataError(message);
}
