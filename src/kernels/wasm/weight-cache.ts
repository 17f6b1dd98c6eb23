/**
 * Arrays derived from a layer's weights and kept between calls: Winograd's transformed filters,
 * U = G g G^T (the fused inference kernel, conv2dReluPoolForward), and the linear forward's
 * packed panels of w (for frozen weights only: linear.ts). A model run for inference uses the
 * same weights call after call, and transforming them (F*C small products in f64) costs more
 * than a batch-1 layer's multiplies; packing w costs 2% of a batch-64 seed-net forward. An entry
 * is used only while the weights still equal the copy taken with it, bitwise, compared on every
 * call in the kernels' memory (assembly/bytes-equal.ts: about 5 us for 73 KB), so weights
 * changed in place (an optimizer step, a loaded state dict) are derived again; entries go with
 * their weight arrays (a WeakMap), one array per kind. A frozen module's weights (Module.freeze,
 * src/kernels/frozen-arrays.ts) are compared once per freeze: for a batch-1 U-Net, comparing its
 * 1.8 MB of weights with their copies on every image cost 0.3-0.9 ms of 4-6 (memory traffic,
 * more in a slow hour).
 *
 * Kept arrays live in the kernels' resident memory, so a call reads them in place instead of
 * copying megabytes in (a U-Net's F(4,3) filters are ~20 MB). Resident memory cannot be taken
 * during a kernel call or a step that holds tensors, so a new entry starts in ordinary memory and
 * is placed when the call or step ends (place()); later derivations from the same weights
 * overwrite it there, so a model evaluated between training epochs holds one copy per layer, not
 * one per evaluation. Like resident tensors, placed arrays are held for the backend's life (the
 * WeakMap lets an entry go with its weights, not its resident memory): one array per layer and
 * kind of each model evaluated. Without a shared memory (no resident tensors) entries stay in
 * ordinary memory.
 */
import type { FloatArray } from '../../tensor.js';
import { frozenSince } from '../frozen-arrays.js';
import type { Arena } from './arena.js';
import type { WinogradTile } from './conv2d-path.js';
import type { Marshal } from './marshal.js';

/** What is derived: Winograd's filters for a tile size, or linear.ts's packed panels. */
export type DerivedKind = `winograd${WinogradTile}` | 'linearPanels';

interface Entry {
  /** The weights the arrays were derived from. */
  weights: Float32Array;
  /** The freeze (frozen-arrays.ts) under which they were last found unchanged; 0 for none. */
  checkedFreeze: number;
  /** Bumped whenever `weights` is rewritten: arrays derived from older weights are stale. */
  version: number;
  derived: Map<DerivedKind, { values: Float32Array; version: number }>;
}

export class WeightCache {
  private readonly entries = new WeakMap<FloatArray, Entry>();
  /** Entries with arrays still in ordinary memory. */
  private readonly unplaced = new Set<Entry>();

  constructor(private readonly arena: Arena) {}

  /**
   * A pointer to the `kind` array of these weights (at `w` in the kernels' memory), if kept and
   * the weights are bitwise unchanged since; else 0. Frozen weights (a frozen module's) are
   * compared once per freeze, not on every call.
   */
  find(m: Marshal, weights: FloatArray, w: number, kind: DerivedKind): number {
    const entry = this.entries.get(weights);
    const kept = entry?.derived.get(kind);
    if (entry === undefined || kept === undefined || kept.version !== entry.version) return 0;
    const freeze = frozenSince(weights);
    if (freeze === 0 || entry.checkedFreeze !== freeze) {
      const same = m.call('bytesEqual', w, m.input(entry.weights), entry.weights.byteLength);
      if (same !== 1) return 0;
      entry.checkedFreeze = freeze;
    }
    return m.input(kept.values);
  }

  /** Keeps the `kind` array (`bytes` bytes at `at` in the kernels' memory) of these weights. */
  keep(m: Marshal, weights: FloatArray, kind: DerivedKind, at: number, bytes: number): void {
    let entry = this.entries.get(weights);
    if (entry === undefined) {
      entry = {
        weights: Float32Array.from(weights),
        checkedFreeze: 0,
        version: 0,
        derived: new Map(),
      };
      this.entries.set(weights, entry);
      this.unplaced.add(entry);
    } else if (!sameBits(entry.weights, weights as Float32Array)) {
      entry.weights.set(weights);
      entry.version++;
    }
    // The copy was just taken from the weights: equal under the freeze they are in, if any.
    entry.checkedFreeze = frozenSince(weights);
    const kept = entry.derived.get(kind);
    if (kept !== undefined && kept.values.byteLength === bytes) {
      m.read(at, kept.values);
      kept.version = entry.version;
      return;
    }
    const fresh = new Float32Array(bytes / 4);
    m.read(at, fresh);
    entry.derived.set(kind, { values: fresh, version: entry.version });
    this.unplaced.add(entry);
  }

  /** Moves new entries into resident memory, where it can be taken now (see the top). */
  place(): void {
    if (this.unplaced.size === 0 || !this.arena.canHoldTensors) return;
    if (!this.arena.residentAllocationAllowed) return;
    const resident = (values: Float32Array): Float32Array => {
      if (this.arena.isResident(values)) return values;
      const copy = this.arena.allocateResident(values.length);
      copy.set(values);
      return copy;
    };
    for (const entry of this.unplaced) {
      entry.weights = resident(entry.weights);
      for (const kept of entry.derived.values()) kept.values = resident(kept.values);
    }
    this.unplaced.clear();
  }
}

/** Whether two float32 arrays hold the same bits (NaN payloads included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
