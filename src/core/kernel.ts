/**
 * Kernel versions: parse `uname -r` strings, compare them, evaluate ranges.
 *
 * A release has an upstream base (`3.10.0`) and, for distribution builds, a
 * stream (`el7`, `el8`, `al7`, `ubuntu`, `debian`, ...) with build numbers
 * (`1062.1.1`). Builds are only comparable within their own stream; upstream
 * ranges apply to the base version.
 *
 * Range grammar: clauses separated by spaces are all required; `||` separates
 * alternatives. A clause is `OP VERSION` with OP among `< <= > >= = ==`; a
 * bare stream word (`el7`) restricts the clauses after it (until the next
 * stream word) to kernels of that stream, compared build for build; a bound
 * that names its own stream (`<3.10.0-1062.1.1.el7`) does the same. A bound
 * with build numbers but no stream is an error. `any` matches every kernel.
 */
import { detached } from './strings.js';

/** A parsed kernel release. */
export interface KernelVersion {
  /** The string as given (trimmed). */
  raw: string;
  /** Upstream base numbers, e.g. [3, 10, 0]. */
  base: number[];
  /** Release candidate number, when `-rcN`. */
  rc?: number;
  /** Distribution stream (`el7`, `el8`, `al7`, `tl`, `ubuntu`, `debian`, `fc38`, `amzn2`, ...) or `upstream`. */
  stream: string;
  /** Build numbers within the stream, e.g. [1062, 1, 1]. */
  build: number[];
}

/** A problem parsing a version or a range. */
export interface KernelParseError {
  message: string;
}

const BASE_RE = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/;

/**
 * Parse a `uname -r` string.
 * @param input a release like `3.10.0-1062.1.1.el7.x86_64` or `5.15.0-91-generic`
 * @returns the version, or undefined when the text is not a kernel release
 */
export function parseKernel(input: string): KernelVersion | undefined {
  const hit = kernelCache.get(input);
  if (hit !== undefined || kernelCache.has(input)) return hit;
  // Kept past this call: parsed from a copy, so that neither the key nor the parts cut from it
  // hold on to the paste the release was cut from.
  const own = detached(input);
  const parsed = parseKernelUncached(own);
  // Cached values are shared: frozen, so a caller that wants to change one must copy it.
  const v = parsed ? (Object.freeze({ ...parsed, base: Object.freeze(parsed.base) as number[], build: Object.freeze(parsed.build) as number[] }) as KernelVersion) : undefined;
  if (kernelCache.size > 5000) kernelCache.clear();
  kernelCache.set(own, v);
  return v;
}

// Parsed versions and ranges are immutable values; engines parse the same few strings very often.
const kernelCache = new Map<string, KernelVersion | undefined>();
const rangeCache = new Map<string, KernelRange | KernelParseError>();

function parseKernelUncached(input: string): KernelVersion | undefined {
  const raw = input.trim();
  const m = BASE_RE.exec(raw);
  if (!m) return undefined;
  const base = [m[1], m[2], m[3] ?? '0'].map(Number);
  if (m[4] !== undefined) base.push(Number(m[4]));
  let rest = raw.slice(m[0].length);
  let rc: number | undefined;
  const rcm = /^-rc(\d+)/.exec(rest);
  if (rcm) {
    rc = Number(rcm[1]);
    rest = rest.slice(rcm[0].length);
  }
  if (rest !== '' && !/^[-+._~]/.test(rest)) return undefined;
  rest = rest.replace(/^[-+._~]/, '');
  const { stream, build } = classify(rest);
  const v: KernelVersion = { raw, base, stream, build };
  if (rc !== undefined) v.rc = rc;
  return v;
}

const ARCH_RE = /[._-](x86_64|aarch64|arm64|i686|i386|ppc64le|s390x|noarch)$/;

function numbers(s: string): number[] {
  return (s.match(/\d+/g) ?? []).map(Number);
}

function classify(release: string): { stream: string; build: number[] } {
  if (release === '') return { stream: 'upstream', build: [] };
  const r = release.replace(ARCH_RE, '');
  // Red Hat family: 1062.1.1.el7, 477.10.1.el8_8, 1160.el7.centos.plus; Oracle UEK (2047.510.5.5.el7uek) is its own stream
  let m = /^(.*?)\.(el\d+(?:uek)?)(?:_(\d+))?/.exec(r);
  if (m) return { stream: m[2], build: numbers(m[1]) };
  // Alibaba Cloud Linux, Anolis, Amazon Linux, Fedora, Tencent Linux: 26.al7, 1.an8, 123.amzn2, 200.fc38, 1.tl3
  m = /^(.*?)\.(al\d+|an\d+|amzn\d+|fc\d+|tl\d+|oe\d+|uek|ky\d+)/.exec(r);
  if (m) return { stream: m[2], build: numbers(m[1]) };
  // Ubuntu: 91-generic, 1050-aws, 1034-azure, 91-lowlatency
  m = /^(\d+(?:\.\d+)*)-(generic|lowlatency|aws|azure|gcp|gke|kvm|oracle|raspi|ibm|virtual)\b/.exec(r);
  if (m) return { stream: 'ubuntu', build: numbers(m[1]) };
  // Debian: 21-amd64, 21-cloud-amd64, 0.deb11.13-amd64
  if (/(?:^|-)(amd64|arm64|686-pae|cloud-amd64|rt-amd64)$/.test(r) || /deb\d+/.test(r)) {
    return { stream: 'debian', build: numbers(r.replace(/-(cloud-|rt-)?(amd64|arm64|686-pae)$/, '')) };
  }
  // Tencent TencentOS style 19-0009.1 and other vendor builds without a marker
  return { stream: 'vendor', build: numbers(r) };
}

