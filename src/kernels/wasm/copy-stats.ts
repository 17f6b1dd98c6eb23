/** Counters of the fast backend's copies (their own file: the public types need no WebAssembly types). */

/** What the copies into and out of the kernels' memory have cost so far. */
export interface CopyStats {
  bytesIn: number;
  bytesOut: number;
  milliseconds: number;
}
