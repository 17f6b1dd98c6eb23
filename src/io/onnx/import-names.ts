/**
 * Names for the nodes of an imported graph. Our node names are dotted paths (`features.0`) and
 * name the parameters (`features.0.weight`), so a layer is named, in order of preference:
 *
 *   1. after its weight initializer, `features.0.weight` -> `features.0` (what PyTorch and our
 *      exporter write), so the state dict keeps the original keys;
 *   2. after its ONNX node name: ours as is, PyTorch's `/features/features.0/Conv` -> `features.0`;
 *   3. after its output value, then its op.
 *
 * A candidate is cleaned to the format's name pattern and must not collide with a name taken
 * or nest under one (`a` and `a.b` cannot both be layers); otherwise `_1`, `_2`... is added.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** A string cleaned to the name pattern, or null when nothing is left. */
export function cleanName(raw: string): string | null {
  const parts = raw
    .replace(/[^A-Za-z0-9_.]/g, '_')
    .split('.')
    .filter((p) => p !== '');
  if (parts.length === 0) return null;
  if (/^[0-9]/.test(parts[0])) parts[0] = `_${parts[0]}`;
  const name = parts.join('.');
  return NAME.test(name) ? name : null;
}

/** PyTorch's node names are scope paths ending in the op: `/layer1/conv/Conv_3` -> `layer1.conv`. */
function scopeOf(nodeName: string, opType: string): string {
  const segments = nodeName.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1] ?? '';
  const isOp = last === opType || last.startsWith(`${opType}_`);
  if (segments.length > 1 && isOp) return segments[segments.length - 2];
  return nodeName.startsWith('/') ? segments.join('.') : nodeName;
}

export class NameTable {
  private readonly taken = new Set<string>();

  private free(name: string): boolean {
    if (this.taken.has(name)) return false;
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      if (this.taken.has(parts.slice(0, i).join('.'))) return false;
    }
    for (const other of this.taken) if (other.startsWith(`${name}.`)) return false;
    return true;
  }

  /** Takes a name: the first free cleaned candidate, or the first with a suffix. */
  take(candidates: readonly string[]): string {
    const clean = candidates.map(cleanName).filter((c): c is string => c !== null);
    const name = clean.find((c) => this.free(c));
    if (name !== undefined) {
      this.taken.add(name);
      return name;
    }
    const base = (clean[0] ?? 'node').replace(/\./g, '_');
    for (let k = 1; ; k++) {
      const suffixed = `${base}_${k}`;
      if (this.free(suffixed)) {
        this.taken.add(suffixed);
        return suffixed;
      }
    }
  }
}

/** The candidates for a layer's name (see the top of this file). */
export function nameCandidates(
  weightName: string | undefined,
  nodeName: string,
  opType: string,
  output: string,
): string[] {
  const candidates: string[] = [];
  if (weightName !== undefined && weightName.endsWith('.weight')) {
    candidates.push(weightName.slice(0, -'.weight'.length));
  }
  if (nodeName !== '') candidates.push(scopeOf(nodeName, opType));
  if (output !== '') candidates.push(output);
  candidates.push(opType);
  return candidates;
}
