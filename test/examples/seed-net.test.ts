import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);

describe('the seed-net example', () => {
  it('docs/nn.md shows examples/seed-net.ts verbatim', () => {
    const example = fs.readFileSync(new URL('examples/seed-net.ts', root), 'utf8');
    const docs = fs.readFileSync(new URL('docs/nn.md', root), 'utf8');
    const section = docs.slice(docs.indexOf('## A complete example'));
    const match = /```ts\n([\s\S]*?)```/.exec(section);
    assert.ok(match !== null, 'docs/nn.md has a ts block under "A complete example"');
    assert.equal(match[1], example);
  });
});
