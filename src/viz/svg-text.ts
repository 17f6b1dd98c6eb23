/**
 * Text in SVG, for every SVG that src/viz writes, in Node or in a browser (nothing here imports
 * Node): the DejaVu font names svg.ts loads into resvg, escaping, and the width of a label.
 * Labels are set in DejaVu Sans Mono, whose glyphs all advance 0.602 em, so a label's width is
 * known before anything renders it:
 *
 *   width(text, size) = ceil(characters * 0.602 * size)
 */

export const SANS_FONT = 'DejaVu Sans';
export const MONO_FONT = 'DejaVu Sans Mono';
/** The advance width of every DejaVu Sans Mono glyph, in em. */
export const MONO_ADVANCE_EM = 0.602;

/** Escapes text for an XML (SVG or HTML) text node or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The width in pixels of a one-line label in DejaVu Sans Mono of this size. */
export function labelWidth(text: string, fontSize: number): number {
  return Math.ceil([...text].length * MONO_ADVANCE_EM * fontSize);
}
