/**
 * A tiny element builder for client scripts. Strings always become text nodes, so
 * content and pasted text can never turn into markup: there is no `innerHTML` here.
 */

/** A child: a node, text, or nothing. */
export type Child = Node | string | number | false | null | undefined | Child[];

/** Attributes: strings, booleans (present or absent), or event handlers (`on*`). */
export type Attrs = Record<string, string | number | boolean | undefined | null | ((e: Event) => void)>;

/**
 * Create an element.
 * @param tag the tag name, optionally with classes: `div.card.is-open`
 * @param attrs attributes and `on<event>` handlers
 * @param children children; strings become text nodes
 * @returns the element
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K | `${K}.${string}`, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name as K);
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = `${el.className} ${String(v)}`.trim();
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/**
 * Append children (text as text nodes).
 * @param el the parent
 * @param children the children
 */
export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/**
 * Text with `backtick` spans shown as <code> (text nodes only).
 * @param text the text
 * @returns nodes
 */
export function inlineCode(text: string): Node[] {
  const out: Node[] = [];
  text.split(/(`[^`]+`)/g).forEach((part) => {
    if (!part) return;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) out.push(h('code', null, part.slice(1, -1)));
    else out.push(document.createTextNode(part));
  });
  return out;
}
