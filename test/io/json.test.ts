import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonParseError, parseJson, stringifyJson } from '../../src/io/json.js';

function parseError(text: string): JsonParseError {
  try {
    parseJson(text);
  } catch (error) {
    assert.ok(error instanceof JsonParseError, `expected a JsonParseError, got ${String(error)}`);
    return error;
  }
  assert.fail(`parsed ${JSON.stringify(text)} without an error`);
}

describe('parseJson', () => {
  it('reads what JSON.parse reads', () => {
    const text =
      '{"a": [1, -2.5e3, 0.125, true, false, null], "b": {"c": "x\\n\\u00e9\\ud83d\\ude00\\/"}}';
    assert.deepEqual(parseJson(text), JSON.parse(text));
    assert.equal(parseJson(' 7 '), 7);
    assert.deepEqual(parseJson('[]'), []);
  });

  it('agrees with JSON.parse on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        assert.deepEqual(parseJson(text), JSON.parse(text));
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const value = parseJson('{"__proto__": {"polluted": true}}');
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value ?? {}), ['__proto__']);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  it('names the line, column and position of an error, and what was expected', () => {
    const error = parseError('{\n  "a": 1,\n  "b" 2\n}');
    assert.equal(error.line, 3);
    assert.equal(error.column, 7);
    assert.equal(error.position, 18);
    assert.match(
      error.message,
      /^invalid JSON at line 3, column 7 \(character 18\): expected ':' after the key "b", found '2'$/,
    );
    assert.match(parseError('{"a": 1,}').message, /column 9 .*expected a string key, found '}'/);
    assert.match(
      parseError('[1 2]').message,
      /expected ',' or ']' after an array element, found '2'/,
    );
    assert.match(
      parseError('{"a": 1').message,
      /expected ',' or '}' after an object member, found end of input/,
    );
    assert.match(parseError('').message, /unexpected end of input, expected a value/);
    assert.match(parseError('{} x').message, /unexpected 'x' after the JSON value/);
    assert.match(parseError('"abc').message, /character 0\): unterminated string/);
    assert.match(parseError('"a\u0001"').message, /unescaped control character U\+0001/);
    assert.match(parseError('"\\x"').message, /invalid escape '\\x'/);
    assert.match(parseError('"\\u12G4"').message, /invalid \\u escape/);
    assert.match(parseError('01').message, /unexpected '1' after the JSON value/);
    assert.match(parseError('-').message, /invalid number starting with '-'/);
    assert.match(parseError('NaN').message, /unexpected 'N', expected a value/);
    assert.match(parseError('1e400').message, /number 1e400 is out of the range of a double/);
  });

  it('rejects duplicate keys at any depth', () => {
    assert.match(parseError('{"a": 1, "a": 2}').message, /character 9\): duplicate key "a"/);
    assert.match(parseError('{"x": {"k": 1, "k": 1}}').message, /duplicate key "k"/);
    assert.deepEqual(parseJson('[{"a": 1}, {"a": 2}]'), [{ a: 1 }, { a: 2 }]);
  });

  it('rejects nesting past the limit with a message, not a stack overflow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    assert.match(parseError(deep).message, /nesting deeper than 1000 levels/);
    assert.throws(() => parseJson('[[[1]]]', { maxDepth: 2 }), /nesting deeper than 2 levels/);
    assert.deepEqual(parseJson('[[1]]', { maxDepth: 2 }), [[1]]);
  });
});

describe('stringifyJson', () => {
  it('writes what JSON.stringify writes when the value round-trips', () => {
    const value = { a: [1, 'x', null, true], b: { c: -0.5 } };
    assert.equal(stringifyJson(value, 'value'), JSON.stringify(value));
    assert.equal(stringifyJson(value, 'value', 2), JSON.stringify(value, null, 2));
  });

  it('names the path of a value JSON cannot hold', () => {
    assert.throws(
      () => stringifyJson({ state: [{ step: NaN }] }, 'optimizer'),
      /^TypeError: optimizer\.state\[0\]\.step is NaN, which JSON cannot hold/,
    );
    assert.throws(
      () => stringifyJson({ 'odd key': Infinity }, 'state'),
      /state\["odd key"\] is Infinity/,
    );
    assert.throws(() => stringifyJson({ a: undefined }, 'spec'), /spec\.a is undefined/);
    assert.throws(() => stringifyJson([() => 1], 'spec'), /spec\[0\] is a function/);
    assert.throws(() => stringifyJson({ n: 1n }, 'spec'), /spec\.n is a bigint/);
    assert.throws(
      () => stringifyJson({ when: new Date(0) }, 'state'),
      /state\.when is a Date, not a plain object/,
    );
    // new Array(2) has length 2 and no elements.
    assert.throws(
      () => stringifyJson(new Array<number>(2), 'spec'),
      /spec\[0\] is a hole in a sparse array/,
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(
      () => stringifyJson(cycle, 'spec'),
      /spec\.self refers back to one of its parents/,
    );
    const shared = { x: 1 };
    assert.equal(stringifyJson({ a: shared, b: shared }, 'spec'), '{"a":{"x":1},"b":{"x":1}}');
  });
});
