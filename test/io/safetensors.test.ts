import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_HEADER_BYTES,
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
} from '../../src/io/safetensors.js';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors-file.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type DType } from '../../src/tensor.js';

const FIXTURES = new URL('../../fixtures/safetensors/', import.meta.url);
const SOURCE = 'model.safetensors';

/** Builds a file from a header (an object, or raw text) and a data buffer. */
function craft(
  header: unknown,
  buffer: Uint8Array | number = 0,
  declaredLength?: bigint,
): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const data = typeof buffer === 'number' ? new Uint8Array(buffer) : buffer;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function decode(bytes: Uint8Array) {
  return decodeSafetensors(bytes, { source: SOURCE });
}

/** The error decoding must throw: a SafetensorsError whose message names the source. */
function rejection(bytes: Uint8Array): SafetensorsError {
  try {
    decode(bytes);
  } catch (error) {
    assert.ok(
      error instanceof SafetensorsError,
      `expected a SafetensorsError, got ${String(error)}`,
    );
    assert.ok(error.message.startsWith(`${SOURCE}: `), error.message);
    return error;
  }
  assert.fail('the file was accepted');
}

function assertRejects(bytes: Uint8Array, message: RegExp): void {
  assert.match(rejection(bytes).problem, message);
}

/** Same dtype, shape and bit-identical data (NaN payloads and -0 included). */
function assertSameTensor(actual: Tensor | undefined, expected: Tensor, name: string): void {
  assert.ok(actual !== undefined, `missing tensor ${name}`);
  assert.equal(actual.dtype, expected.dtype, name);
  assert.deepEqual(actual.shape, expected.shape, name);
  assert.deepEqual(
    new Uint8Array(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength),
    new Uint8Array(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength),
    name,
  );
}

function entry(dtype: string, shape: unknown, offsets: unknown): Record<string, unknown> {
  return { dtype, shape, data_offsets: offsets };
}

