// A Prettier parser for the AssemblyScript kernels (src/kernels/wasm/assembly), named
// `assemblyscript` and selected for that folder in .prettierrc.json.
//
// AssemblyScript puts decorators on functions and constants (`@inline function`), which is not
// TypeScript: Prettier's TypeScript parsers reject them. So before parsing, each decorator is
// wrapped in a block comment carrying a marker, the rest is parsed and printed as TypeScript, and
// the printer writes a marked comment back as the bare decorator. The decorators are found by
// AssemblyScript's own parser, from the compiler version that builds the kernels, so whatever it
// accepts as a decorator is kept verbatim. This is the technique of the `assemblyscript-prettier`
// package, written here against our assemblyscript version instead of that package's pinned
// ~0.27 (which would install a second compiler).
import { NodeKind, Parser } from 'assemblyscript';
import * as estree from 'prettier/plugins/estree';
import * as typescript from 'prettier/plugins/typescript';

const marker = 'assemblyscript-decorator:';

/** Source offsets [start, end) of every decorator, on declarations and on class members. */
function decoratorRanges(text) {
  const parser = new Parser();
  parser.parseFile(text, 'prettier-input.ts', false);
  const ranges = [];
  const visit = (node) => {
    for (const decorator of node.decorators ?? []) {
      ranges.push([decorator.range.start, decorator.range.end]);
    }
    if (node.kind === NodeKind.Source) node.statements.forEach(visit);
    if (
      node.kind === NodeKind.ClassDeclaration ||
      node.kind === NodeKind.InterfaceDeclaration ||
      node.kind === NodeKind.NamespaceDeclaration
    ) {
      node.members.forEach(visit);
    }
  };
  parser.sources.forEach(visit);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** The text with each decorator turned into a marked block comment. */
function hideDecorators(text) {
  let out = '';
  let cursor = 0;
  for (const [start, end] of decoratorRanges(text)) {
    out += `${text.slice(cursor, start)}/*${marker}${text.slice(start, end)}*/`;
    cursor = end;
  }
  return out + text.slice(cursor);
}

const estreePrinter = estree.printers.estree;

export const parsers = {
  assemblyscript: {
    ...typescript.parsers.typescript,
    astFormat: 'assemblyscript-estree',
    preprocess: hideDecorators,
  },
};

export const printers = {
  'assemblyscript-estree': {
    ...estreePrinter,
    printComment(path, options) {
      const comment = path.node;
      if (comment.type === 'Block' && comment.value.startsWith(marker)) {
        return comment.value.slice(marker.length);
      }
      return estreePrinter.printComment(path, options);
    },
  },
};
