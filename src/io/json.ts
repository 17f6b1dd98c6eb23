/**
 * Strict JSON for the files convnet-ts reads back (safetensors headers, checkpoint files) and
 * writes (checkpoint files).
 *
 * parseJson follows RFC 8259 and adds three things JSON.parse lacks:
 * - an error names the line, column and character position where parsing stopped, and what
 *   was expected there (V8's JSON.parse messages no longer carry a position);
 * - a key repeated within one object is an error, not a silent "last one wins" (the
 *   safetensors spec disallows duplicate keys);
 * - nesting deeper than `maxDepth` is an error, so a hostile input of a million '[' fails
 *   with a message instead of a stack overflow.
 * Numbers that overflow a double (1e400) are rejected rather than read as Infinity.
 *
 * stringifyJson is JSON.stringify after a check that the value survives a round trip exactly:
 * JSON.stringify silently turns NaN and Infinity into null, drops undefined properties and
 * functions, and throws a bare TypeError on cycles. Here each of those is an error that gives
 * the path to the offending value (`optimizer.state[3].step`).
 */

/** A value JSON can hold. Files and state dicts (optimizers, schedules) are made of these. */
export type JsonValue = number | string | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Where and why a text is not valid JSON. position is a UTF-16 index into the text. */
export class JsonParseError extends SyntaxError {
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(text: string, position: number, reason: string) {
    const { line, column } = lineAndColumn(text, position);
    super(`invalid JSON at line ${line}, column ${column} (character ${position}): ${reason}`);
    this.name = 'JsonParseError';
    this.position = position;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

export interface ParseJsonOptions {
  /** The deepest nesting of arrays and objects accepted. Default 1000. */
  maxDepth?: number;
}

/** Parses a JSON text strictly (see the file's comment); throws JsonParseError. */
export function parseJson(text: string, { maxDepth = 1000 }: ParseJsonOptions = {}): JsonValue {
  const parser = new Parser(text, maxDepth);
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.position < text.length) {
    parser.fail(`unexpected ${describeAt(text, parser.position)} after the JSON value`);
  }
  return value;
}

/**
 * JSON text for a value that must round-trip exactly; throws a TypeError naming the path of
 * the first value JSON cannot hold. `where` starts the path (e.g. 'optimizer').
 */
export function stringifyJson(value: unknown, where: string, indent?: number): string {
  checkJsonValue(value, where, new Set());
  return JSON.stringify(value, null, indent);
}

function checkJsonValue(value: unknown, path: string, ancestors: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`${path} is ${value}, which JSON cannot hold (it would become null)`);
    }
    return;
  }
  if (typeof value !== 'object') {
    throw new TypeError(
      `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON cannot hold`,
    );
  }
  if (ancestors.has(value))
    throw new TypeError(`${path} refers back to one of its parents (a cycle)`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`${path}[${i}] is a hole in a sparse array`);
      checkJsonValue(value[i], `${path}[${i}]`, ancestors);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = value.constructor?.name ?? 'object';
      throw new TypeError(
        `${path} is a ${kind}, not a plain object, array, string, number, boolean or null`,
      );
    }
    for (const [key, item] of Object.entries(value)) {
      checkJsonValue(item, `${path}${formatKey(key)}`, ancestors);
    }
  }
  ancestors.delete(value);
}

function formatKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  position = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(reason: string, at = this.position): never {
    throw new JsonParseError(this.text, at, reason);
  }

  skipWhitespace(): void {
    const { text } = this;
    while (this.position < text.length) {
      const c = text.charCodeAt(this.position);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.position++;
    }
  }

  parseValue(depth: number): JsonValue {
    this.skipWhitespace();
    const { text } = this;
    if (this.position >= text.length) this.fail('unexpected end of input, expected a value');
    const c = text[this.position];
    if (c === '{') return this.parseObject(depth + 1);
    if (c === '[') return this.parseArray(depth + 1);
    if (c === '"') return this.parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    if (text.startsWith('true', this.position)) return this.literal(4, true);
    if (text.startsWith('false', this.position)) return this.literal(5, false);
    if (text.startsWith('null', this.position)) return this.literal(4, null);
    return this.fail(`unexpected ${describeAt(text, this.position)}, expected a value`);
  }

  private literal<T>(length: number, value: T): T {
    this.position += length;
    return value;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    this.position++;
  }

  private parseObject(depth: number): JsonObject {
    this.enter(depth);
    const result: JsonObject = {};
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      const keyAt = this.position;
      if (this.text[keyAt] !== '"') {
        this.fail(`expected a string key, found ${describeAt(this.text, keyAt)}`);
      }
      const key = this.parseString();
      if (Object.hasOwn(result, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipWhitespace();
      if (this.text[this.position] !== ':') {
        this.fail(
          `expected ':' after the key ${JSON.stringify(key)}, found ${describeAt(this.text, this.position)}`,
        );
      }
      this.position++;
      const value = this.parseValue(depth);
      // Plain assignment to "__proto__" would set the prototype instead of a property.
      Object.defineProperty(result, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === '}') return result;
      if (next !== ',') {
        this.fail(
          `expected ',' or '}' after an object member, found ${describeAt(this.text, this.position - 1)}`,
          this.position - 1,
        );
      }
    }
  }

  private parseArray(depth: number): JsonValue[] {
    this.enter(depth);
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth));
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === ']') return result;
      if (next !== ',') {
        this.fail(
          `expected ',' or ']' after an array element, found ${describeAt(this.text, this.position - 1)}`,
          this.position - 1,
        );
      }
    }
  }

  private parseString(): string {
    const { text } = this;
    const start = this.position;
    let i = start + 1;
    let chunkStart = i;
    let result = '';
    for (;;) {
      if (i >= text.length) this.fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.fail(`unescaped control character U+${hex4(c)} in a string`, i);
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      result += text.slice(chunkStart, i);
      const escape = text[i + 1];
      if (escape === 'u') {
        const digits = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(digits))
          this.fail('invalid \\u escape: expected 4 hex digits', i);
        result += String.fromCharCode(parseInt(digits, 16));
        i += 6;
      } else if (escape !== undefined && Object.hasOwn(SIMPLE_ESCAPES, escape)) {
        result += SIMPLE_ESCAPES[escape];
        i += 2;
      } else {
        this.fail(
          `invalid escape ${escape === undefined ? 'at the end of input' : `'\\${escape}'`}`,
          i,
        );
      }
      chunkStart = i;
    }
    this.position = i + 1;
    return result + text.slice(chunkStart, i);
  }

  private parseNumber(): number {
    const start = this.position;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(`invalid number starting with ${describeAt(this.text, start)}`);
    this.position = start + match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value))
      this.fail(`number ${match[0]} is out of the range of a double`, start);
    return value;
  }
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** "'}'" for a printable character, "U+0000" for a control character. */
function describeAt(text: string, position: number): string {
  if (position >= text.length) return 'end of input';
  const c = text.codePointAt(position) ?? 0;
  if (c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return `U+${hex4(c)}`;
  return `'${String.fromCodePoint(c)}'`;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}