function cmpArrays(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Compare upstream bases (release candidates sort before the release).
 * @returns negative, zero or positive
 */
export function compareBase(a: KernelVersion, b: KernelVersion): number {
  const c = cmpArrays(a.base, b.base);
  if (c !== 0) return c;
  const ra = a.rc ?? Infinity;
  const rb = b.rc ?? Infinity;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

/**
 * Compare two kernels: by base, then, within one stream, by build numbers.
 * Kernels of different streams with the same base compare equal.
 * @returns negative, zero or positive
 */
export function compareKernels(a: KernelVersion, b: KernelVersion): number {
  const c = compareBase(a, b);
  if (c !== 0) return c;
  if (a.stream === b.stream) return cmpArrays(a.build, b.build);
  return 0;
}

type Op = '<' | '<=' | '>' | '>=' | '==';

interface Clause {
  op: Op;
  version: KernelVersion;
  /** When set, the clause holds only for kernels of this stream, compared with builds. */
  stream?: string;
}

/** A parsed range: alternatives of clause lists. */
export interface KernelRange {
  source: string;
  any: boolean;
  alternatives: Clause[][];
}

const STREAM_WORD = /^(el\d+(?:uek)?|al\d+|an\d+|amzn\d+|fc\d+|tl\d+|oe\d+|ky\d+|ubuntu|debian)$/;

/**
 * Parse a range expression such as `<4.12`, `>=3.18 <4.10` or `el7 <3.10.0-1062.1.1`.
 * @param source the range text
 * @returns the range, or an error with a readable message
 */
export function parseKernelRange(source: string): KernelRange | KernelParseError {
  const hit = rangeCache.get(source);
  if (hit) return hit;
  const r = parseKernelRangeUncached(source);
  if (rangeCache.size > 5000) rangeCache.clear();
  rangeCache.set(source, r);
  return r;
}

function parseKernelRangeUncached(source: string): KernelRange | KernelParseError {
  const text = source.trim();
  if (text === '') return { message: 'empty kernel range' };
  if (/^(any|all|\*)$/i.test(text)) return { source: text, any: true, alternatives: [] };
  const alternatives: Clause[][] = [];
  for (const alt of text.split('||')) {
    const tokens = alt.trim().replace(/(<=|>=|==|=|<|>)\s+/g, '$1').split(/[\s,]+/).filter(Boolean);
    if (tokens.length === 0) return { message: `empty alternative in kernel range "${text}"` };
    const clauses: Clause[] = [];
    let stream: string | undefined;
    for (const tok of tokens) {
      if (STREAM_WORD.test(tok)) {
        stream = tok;
        continue;
      }
      const m = /^(<=|>=|==|=|<|>)([^<>=].*)$/.exec(tok);
      if (!m) {
        return { message: `cannot read "${tok}" in kernel range "${text}": expected an operator and a version, like <4.12 or >=3.18` };
      }
      const parsed = parseKernel(m[2]);
      if (!parsed) return { message: `"${m[2]}" in kernel range "${text}" is not a kernel version` };
      const version: KernelVersion = { ...parsed };
      const generic = version.stream === 'upstream' || version.stream === 'vendor';
      if (!stream && version.stream === 'vendor') {
        return { message: `"${m[2]}" in kernel range "${text}" has a build number but no distribution stream; name the stream first, like el7 <3.10.0-1062.1.1, or compare the upstream base, like <4.12` };
      }
      if (stream && !generic && version.stream !== stream) {
        return { message: `"${m[2]}" in kernel range "${text}" is a ${version.stream} build, but the clause is for ${stream}` };
      }
      // A bare stream word makes the bound a build of that stream; a bound that names its
      // stream itself (<3.10.0-1062.1.1.el7) is compared within that stream too.
      if (stream && generic) version.stream = stream;
      const clauseStream = stream ?? (generic ? undefined : version.stream);
      const op = (m[1] === '=' ? '==' : m[1]) as Op;
      clauses.push(clauseStream ? { op, version, stream: clauseStream } : { op, version });
    }
    if (clauses.length === 0) return { message: `kernel range "${text}" names a stream but no version bound` };
    alternatives.push(clauses);
  }
  return { source: text, any: false, alternatives };
}

/** True when the value is a parse error. */
export function isKernelParseError(v: unknown): v is KernelParseError {
  return typeof v === 'object' && v !== null && 'message' in v && !('alternatives' in v);
}

function holds(c: number, op: Op): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '==':
      return c === 0;
  }
}

/**
 * Does a kernel fall in a range?
 * @param kernel the kernel (parsed or as `uname -r` text)
 * @param range the range (parsed or as text)
 * @returns true or false; undefined when either cannot be read
 */
export function kernelSatisfies(kernel: KernelVersion | string, range: KernelRange | string): boolean | undefined {
  const k = typeof kernel === 'string' ? parseKernel(kernel) : kernel;
  const r = typeof range === 'string' ? parseKernelRange(range) : range;
  if (!k || isKernelParseError(r)) return undefined;
  if (r.any) return true;
  return r.alternatives.some((clauses) =>
    clauses.every((cl) => {
      if (cl.stream) {
        if (k.stream !== cl.stream) return false;
        return holds(compareKernels(k, cl.version), cl.op);
      }
      return holds(compareBase(k, cl.version), cl.op);
    }),
  );
}

/**
 * A short human description of a kernel, e.g. "3.10.0 (el7 build 1062.1.1)".
 * @param k the kernel
 * @returns the description
 */
export function describeKernel(k: KernelVersion): string {
  const base = k.base.join('.') + (k.rc !== undefined ? `-rc${k.rc}` : '');
  if (k.stream === 'upstream' || k.build.length === 0) return base;
  return `${base} (${k.stream} build ${k.build.join('.')})`;
}
