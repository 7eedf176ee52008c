/**
 * Kernel versions: real `uname -r` strings from upstream, Debian, Ubuntu,
 * RHEL/CentOS, Fedora, Amazon, Alibaba, Anolis, Tencent, openEuler, Kylin,
 * SUSE, Oracle UEK, Arch, WSL and GKE, parsed, compared and tested against
 * the ranges the cases use.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  compareBase,
  compareKernels,
  describeKernel,
  isKernelParseError,
  kernelSatisfies,
  parseKernel,
  parseKernelRange,
  type KernelRange,
  type KernelVersion,
} from '../src/core/kernel.js';

interface ParseRow {
  raw: string;
  base: number[];
  stream: string;
  build: number[];
  rc?: number;
}

/** Each row: a real release string and what it must parse to. */
const PARSE_TABLE: ParseRow[] = [
  // upstream / mainline
  { raw: '4.12', base: [4, 12, 0], stream: 'upstream', build: [] },
  { raw: '3.18', base: [3, 18, 0], stream: 'upstream', build: [] },
  { raw: '6.1.0-rc3', base: [6, 1, 0], stream: 'upstream', build: [], rc: 3 },
  { raw: '4.10.0-rc8', base: [4, 10, 0], stream: 'upstream', build: [], rc: 8 },
  { raw: '5.15.133+', base: [5, 15, 133], stream: 'upstream', build: [] }, // Google COS / GKE
  // Debian
  { raw: '5.10.0-21-amd64', base: [5, 10, 0], stream: 'debian', build: [21] },
  { raw: '4.19.0-26-amd64', base: [4, 19, 0], stream: 'debian', build: [26] },
  { raw: '6.1.0-18-cloud-amd64', base: [6, 1, 0], stream: 'debian', build: [18] },
  { raw: '3.16.0-4-amd64', base: [3, 16, 0], stream: 'debian', build: [4] },
  { raw: '4.9.0-13-amd64', base: [4, 9, 0], stream: 'debian', build: [13] },
  { raw: '4.19.0-0.bpo.9-amd64', base: [4, 19, 0], stream: 'debian', build: [0, 9] },
  // Ubuntu (generic and cloud flavours)
  { raw: '5.15.0-91-generic', base: [5, 15, 0], stream: 'ubuntu', build: [91] },
  { raw: '4.15.0-213-generic', base: [4, 15, 0], stream: 'ubuntu', build: [213] },
  { raw: '4.4.0-210-generic', base: [4, 4, 0], stream: 'ubuntu', build: [210] },
  { raw: '5.15.0-1034-azure', base: [5, 15, 0], stream: 'ubuntu', build: [1034] },
  { raw: '5.4.0-1103-aws', base: [5, 4, 0], stream: 'ubuntu', build: [1103] },
  { raw: '6.8.0-1009-gcp', base: [6, 8, 0], stream: 'ubuntu', build: [1009] },
  { raw: '5.15.0-91-lowlatency', base: [5, 15, 0], stream: 'ubuntu', build: [91] },
  // RHEL / CentOS / Rocky
  { raw: '3.10.0-1062.1.1.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [1062, 1, 1] },
  { raw: '3.10.0-957.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [957] },
  { raw: '3.10.0-957.21.3.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [957, 21, 3] },
  { raw: '3.10.0-1062.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [1062] },
  { raw: '3.10.0-1127.19.1.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [1127, 19, 1] },
  { raw: '3.10.0-1160.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [1160] },
  { raw: '3.10.0-1160.119.1.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [1160, 119, 1] },
  { raw: '3.10.0-693.21.1.el7.x86_64', base: [3, 10, 0], stream: 'el7', build: [693, 21, 1] },
  { raw: '3.10.0-1160.el7.centos.plus.x86_64', base: [3, 10, 0], stream: 'el7', build: [1160] },
  { raw: '2.6.32-754.35.1.el6.x86_64', base: [2, 6, 32], stream: 'el6', build: [754, 35, 1] },
  { raw: '2.6.32-431.el6.x86_64', base: [2, 6, 32], stream: 'el6', build: [431] },
  { raw: '4.18.0-477.10.1.el8_8.x86_64', base: [4, 18, 0], stream: 'el8', build: [477, 10, 1] },
  { raw: '4.18.0-553.el8_10.x86_64', base: [4, 18, 0], stream: 'el8', build: [553] },
  { raw: '5.14.0-362.8.1.el9_3.x86_64', base: [5, 14, 0], stream: 'el9', build: [362, 8, 1] },
  { raw: '5.14.0-427.13.1.el9_4.aarch64', base: [5, 14, 0], stream: 'el9', build: [427, 13, 1] },
  // Oracle UEK is not a RHEL build even though it carries "el7"
  { raw: '4.14.35-2047.510.5.5.el7uek.x86_64', base: [4, 14, 35], stream: 'el7uek', build: [2047, 510, 5, 5] },
  // Fedora, Amazon, Alibaba, Anolis, openEuler, Kylin
  { raw: '6.5.6-300.fc39.x86_64', base: [6, 5, 6], stream: 'fc39', build: [300] },
  { raw: '5.10.210-201.852.amzn2.x86_64', base: [5, 10, 210], stream: 'amzn2', build: [201, 852] },
  { raw: '4.14.336-257.562.amzn2.x86_64', base: [4, 14, 336], stream: 'amzn2', build: [257, 562] },
  { raw: '6.1.79-99.164.amzn2023.x86_64', base: [6, 1, 79], stream: 'amzn2023', build: [99, 164] },
  { raw: '4.19.91-26.al7.x86_64', base: [4, 19, 91], stream: 'al7', build: [26] },
  { raw: '4.19.91-27.4.al7.x86_64', base: [4, 19, 91], stream: 'al7', build: [27, 4] },
  { raw: '5.10.134-16.al8.x86_64', base: [5, 10, 134], stream: 'al8', build: [16] },
  { raw: '5.10.134-13.an8.x86_64', base: [5, 10, 134], stream: 'an8', build: [13] },
  { raw: '4.19.90-2112.8.0.0131.oe1.x86_64', base: [4, 19, 90], stream: 'oe1', build: [2112, 8, 0, 131] },
  { raw: '4.19.90-24.4.v2101.ky10.x86_64', base: [4, 19, 90], stream: 'ky10', build: [24, 4, 2101] },
  // Vendor builds without a stream marker: Tencent, SUSE, Arch, Proxmox, WSL
  { raw: '5.4.119-19-0009.1', base: [5, 4, 119], stream: 'vendor', build: [19, 9, 1] },
  { raw: '5.14.21-150400.24.46-default', base: [5, 14, 21], stream: 'vendor', build: [150400, 24, 46] },
  { raw: '6.7.4-arch1-1', base: [6, 7, 4], stream: 'vendor', build: [1, 1] },
  { raw: '6.5.13-1-pve', base: [6, 5, 13], stream: 'vendor', build: [1] },
  { raw: '5.15.133.1-microsoft-standard-WSL2', base: [5, 15, 133, 1], stream: 'vendor', build: [2] },
];

describe('parseKernel', () => {
  it('has at least 30 real release strings in its table', () => {
    expect(PARSE_TABLE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(PARSE_TABLE)('parses $raw', (row) => {
    const k = parseKernel(row.raw);
    expect(k).toBeDefined();
    expect(k!.raw).toBe(row.raw);
    expect(k!.base).toEqual(row.base);
    expect(k!.stream).toBe(row.stream);
    expect(k!.build).toEqual(row.build);
    expect(k!.rc).toBe(row.rc);
  });

  it('trims surrounding whitespace, as pasted from `uname -r`', () => {
    expect(parseKernel('  3.10.0-957.el7.x86_64\n')?.raw).toBe('3.10.0-957.el7.x86_64');
  });

  it.each(['', 'Linux', 'linux-4.12', 'v4.12', 'abc', '4', '4.x', '4.12abc'])('rejects %j', (text) => {
    expect(parseKernel(text)).toBeUndefined();
  });

  it('returns the typed version', () => {
    expectTypeOf(parseKernel).returns.toEqualTypeOf<KernelVersion | undefined>();
  });
});

const k = (s: string): KernelVersion => {
  const v = parseKernel(s);
  if (!v) throw new Error(`test table error: ${s} does not parse`);
  return v;
};
const sign = (n: number) => Math.sign(n);

describe('compareKernels', () => {
  /** [a, b, expected sign of compare(a, b)] */
  const ORDER: [string, string, -1 | 0 | 1][] = [
    ['3.10.0-1062.1.1.el7.x86_64', '3.10.0-957.el7.x86_64', 1],
    ['3.10.0-957.el7.x86_64', '3.10.0-957.21.3.el7.x86_64', -1],
    ['3.10.0-1062.el7.x86_64', '3.10.0-1062.1.1.el7.x86_64', -1],
    ['3.10.0-1127.19.1.el7.x86_64', '3.10.0-1127.el7.x86_64', 1],
    ['3.10.0-1160.119.1.el7.x86_64', '3.10.0-1160.el7.x86_64', 1],
    ['3.10.0-1160.el7.x86_64', '3.10.0-1160.el7.centos.plus.x86_64', 0],
    ['4.18.0-553.el8_10.x86_64', '4.18.0-477.10.1.el8_8.x86_64', 1],
    ['5.15.0-91-generic', '5.15.0-1034-azure', -1], // same Ubuntu stream: build 91 < 1034
    ['4.15.0-213-generic', '5.15.0-91-generic', -1],
    ['5.10.0-21-amd64', '5.10.0-26-amd64', -1],
    ['4.19.91-26.al7.x86_64', '4.19.91-27.4.al7.x86_64', -1],
    ['6.1.0-rc3', '6.1', -1], // a release candidate comes before the release
    ['6.1.0-rc3', '6.1.0-rc4', -1],
    ['6.1.0-rc3', '6.0.19', 1],
    ['4.12', '4.9.0-13-amd64', 1],
    ['2.6.32-754.35.1.el6.x86_64', '3.10.0-327.el7.x86_64', -1],
    // different streams with the same base: builds are not comparable, so equal
    ['3.10.0-1160.el7.x86_64', '3.10.0', 0],
    ['5.10.0-21-amd64', '5.10.0-1034-azure', 0],
  ];

  it.each(ORDER)('compare(%s, %s) is %i', (a, b, expected) => {
    expect(sign(compareKernels(k(a), k(b)))).toBe(expected);
    expect(sign(compareKernels(k(b), k(a)))).toBe(expected === 0 ? 0 : -expected);
  });

  it('compareBase ignores builds and streams', () => {
    expect(compareBase(k('3.10.0-1062.1.1.el7.x86_64'), k('3.10.0-957.el7.x86_64'))).toBe(0);
    expect(sign(compareBase(k('4.19.91-26.al7.x86_64'), k('4.19.90-2112.8.0.0131.oe1.x86_64')))).toBe(1);
  });

  it('sorts a mixed el7 list oldest first', () => {
    const list = ['3.10.0-1160.el7.x86_64', '3.10.0-957.el7.x86_64', '3.10.0-1062.1.1.el7.x86_64', '3.10.0-1062.el7.x86_64', '3.10.0-1127.19.1.el7.x86_64', '3.10.0-957.21.3.el7.x86_64'];
    const sorted = [...list].sort((a, b) => compareKernels(k(a), k(b)));
    expect(sorted).toEqual([
      '3.10.0-957.el7.x86_64',
      '3.10.0-957.21.3.el7.x86_64',
      '3.10.0-1062.el7.x86_64',
      '3.10.0-1062.1.1.el7.x86_64',
      '3.10.0-1127.19.1.el7.x86_64',
      '3.10.0-1160.el7.x86_64',
    ]);
  });
});

/** Each row: a range, then kernels inside it, then kernels outside it. */
const RANGE_TABLE: { range: string; inside: string[]; outside: string[] }[] = [
  {
    // tcp_tw_recycle was removed in 4.12; upstream ranges apply to a distro kernel's base
    range: '<4.12',
    inside: ['4.11.12', '4.10.0-rc8', '3.10.0-1160.el7.x86_64', '2.6.32-754.35.1.el6.x86_64', '4.9.0-13-amd64', '4.4.0-210-generic', '3.18'],
    outside: ['4.12', '4.15.0-213-generic', '4.18.0-477.10.1.el8_8.x86_64', '4.19.91-26.al7.x86_64', '5.10.0-21-amd64', '6.1.0-rc3', '5.4.119-19-0009.1'],
  },
  {
    // lvs-probe-rst-dropped-paws: RST with ts_val 0 from 3.18, fixed in 4.10
    range: '>=3.18 <4.10',
    inside: ['3.18', '4.4.0-210-generic', '4.9.0-13-amd64', '4.1.12', '4.10.0-rc8'],
    outside: ['3.10.0-1160.el7.x86_64', '3.16.0-4-amd64', '4.10', '4.11.0', '4.15.0-213-generic'],
  },
  {
    // RHEL 7 kernels before the SACK-fix regression was fixed
    range: 'el7 <3.10.0-1062.1.1',
    inside: ['3.10.0-957.el7.x86_64', '3.10.0-957.21.3.el7.x86_64', '3.10.0-1062.el7.x86_64', '3.10.0-693.21.1.el7.x86_64', '3.10.0-327.el7.x86_64'],
    outside: [
      '3.10.0-1062.1.1.el7.x86_64',
      '3.10.0-1127.19.1.el7.x86_64',
      '3.10.0-1160.el7.x86_64',
      '3.10.0-1160.119.1.el7.x86_64',
      // not el7 kernels, whatever their base
      '3.10.0',
      '2.6.32-754.35.1.el6.x86_64',
      '4.18.0-477.10.1.el8_8.x86_64',
      '5.15.0-91-generic',
      '4.19.91-26.al7.x86_64',
      '4.14.35-2047.510.5.5.el7uek.x86_64',
    ],
  },
  {
    // the same bound written with its stream inside the version
    range: '<3.10.0-1062.1.1.el7',
    inside: ['3.10.0-957.el7.x86_64', '3.10.0-1062.el7.x86_64'],
    outside: ['3.10.0-1062.1.1.el7.x86_64', '3.10.0-1127.19.1.el7.x86_64', '2.6.32-431.el6.x86_64', '3.10.0'],
  },
  {
    range: 'el7 >=3.10.0-957.21.3 <3.10.0-1062.1.1',
    inside: ['3.10.0-957.21.3.el7.x86_64', '3.10.0-1062.el7.x86_64'],
    outside: ['3.10.0-957.el7.x86_64', '3.10.0-1062.1.1.el7.x86_64', '3.10.0-693.21.1.el7.x86_64'],
  },
  {
    // softirq-hotspot-reuseport-listener-lookup: fixed from 4.17
    range: '>=4.17',
    inside: ['4.17', '4.18.0-477.10.1.el8_8.x86_64', '4.19.91-26.al7.x86_64', '5.15.0-91-generic', '6.1.0-rc3', '5.15.133.1-microsoft-standard-WSL2'],
    outside: ['4.16.18', '4.17.0-rc1', '4.15.0-213-generic', '4.14.336-257.562.amzn2.x86_64', '3.10.0-1160.el7.x86_64'],
  },
  {
    range: 'any',
    inside: ['2.6.32-431.el6.x86_64', '3.10.0-1160.el7.x86_64', '6.1.0-rc3', '5.4.119-19-0009.1'],
    outside: [],
  },
  {
    range: '<4.12 || el8 <4.18.0-500',
    inside: ['3.10.0-1160.el7.x86_64', '4.18.0-477.10.1.el8_8.x86_64'],
    outside: ['4.18.0-553.el8_10.x86_64', '4.19.0-26-amd64', '4.18.0'],
  },
  {
    range: '>=3.18 <4.10 || >=5.10',
    inside: ['4.4.0-210-generic', '5.10.0-21-amd64', '6.5.6-300.fc39.x86_64'],
    outside: ['3.10.0-1160.el7.x86_64', '4.15.0-213-generic', '5.4.119-19-0009.1'],
  },
  {
    // Ubuntu builds compared within the Ubuntu stream
    range: 'ubuntu >=5.15.0-91',
    inside: ['5.15.0-91-generic', '5.15.0-1034-azure'],
    outside: ['5.15.0-89-generic', '5.10.0-21-amd64', '5.15.0'],
  },
  {
    range: '>= 4.9 , < 4.12',
    inside: ['4.9.0-13-amd64', '4.11.12'],
    outside: ['4.12', '4.4.0-210-generic'],
  },
  {
    range: '==5.10.0',
    inside: ['5.10.0-21-amd64', '5.10.0'],
    outside: ['5.10.1', '6.1.0-rc3'],
  },
];

describe('kernelSatisfies', () => {
  const rows = RANGE_TABLE.flatMap(({ range, inside, outside }) => [
    ...inside.map((kernel) => [range, kernel, true] as const),
    ...outside.map((kernel) => [range, kernel, false] as const),
  ]);

  it.each(rows)('%s contains %s: %s', (range, kernel, expected) => {
    expect(kernelSatisfies(kernel, range)).toBe(expected);
  });

  it('accepts parsed values as well as text', () => {
    const r = parseKernelRange('<4.12') as KernelRange;
    expect(kernelSatisfies(k('3.10.0-1160.el7.x86_64'), r)).toBe(true);
  });

  it('is undefined when the kernel or the range cannot be read', () => {
    expect(kernelSatisfies('not a kernel', '<4.12')).toBeUndefined();
    expect(kernelSatisfies('4.9.0', '~4.12')).toBeUndefined();
  });
});

describe('parseKernelRange errors', () => {
  const BAD: [string, RegExp][] = [
    ['', /empty kernel range/],
    ['   ', /empty kernel range/],
    ['4.12', /cannot read "4\.12".*expected an operator and a version, like <4\.12/],
    ['~4.12', /cannot read "~4\.12"/],
    ['<', /cannot read "<"/],
    ['>= ', /cannot read ">="/],
    ['<four', /"four" in kernel range "<four" is not a kernel version/],
    ['<4.12 ||', /empty alternative in kernel range/],
    ['el7', /names a stream but no version bound/],
    ['<3.10.0-1062.1.1', /has a build number but no distribution stream; name the stream first, like el7 <3\.10\.0-1062\.1\.1/],
    ['el7 <4.18.0-477.el8', /is a el8 build, but the clause is for el7/],
  ];

  it.each(BAD)('%j gives a readable error', (range, message) => {
    const r = parseKernelRange(range);
    expect(isKernelParseError(r)).toBe(true);
    const text = (r as { message: string }).message;
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('reads good ranges as ranges', () => {
    for (const range of ['<4.12', '>=3.18 <4.10', 'el7 <3.10.0-1062.1.1', '>=4.17', 'any', 'ALL', '*', '<4.12 || >=5.10']) {
      expect(isKernelParseError(parseKernelRange(range)), range).toBe(false);
    }
  });

  it('keeps the source text', () => {
    expect((parseKernelRange('  >=3.18 <4.10 ') as KernelRange).source).toBe('>=3.18 <4.10');
  });
});

describe('describeKernel', () => {
  it.each([
    ['4.12', '4.12.0'],
    ['6.1.0-rc3', '6.1.0-rc3'],
    ['3.10.0-1062.1.1.el7.x86_64', '3.10.0 (el7 build 1062.1.1)'],
    ['5.15.0-91-generic', '5.15.0 (ubuntu build 91)'],
  ])('%s is described as %s', (raw, text) => {
    expect(describeKernel(k(raw))).toBe(text);
  });
});