describe('safetensors round trips', () => {
  it('round-trips float32 and float64 tensors, scalars, empty tensors and metadata', () => {
    const rng = new Rng(3);
    const tensors = {
      'conv1.weight': Tensor.randn([4, 3, 3, 3], rng),
      'conv1.bias': Tensor.randn([4], rng, 1, 'float64'),
      scalar: Tensor.scalar(-1.25),
      scalar64: Tensor.scalar(Math.PI, 'float64'),
      empty: Tensor.zeros([0, 4]),
      'empty middle': Tensor.zeros([3, 0, 2], 'float64'),
      special: Tensor.from([NaN, Infinity, -Infinity, -0, 1e-45], [5]),
    };
    const metadata = { format: 'pt', note: 'é ✓ 𝑥', empty: '' };
    const decoded = decode(encodeSafetensors(tensors, metadata));
    assert.equal(decoded.tensors.size, Object.keys(tensors).length);
    for (const [name, tensor] of Object.entries(tensors)) {
      assertSameTensor(decoded.tensors.get(name), tensor, name);
    }
    assert.deepEqual(decoded.metadata, metadata);
    assert.equal(decoded.dtypes.get('conv1.bias'), 'F64');
    assert.equal(decoded.dtypes.get('conv1.weight'), 'F32');
  });

  it('writes an empty dictionary as a valid file, and no metadata as {}', () => {
    const bytes = encodeSafetensors({});
    assert.equal(new TextDecoder().decode(bytes.subarray(8)), '{}      ');
    const decoded = decode(bytes);
    assert.equal(decoded.tensors.size, 0);
    assert.deepEqual(decoded.metadata, {});
  });

  it('pads the header with spaces to 8 bytes and aligns every tensor to its element size', () => {
    const bytes = encodeSafetensors({
      a: Tensor.zeros([3]),
      b: Tensor.zeros([1], 'float64'),
      c: Tensor.zeros([2]),
    });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(headerLength % 8, 0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    assert.match(header, /^\{.*\} *$/);
    assert.equal(
      header.trimEnd(),
      '{"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},' +
        '"c":{"dtype":"F32","shape":[2],"data_offsets":[20,28]}}',
    );
  });

  it('accepts Maps, views into larger arrays, and Buffers at an offset in a shared pool', () => {
    const big = Float32Array.from({ length: 20 }, (_, i) => i);
    const view = new Tensor(big.subarray(3, 9), [2, 3]);
    const bytes = encodeSafetensors(new Map([['view', view]]));
    const pooled = Buffer.from(bytes);
    const decoded = decode(pooled);
    assert.deepEqual(decoded.tensors.get('view')?.toArray(), [3, 4, 5, 6, 7, 8]);
    pooled.fill(0);
    assert.deepEqual(
      decoded.tensors.get('view')?.toArray(),
      [3, 4, 5, 6, 7, 8],
      'no shared memory',
    );
  });

  it('writes and reads files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convnet-safetensors-'));
    try {
      const path = join(dir, 'weights.safetensors');
      await writeSafetensors(path, { w: Tensor.from([1, 2], [2]) }, { step: '7' });
      const decoded = await readSafetensors(path);
      assert.deepEqual(decoded.tensors.get('w')?.toArray(), [1, 2]);
      assert.deepEqual(decoded.metadata, { step: '7' });
      await assert.rejects(readSafetensors(join(dir, 'missing.safetensors')), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips random tensors, names and metadata (property)', () => {
    const name = fc
      .string({ unit: 'binary', maxLength: 12 })
      .filter((s) => s !== '__metadata__' && !/\p{Surrogate}/u.test(s));
    const tensor = fc
      .record({
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
        dtype: fc.constantFrom<DType>('float32', 'float64'),
      })
      .chain(({ shape, dtype }) => {
        const length = shape.reduce((a, b) => a * b, 1);
        const values =
          dtype === 'float32'
            ? fc.float32Array({ minLength: length, maxLength: length })
            : fc.float64Array({ minLength: length, maxLength: length });
        return values.map((data) => new Tensor(data, shape));
      });
    const dict = fc.uniqueArray(fc.tuple(name, tensor), { selector: ([n]) => n, maxLength: 6 });
    const metadata = fc.option(
      fc.dictionary(name, fc.string({ unit: 'grapheme', maxLength: 10 })),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(dict, metadata, (entries, meta) => {
        const decoded = decode(encodeSafetensors(new Map(entries), meta));
        assert.equal(decoded.tensors.size, entries.length);
        for (const [n, t] of entries) assertSameTensor(decoded.tensors.get(n), t, n);
        assert.deepEqual(decoded.metadata, { ...meta });
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('safetensors fixtures (written from the spec by scripts/make-safetensors-fixture.py)', () => {
  const reference = readFileSync(new URL('reference-layout.safetensors', FIXTURES));

  it('reads the reference layout', () => {
    const { tensors, metadata, dtypes } = decode(reference);
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual(
      [...tensors.keys()],
      [
        'bn.running_var',
        'fc.bias',
        '10',
        '2',
        'conv1.weight',
        'empty',
        'scalar',
        'special',
        '层1.权重',
        'ﬁ',
        '𝑥',
      ],
      'in the order of their bytes: F64 first, then by code point',
    );
    const values = (name: string) => tensors.get(name)?.toArray();
    assert.deepEqual(values('bn.running_var'), [Math.PI, -1e-300]);
    assert.deepEqual(values('fc.bias'), [0.1, 1 / 3, -2.5e100]);
    assert.deepEqual(values('conv1.weight'), [
      1.5,
      -2,
      0.25,
      Math.fround(3e-8),
      Math.fround(1e30),
      -0,
    ]);
    assert.deepEqual(tensors.get('conv1.weight')?.shape, [2, 3]);
    assert.deepEqual(values('special'), [Infinity, -Infinity, NaN, Math.fround(1e-45)]);
    assert.deepEqual(tensors.get('scalar')?.shape, []);
    assert.equal(tensors.get('scalar')?.item(), 42);
    assert.deepEqual(tensors.get('empty')?.shape, [0, 4]);
    assert.deepEqual(values('层1.权重'), [7]);
    assert.deepEqual(values('𝑥'), [8]);
    assert.equal(dtypes.get('fc.bias'), 'F64');
    assert.equal(tensors.get('fc.bias')?.dtype, 'float64');
    assert.equal(tensors.get('special')?.dtype, 'float32');
  });

  it('re-encodes the reference layout byte for byte', () => {
    const { tensors, metadata } = decode(reference);
    assert.deepEqual(Buffer.from(encodeSafetensors(tensors, metadata)), reference);
  });

  it('reads F16, BF16 and integer dtypes exactly', () => {
    const bytes = readFileSync(new URL('mixed-dtypes.safetensors', FIXTURES));
    const { tensors, dtypes, metadata } = decode(bytes);
    assert.deepEqual(metadata, { producer: 'scripts/make-safetensors-fixture.py' });
    const values = (name: string) => tensors.get(name)?.toArray();
    assert.deepEqual(values('half'), [1, -2.5, 65504, 2 ** -24, -0, Infinity]);
    assert.equal(tensors.get('half')?.dtype, 'float32');
    assert.deepEqual(values('brain'), [1, -(2 ** 127), 2 ** -133]);
    assert.equal(tensors.get('bn.num_batches_tracked')?.item(), 1234);
    assert.deepEqual(tensors.get('bn.num_batches_tracked')?.shape, []);
    assert.equal(tensors.get('bn.num_batches_tracked')?.dtype, 'float64');
    assert.deepEqual(values('i64'), [-(2 ** 53) + 1, 2 ** 53 - 1, -7]);
    assert.deepEqual(values('i32'), [-(2 ** 31), 2 ** 31 - 1]);
    assert.deepEqual(values('i16'), [-32768, 32767]);
    assert.deepEqual(values('i8'), [-128, 127]);
    assert.deepEqual(values('u64'), [2 ** 53 - 1]);
    assert.deepEqual(values('u32'), [2 ** 32 - 1]);
    assert.deepEqual(values('u16'), [65535]);
    assert.deepEqual(values('u8'), [0, 1, 128, 255]);
    assert.deepEqual(values('mask'), [1, 0, 1]);
    assert.equal(dtypes.get('mask'), 'BOOL');
    assert.equal(dtypes.get('brain'), 'BF16');
  });
});

describe('safetensors rejects hostile and truncated files', () => {
  const f32 = (shape: unknown, offsets: unknown) => entry('F32', shape, offsets);

  it('rejects a file shorter than 8 bytes', () => {
    assertRejects(new Uint8Array(0), /^file is 0 bytes, too short for a safetensors file/);
    assertRejects(new Uint8Array(7), /^file is 7 bytes, too short/);
  });

  it('rejects a header length beyond the cap or beyond the file', () => {
    assertRejects(
      craft({}, 0, 2n ** 64n - 1n),
      /^header length 18446744073709551615 exceeds the 100000000-byte limit/,
    );
    assertRejects(craft({}, 0, BigInt(MAX_HEADER_BYTES + 1)), /exceeds the 100000000-byte limit/);
    assertRejects(
      craft({}, 4, 100n),
      /^header length is 100 bytes, but only 6 bytes follow the length field \(truncated file\?\)/,
    );
    const valid = encodeSafetensors({ w: Tensor.from([1, 2, 3], [3]) });
    assertRejects(valid.subarray(0, 20), /header length is \d+ bytes, but only 12 bytes follow/);
  });

  it('rejects a header that is not UTF-8 JSON starting with {', () => {
    assertRejects(craft(''), /^header must start with '\{', found an empty header/);
    assertRejects(craft(' {}'), /^header must start with '\{', found byte 0x20/);
    assertRejects(craft('\ufeff{}'), /found byte 0xef/);
    const badUtf8 = craft('{"a":1}');
    badUtf8[10] = 0xff;
    assertRejects(badUtf8, /^header is not valid UTF-8/);
    assertRejects(
      craft('{"w":}'),
      /^header is not valid JSON: invalid JSON at line 1, column 6 \(character 5\): unexpected '\}', expected a value/,
    );
    assertRejects(craft('{"a":{}} x'), /after the JSON value/);
    assertRejects(
      craft(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`),
      /nesting deeper than 64 levels/,
    );
  });

  it('rejects duplicate names', () => {
    const one = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    assertRejects(
      craft(`{"w":${one},"w":${one}}`, 4),
      /header is not valid JSON: .*duplicate key "w"/,
    );
  });

  it('rejects entries that are not { dtype, shape, data_offsets }', () => {
    assertRejects(
      craft({ w: 5 }),
      /^tensor "w": expected an object with dtype, shape and data_offsets, got 5/,
    );
    assertRejects(
      craft({ w: { dtype: 'F32', shape: [0] } }),
      /^tensor "w": missing "data_offsets"/,
    );
    assertRejects(
      craft({ w: { ...f32([0], [0, 0]), extra: 1 } }),
      /^tensor "w": unknown field "extra"/,
    );
  });

  it('rejects unknown and unsupported dtypes by name', () => {
    assertRejects(
      craft({ w: entry('F128', [0], [0, 0]) }),
      /^tensor "w": unknown dtype "F128" \(convnet-ts reads F64, F32, F16, BF16, I64/,
    );
    assertRejects(craft({ w: entry('f32', [0], [0, 0]) }), /unknown dtype "f32"/);
    assertRejects(
      craft({ w: { dtype: 32, shape: [0], data_offsets: [0, 0] } }),
      /^tensor "w": dtype must be a string, got 32/,
    );
    assertRejects(
      craft({ w: entry('F8_E4M3', [4], [0, 4]) }, 4),
      /dtype F8_E4M3 is valid safetensors but not supported by convnet-ts/,
    );
    assertRejects(
      craft({ w: entry('C64', [1], [0, 8]) }, 8),
      /dtype C64 is valid safetensors but not supported/,
    );
    assertRejects(craft({ w: entry('__proto__', [0], [0, 0]) }), /unknown dtype "__proto__"/);
  });

  it('rejects shapes that are not arrays of non-negative safe integers', () => {
    assertRejects(craft({ w: f32(4, [0, 16]) }, 16), /^tensor "w": shape must be an array, got 4/);
    assertRejects(
      craft({ w: f32([2, -2], [0, 0]) }),
      /^tensor "w": shape\[1\] must be a non-negative integer, got -2/,
    );
    assertRejects(
      craft({ w: f32([1.5], [0, 0]) }),
      /shape\[0\] must be a non-negative integer, got 1.5/,
    );
    assertRejects(
      craft({ w: f32(['2'], [0, 8]) }, 8),
      /shape\[0\] must be a non-negative integer, got "2"/,
    );
    assertRejects(
      craft({ w: f32([2 ** 53], [0, 0]) }),
      /shape\[0\] must be a non-negative integer, got 9007199254740992/,
    );
    assertRejects(
      craft('{"w":{"dtype":"F32","shape":[1e999],"data_offsets":[0,0]}}'),
      /out of the range of a double/,
    );
  });

  it('rejects offsets that are not [begin, end] within the buffer', () => {
    assertRejects(
      craft({ w: f32([1], [0, 4, 8]) }, 4),
      /^tensor "w": data_offsets must be \[begin, end\], got an array of length 3/,
    );
    assertRejects(
      craft({ w: f32([1], { begin: 0 }) }, 4),
      /data_offsets must be \[begin, end\], got an object/,
    );
    assertRejects(
      craft({ w: f32([1], [0, 4.5]) }, 4),
      /data_offsets must be two non-negative integers, got \[0, 4.5\]/,
    );
    assertRejects(craft({ w: f32([1], [-4, 0]) }, 4), /got \[-4, 0\]/);
    assertRejects(
      craft({ w: f32([0], [8, 4]) }, 8),
      /^tensor "w": data_offsets \[8, 4\] end before they begin/,
    );
    assertRejects(
      craft({ w: f32([4], [0, 16]) }, 12),
      /^tensor "w": data_offsets \[0, 16\] go past the end of the 12-byte data buffer \(truncated file\?\)/,
    );
    const valid = encodeSafetensors({ w: Tensor.from([1, 2, 3], [3]) });
    assertRejects(
      valid.subarray(0, valid.length - 1),
      /go past the end of the 11-byte data buffer/,
    );
  });

  it('rejects a byte size other than product(shape) * dtype size', () => {
    assertRejects(
      craft({ w: f32([2], [0, 4]) }, 4),
      /^tensor "w": F32 of shape \(2\) needs 8 bytes, but data_offsets \[0, 4\] hold 4/,
    );
    assertRejects(craft({ w: entry('F64', [1], [0, 4]) }, 4), /F64 of shape \(1\) needs 8 bytes/);
    assertRejects(
      craft({ w: f32([2 ** 26, 2 ** 26, 2 ** 26], [0, 8]) }, 8),
      /F32 of shape \(67108864,67108864,67108864\) needs more than 2\^53 bytes/,
    );
  });

  it('rejects overlaps, gaps and trailing bytes: the buffer must be exactly covered', () => {
    assertRejects(
      craft({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, 12),
      /^tensor "b" at \[4, 12\] overlaps tensor "a" at \[0, 8\]/,
    );
    assertRejects(craft({ a: f32([2], [0, 8]), b: f32([2], [0, 8]) }, 8), /overlaps tensor/);
    assertRejects(
      craft({ a: f32([2], [0, 8]), e: f32([0], [4, 4]) }, 8),
      /^tensor "e" at \[4, 4\] overlaps tensor "a"/,
    );
    assertRejects(
      craft({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, 12),
      /^bytes \[4, 8\) of the data buffer belong to no tensor/,
    );
    assertRejects(
      craft({ b: f32([1], [4, 8]) }, 8),
      /^bytes \[0, 4\) of the data buffer belong to no tensor/,
    );
    assertRejects(
      craft({ a: f32([1], [0, 4]) }, 9),
      /^bytes \[4, 9\) at the end of the data buffer belong to no tensor/,
    );
    assertRejects(craft({}, 1), /^bytes \[0, 1\) at the end/);
    const valid = encodeSafetensors({ w: Tensor.from([1], [1]) });
    assertRejects(Buffer.concat([valid, Buffer.from('PK\u0003\u0004')]), /belong to no tensor/);
    // Out of order in the header is fine (older writers sorted by name only).
    const swapped = decode(craft({ b: f32([1], [4, 8]), a: f32([1], [0, 4]) }, 8));
    assert.deepEqual([...swapped.tensors.keys()], ['a', 'b']);
  });

  it('rejects metadata that is not an object of strings', () => {
    assertRejects(
      craft({ __metadata__: 'v1' }),
      /^"__metadata__" must be an object of strings, got "v1"/,
    );
    assertRejects(craft({ __metadata__: null }), /must be an object of strings, got null/);
    assertRejects(
      craft({ __metadata__: { epoch: 3 } }),
      /^"__metadata__" value for "epoch" must be a string, got 3/,
    );
    assertRejects(
      craft({ __metadata__: { nested: { a: 'b' } } }),
      /value for "nested" must be a string, got an object/,
    );
    assert.deepEqual(
      decode(craft('{"__metadata__":{"__proto__":"x"}}')).metadata,
      JSON.parse('{"__proto__":"x"}'),
    );
  });

  it('rejects integer and boolean values a float64 cannot hold exactly', () => {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 53n, true);
    assertRejects(
      craft({ n: entry('I64', [], [0, 8]) }, big),
      /^tensor "n": I64 element 0 cannot be represented exactly/,
    );
    new DataView(big.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    assertRejects(
      craft({ n: entry('U64', [1], [0, 8]) }, big),
      /U64 element 0 cannot be represented exactly/,
    );
    assertRejects(
      craft({ m: entry('BOOL', [2], [0, 2]) }, Uint8Array.from([1, 2])),
      /BOOL element 1 cannot be represented exactly .*or is not a valid BOOL/,
    );
  });

  it(
    'never throws anything but a SafetensorsError on corrupted or truncated files (property)',
    { timeout: 120_000 },
    () => {
      const rng = new Rng(17);
      const files = [
        encodeSafetensors(
          {
            a: Tensor.randn([3, 2], rng),
            b: Tensor.randn([2], rng, 1, 'float64'),
            s: Tensor.scalar(1),
          },
          { k: 'v' },
        ),
        encodeSafetensors({ e: Tensor.zeros([0, 3]), x: Tensor.randn([5], rng) }),
        new Uint8Array(readFileSync(new URL('mixed-dtypes.safetensors', FIXTURES))),
        new Uint8Array(readFileSync(new URL('reference-layout.safetensors', FIXTURES))),
      ];
      const mutation = fc.oneof(
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('bytes' as const),
          edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          inHeader: fc.boolean(),
        }),
        fc.record({
          kind: fc.constant('chars' as const),
          edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'{}[]",:0123456789-.eE tfn\\u')), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        fc.record({
          kind: fc.constant('length' as const),
          length: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        }),
        fc.record({
          kind: fc.constant('nudge' as const),
          delta: fc.integer({ min: -16, max: 16 }),
        }),
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: files.length - 1 }), mutation, (which, m) => {
          const original = files[which];
          let bytes = original.slice();
          const view = new DataView(bytes.buffer);
          const headerEnd = 8 + Number(view.getBigUint64(0, true));
          if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % bytes.length);
          else if (m.kind === 'bytes') {
            const span = m.inHeader ? headerEnd : bytes.length;
            for (const [at, value] of m.edits) bytes[at % span] = value;
          } else if (m.kind === 'chars') {
            for (const [at, c] of m.edits) bytes[8 + (at % (headerEnd - 8))] = c.charCodeAt(0);
          } else if (m.kind === 'length') view.setBigUint64(0, m.length, true);
          else view.setBigUint64(0, BigInt(Math.max(0, headerEnd - 8 + m.delta)), true);
          try {
            const decoded = decode(bytes);
            for (const t of decoded.tensors.values())
              assert.equal(
                t.size,
                t.shape.reduce((a, b) => a * b, 1),
              );
          } catch (error) {
            if (!(error instanceof SafetensorsError)) throw error;
            assert.ok(error.message.startsWith(`${SOURCE}: `));
          }
        }),
        { seed: 23, numRuns: 3000 },
      );
    },
  );

  it(
    'never throws anything but a SafetensorsError on arbitrary headers (property)',
    { timeout: 120_000 },
    () => {
      const number = fc.oneof(
        fc.integer({ min: -4, max: 40 }),
        fc.double(),
        fc.constant(2 ** 53),
        fc.constant(1e300),
      );
      const field = fc.oneof(
        number,
        fc.string({ maxLength: 3 }),
        fc.array(number, { maxLength: 4 }),
        fc.constant(null),
        fc.jsonValue({ maxDepth: 2 }),
      );
      const tensorEntry = fc.record(
        {
          dtype: fc.oneof(
            fc.constantFrom('F32', 'F64', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'F8_E5M2', 'X'),
            field,
          ),
          shape: fc.oneof(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), field),
          data_offsets: fc.oneof(
            fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })),
            field,
          ),
        },
        { requiredKeys: [] },
      );
      const header = fc.dictionary(
        fc.constantFrom('a', 'b', 'c', '__metadata__', ''),
        fc.oneof(tensorEntry, field),
      );
      fc.assert(
        fc.property(header, fc.integer({ min: 0, max: 48 }), (h, bufferLength) => {
          try {
            decode(craft(h, bufferLength));
          } catch (error) {
            if (!(error instanceof SafetensorsError)) throw error;
          }
        }),
        { seed: 29, numRuns: 3000 },
      );
    },
  );
});

describe('safetensors encoding errors', () => {
  it('rejects what cannot be written, naming it', () => {
    const t = Tensor.zeros([1]);
    assert.throws(
      () => encodeSafetensors({ __metadata__: t }),
      /encodeSafetensors: a tensor cannot be named "__metadata__"/,
    );
    assert.throws(
      () => encodeSafetensors({ ['bad\ud800']: t }),
      /tensor name "bad\\ud800" contains a lone UTF-16 surrogate/,
    );
    const notTensor: Record<string, Tensor> = JSON.parse('{"w": [1, 2]}');
    assert.throws(() => encodeSafetensors(notTensor), /encodeSafetensors: "w" is not a Tensor/);
    const badMetadata: Record<string, string> = JSON.parse('{"epoch": 3}');
    assert.throws(
      () => encodeSafetensors({ w: t }, badMetadata),
      /metadata value for "epoch" must be a string, got 3/,
    );
    assert.throws(
      () => encodeSafetensors({ w: t }, { ['\udc00']: 'x' }),
      /metadata key .* lone UTF-16 surrogate/,
    );
  });
});
