/**
 * Node attributes: builders for writing, and a reader that checks each attribute a converter
 * asks for (its type, its value) and, at the end, that the node holds no attribute the
 * converter does not know, so that nothing a file says is silently ignored.
 */
import {
  ONNX_ATTRIBUTE_TYPE,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-proto.js';

export const attribute = {
  int: (name: string, i: number): OnnxAttribute => ({ name, type: ONNX_ATTRIBUTE_TYPE.INT, i }),
  ints: (name: string, ints: readonly number[]): OnnxAttribute => ({
    name,
    type: ONNX_ATTRIBUTE_TYPE.INTS,
    ints: [...ints],
  }),
  float: (name: string, f: number): OnnxAttribute => ({
    name,
    type: ONNX_ATTRIBUTE_TYPE.FLOAT,
    f,
  }),
  string: (name: string, s: string): OnnxAttribute => ({
    name,
    type: ONNX_ATTRIBUTE_TYPE.STRING,
    s: new TextEncoder().encode(s),
  }),
};

/** Reads one node's attributes; fail throws an error that names the node. */
export class AttributeReader {
  private readonly byName = new Map<string, OnnxAttribute>();
  private readonly read = new Set<string>();

  constructor(
    node: OnnxNode,
    private readonly fail: (problem: string) => never,
  ) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private take(name: string, type: number, typeName: string): OnnxAttribute | undefined {
    this.read.add(name);
    const a = this.byName.get(name);
    if (a !== undefined && a.type !== undefined && a.type !== type) {
      this.fail(`attribute ${name} should be ${typeName}, got attribute type ${a.type}`);
    }
    return a;
  }

  int(name: string, fallback: number): number {
    return this.take(name, ONNX_ATTRIBUTE_TYPE.INT, 'an int')?.i ?? fallback;
  }

  ints(name: string, fallback: readonly number[]): number[] {
    const a = this.take(name, ONNX_ATTRIBUTE_TYPE.INTS, 'a list of ints');
    return a === undefined ? [...fallback] : [...(a.ints ?? [])];
  }

  floats(name: string, fallback: readonly number[]): number[] {
    const a = this.take(name, ONNX_ATTRIBUTE_TYPE.FLOATS, 'a list of floats');
    return a === undefined ? [...fallback] : [...(a.floats ?? [])];
  }

  tensor(name: string): OnnxTensor | undefined {
    return this.take(name, ONNX_ATTRIBUTE_TYPE.TENSOR, 'a tensor')?.t;
  }

  float(name: string, fallback: number): number {
    return this.take(name, ONNX_ATTRIBUTE_TYPE.FLOAT, 'a float')?.f ?? fallback;
  }

  string(name: string, fallback: string): string {
    const s = this.take(name, ONNX_ATTRIBUTE_TYPE.STRING, 'a string')?.s;
    return s === undefined ? fallback : new TextDecoder().decode(s);
  }

  /** An int attribute that must have one of the given values (what is supported). */
  intOneOf(name: string, fallback: number, supported: readonly number[]): number {
    const value = this.int(name, fallback);
    if (!supported.includes(value)) {
      this.fail(`attribute ${name}=${value} is not supported (supported: ${supported.join(', ')})`);
    }
    return value;
  }

  stringOneOf(name: string, fallback: string, supported: readonly string[]): string {
    const value = this.string(name, fallback);
    if (!supported.includes(value)) {
      this.fail(
        `attribute ${name}='${value}' is not supported (supported: ${supported.map((s) => `'${s}'`).join(', ')})`,
      );
    }
    return value;
  }

  /** After the converter has asked for every attribute it knows: each other one is an error. */
  done(): void {
    const unknown = [...this.byName.keys()].filter((name) => !this.read.has(name));
    if (unknown.length > 0) {
      this.fail(
        `attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not supported (supported: ${[...this.read].join(', ') || 'none'})`,
      );
    }
  }
}
