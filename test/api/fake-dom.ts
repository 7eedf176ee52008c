/**
 * A tiny DOM, just enough to run the embed widget in Node and see what it
 * builds. Anything that would parse HTML (innerHTML, outerHTML,
 * insertAdjacentHTML, document.write) throws, so a test fails if the widget
 * ever uses it.
 */
export class FakeElement {
  children: FakeElement[] = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, ((e: unknown) => void)[]>();
  className = '';
  id = '';
  type = '';
  href = '';
  target = '';
  rel = '';
  placeholder = '';
  disabled = false;
  value = '';
  private text = '';

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(v: string) {
    this.text = String(v);
    this.children = [];
  }
  set innerHTML(_v: string) {
    throw new Error('innerHTML used');
  }
  set outerHTML(_v: string) {
    throw new Error('outerHTML used');
  }
  insertAdjacentHTML(): void {
    throw new Error('insertAdjacentHTML used');
  }
  appendChild(c: FakeElement): FakeElement {
    this.children.push(c);
    return c;
  }
  setAttribute(k: string, v: string): void {
    this.attributes.set(k, String(v));
  }
  getAttribute(k: string): string | null {
    return this.attributes.get(k) ?? null;
  }
  addEventListener(ev: string, fn: (e: unknown) => void): void {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
  }
  click(): void {
    for (const fn of this.listeners.get('click') ?? []) fn({});
  }
  /** Every element below this one, depth first. */
  all(): FakeElement[] {
    return this.children.flatMap((c) => [c, ...c.all()]);
  }
}

/**
 * A document with a head, a body and one mount point.
 * @param mountAttrs attributes of the mount point
 * @returns the document and the mount point
 */
export function fakeDocument(mountAttrs: Record<string, string>) {
  const head = new FakeElement('head');
  const body = new FakeElement('body');
  const mount = new FakeElement('div');
  for (const [k, v] of Object.entries(mountAttrs)) mount.setAttribute(k, v);
  body.appendChild(mount);
  const created: FakeElement[] = [];
  const document = {
    readyState: 'complete',
    visibilityState: 'visible',
    head,
    body,
    documentElement: body,
    currentScript: { src: 'http://api.example/embed.js' },
    createElement(tag: string) {
      const e = new FakeElement(tag.toLowerCase());
      created.push(e);
      return e;
    },
    getElementById(id: string) {
      return [head, ...head.all()].find((e) => e.id === id) ?? null;
    },
    querySelectorAll(sel: string) {
      const m = /^\[([a-z-]+)\]$/.exec(sel);
      return m ? [body, ...body.all()].filter((e) => e.getAttribute(m[1]) !== null) : [];
    },
    addEventListener() {},
    write() {
      throw new Error('document.write used');
    },
  };
  return { document, mount, created };
}
