/**
 * Seeded corpus for the card-number detector: positives for every supported form and hard negatives for every
 * category the detector must not flag. The brand samples here are written independently of detection/brands.ts.
 */
import { type Brand } from '../../../detection';

export interface Expected {
  start: number;
  end: number;
  last4: string;
  brand: Brand;
  cvv?: { start: number; end: number };
}

export interface CorpusCase {
  id: string;
  category: string;
  text: string;
  html?: boolean;
  expect: Expected[];
}

/** xorshift32: small, seedable, stable across Node versions. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const randDigits = (r: Rand, n: number): string => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');

export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = body.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function luhnValid(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** A Luhn-valid number of `length` digits starting with `prefix`. */
export function makeNumber(r: Rand, prefix: string, length: number): string {
  const body = prefix + randDigits(r, length - prefix.length - 1);
  return body + luhnCheckDigit(body);
}

/** Six-digit prefixes chosen inside one brand's range only, with the lengths that brand issues. */
export const BRAND_SAMPLES: { brand: Brand; prefixes: string[]; lengths: number[] }[] = [
  { brand: 'visa', prefixes: ['411111', '400000', '424242', '499999', '453201'], lengths: [13, 16, 16, 16, 19] },
  { brand: 'mastercard', prefixes: ['510000', '555555', '222100', '272099', '230000'], lengths: [16] },
  { brand: 'amex', prefixes: ['340000', '378282', '371449'], lengths: [15] },
  { brand: 'discover', prefixes: ['601100', '644500', '659999', '649000'], lengths: [16, 16, 19] },
  { brand: 'jcb', prefixes: ['352800', '358999', '356600'], lengths: [16, 17, 18, 19] },
  { brand: 'jcb', prefixes: ['213100', '180000'], lengths: [15] },
  { brand: 'diners', prefixes: ['300000', '305999', '360000', '380000', '390000', '309500'], lengths: [14, 16] },
  { brand: 'unionpay', prefixes: ['620000', '621234', '625094', '810000', '816999'], lengths: [16, 17, 18, 19] },
  { brand: 'maestro', prefixes: ['500000', '560000', '630400', '675964', '589999'], lengths: [12, 13, 16, 19] },
  { brand: 'mir', prefixes: ['220000', '220400', '220220'], lengths: [16, 19] },
  { brand: 'rupay', prefixes: ['508500', '607000', '652150', '608100'], lengths: [16] },
  { brand: 'elo', prefixes: ['401178', '506699', '636368', '509100'], lengths: [16] },
  { brand: 'hipercard', prefixes: ['606282', '384100'], lengths: [16] },
  { brand: 'verve', prefixes: ['506100', '650010', '507900'], lengths: [16, 19] },
  { brand: 'dankort', prefixes: ['501900', '501955'], lengths: [16] },
  { brand: 'troy', prefixes: ['979200', '979210'], lengths: [16] },
  { brand: 'uatp', prefixes: ['122000', '135410', '199999'], lengths: [15] },
];

/** Print layout of a PAN: Amex 4-6-5, Diners-14 4-6-4, UATP 4-5-6, else groups of 4. */
export function layout(brand: Brand, digits: string): string[] {
  const sizes =
    brand === 'amex' ? [4, 6, 5] : brand === 'uatp' ? [4, 5, 6] : digits.length === 14 ? [4, 6, 4] : [];
  const out: string[] = [];
  if (sizes.length > 0) {
    let p = 0;
    for (const s of sizes) {
      out.push(digits.slice(p, p + s));
      p += s;
    }
    return out;
  }
  for (let p = 0; p < digits.length; p += 4) out.push(digits.slice(p, p + 4));
  return out;
}

function toScript(digits: string, zero: number): string {
  return Array.from(digits, (d) => (d >= '0' && d <= '9' ? String.fromCharCode(zero + d.charCodeAt(0) - 48) : d)).join(
    '',
  );
}

/** A form turns the PAN's digits into text; the whole returned string is the expected span. */
interface Form {
  name: string;
  html?: boolean;
  render(r: Rand, brand: Brand, digits: string): string;
}

const grouped = (sep: string) => (_r: Rand, brand: Brand, d: string) => layout(brand, d).join(sep);

export const FORMS: Form[] = [
  { name: 'contiguous', render: (_r, _b, d) => d },
  { name: 'spaces', render: grouped(' ') },
  { name: 'several-spaces', render: (r, b, d) => layout(b, d).map((g, i) => (i ? ' '.repeat(int(r, 2, 3)) : '') + g).join('') },
  { name: 'dashes', render: grouped('-') },
  { name: 'dots', render: grouped('.') },
  { name: 'nbsp', render: grouped('\u00a0') },
  { name: 'narrow-nbsp', render: grouped('\u202f') },
  { name: 'spaced-dash', render: grouped(' - ') },
  { name: 'en-dash', render: grouped('\u2013') },
  {
    name: 'wrapped-contiguous',
    render: (r, _b, d) => {
      const at = int(r, 4, d.length - 4);
      return d.slice(0, at) + pick(r, ['\n', '\r\n']) + d.slice(at);
    },
  },
  {
    name: 'wrapped-grouped',
    render: (r, b, d) => {
      const gs = layout(b, d);
      const at = int(r, 1, gs.length - 1);
      return gs.slice(0, at).join(' ') + pick(r, ['\n', ' \n', '\r\n']) + gs.slice(at).join(' ');
    },
  },
  { name: 'fullwidth', render: (r, b, d) => toScript(pick(r, [d, layout(b, d).join(' ')]), 0xff10) },
  { name: 'fullwidth-ideographic-space', render: (_r, b, d) => toScript(layout(b, d).join('\u3000'), 0xff10) },
  { name: 'arabic-indic', render: (r, b, d) => toScript(pick(r, [d, layout(b, d).join(' ')]), 0x0660) },
  { name: 'devanagari', render: (_r, b, d) => toScript(layout(b, d).join(' '), 0x0966) },
  { name: 'html-nbsp-entity', html: true, render: grouped('&nbsp;') },
  { name: 'html-numeric-entity', html: true, render: (r, b, d) => layout(b, d).join(pick(r, ['&#160;', '&#xA0;', '&#32;'])) },
  { name: 'html-br', html: true, render: (r, b, d) => {
      const gs = layout(b, d);
      const at = int(r, 1, gs.length - 1);
      return gs.slice(0, at).join(' ') + pick(r, ['<br>', '<br/>', '<br />']) + gs.slice(at).join(' ');
    } },
  { name: 'html-inline-tags', html: true, render: (_r, b, d) => layout(b, d).map((g) => `<span>${g}</span>`).join(' ') },
  { name: 'html-plain', html: true, render: grouped(' ') },
];

/** Sentences around a PAN; `{pan}` is replaced. HTML templates wrap the same in Zendesk markup. */
const TEMPLATES = [
  '{pan}',
  'Hi, my card number is {pan}, please refund the order.',
  'I tried paying with {pan} but it failed.',
  'Please update the card on file to {pan}.',
  'Card: {pan}\nThanks, Jo',
  'charged twice on ({pan})!',
  'the number "{pan}" was declined',
  'New card {pan}\nOld one was cancelled.',
  'Bonjour, voici ma carte {pan} merci',
  'カード番号は{pan}です',
  'qty 2 {pan}',
  'On 15.01.2025 {pan} was charged',
  'cc:{pan}',
  'card#{pan}',
  'cc{pan}',
  'CREDIT CARD{pan}',
  'Visa:{pan} ok',
  'card no.{pan}',
];

const HTML_WRAP = (inner: string): string => `<div class="zd-comment" dir="auto"><p>${inner}</p></div>`;

interface Suffix {
  name: string;
  /** Text after the PAN, and the CVV's [start,end) offsets inside it when one is written. */
  make(r: Rand, brand: Brand, script: (s: string) => string): { text: string; cvv?: [number, number] };
}

const cvvDigits = (r: Rand, brand: Brand): string => randDigits(r, brand === 'amex' ? 4 : 3);
const mm = (r: Rand): string => String(int(r, 1, 12)).padStart(2, '0');
const yy = (r: Rand): string => String(int(r, 25, 35));

const SUFFIXES: Suffix[] = [
  { name: 'none', make: () => ({ text: '' }) },
  { name: 'expiry-slash', make: (r) => ({ text: ` ${mm(r)}/${yy(r)}` }) },
  { name: 'expiry-slash-4', make: (r) => ({ text: ` ${mm(r)}/20${yy(r)}` }) },
  { name: 'expiry-dash', make: (r) => ({ text: ` ${mm(r)}-${yy(r)}` }) },
  { name: 'expiry-word', make: (r) => ({ text: ` exp ${mm(r)}/${yy(r)}` }) },
  { name: 'expiry-glued', make: (r) => ({ text: `exp${mm(r)}/${yy(r)}` }) },
  {
    name: 'cvv-bare',
    make: (r, b) => {
      const c = cvvDigits(r, b);
      return { text: ` ${c}`, cvv: [1, 1 + c.length] };
    },
  },
  {
    name: 'cvv-keyword',
    make: (r, b) => {
      const kw = pick(r, [' cvv ', ' CVV: ', ', cvc ', ' security code ', ' CID:']);
      const c = cvvDigits(r, b);
      return { text: kw + c, cvv: [kw.length, kw.length + c.length] };
    },
  },
  {
    name: 'expiry-then-cvv',
    make: (r, b) => {
      const head = ` ${mm(r)}/${yy(r)} `;
      const c = cvvDigits(r, b);
      return { text: head + c, cvv: [head.length, head.length + c.length] };
    },
  },
  {
    name: 'expiry-then-cvv-keyword',
    make: (r, b) => {
      const head = `, exp ${mm(r)}/${yy(r)}, cvv `;
      const c = cvvDigits(r, b);
      return { text: head + c, cvv: [head.length, head.length + c.length] };
    },
  },
];

function scriptOf(form: string): (s: string) => string {
  if (form.startsWith('fullwidth')) return (s) => toScript(s, 0xff10);
  if (form === 'arabic-indic') return (s) => toScript(s, 0x0660);
  if (form === 'devanagari') return (s) => toScript(s, 0x0966);
  return (s) => s;
}

const DIGIT = /\p{Nd}/u;

/**
 * A PAN for the positive corpus. 17–19-digit numbers whose first 16 digits also pass Luhn are skipped: printed
 * 4-4-4-4-3 they read equally as a 16-digit PAN + CVV, which the detector prefers (README, "Ambiguity").
 */
export function corpusPan(r: Rand, prefixes: string[], lengths: number[]): string {
  for (;;) {
    const d = makeNumber(r, pick(r, prefixes), pick(r, lengths));
    if (d.length <= 16 || !luhnValid(d.slice(0, 16))) return d;
  }
}

function positive(r: Rand, id: string, brand: Brand, digits: string, form: Form, suffix: Suffix): CorpusCase {
  const pan = form.render(r, brand, digits);
  const sfx = suffix.make(r, brand, scriptOf(form.name));
  // Glued templates ("cc{pan}") are plain-text shapes; HTML cases use the Zendesk wrapper.
  let template = pick(r, TEMPLATES);
  if (suffix.name !== 'none') template = template.replace(/\{pan\}[\s\S]*$/, '{pan}');
  const inner = template.replace('{pan}', '\u0000') + sfx.text;
  let text = form.html ? HTML_WRAP(inner.replace(/\n/g, '<br>')) : inner;
  // The span runs from the first to the last digit (inline tags around groups stay outside it).
  const first = pan.search(DIGIT);
  const last = pan.length - Array.from(pan).reverse().join('').search(DIGIT);
  const at = text.indexOf('\u0000');
  text = text.replace('\u0000', pan);
  const e: Expected = { start: at + first, end: at + last, last4: digits.slice(-4), brand };
  if (sfx.cvv) e.cvv = { start: at + pan.length + sfx.cvv[0], end: at + pan.length + sfx.cvv[1] };
  return { id, category: `${form.name}/${suffix.name}`, text, html: form.html, expect: [e] };
}

export function positives(seed = 20261125): CorpusCase[] {
  const r = rng(seed);
  const out: CorpusCase[] = [];
  let n = 0;
  for (const sample of BRAND_SAMPLES) {
    for (const form of FORMS) {
      for (let k = 0; k < 3; k++) {
        const digits = corpusPan(r, sample.prefixes, sample.lengths);
        const suffix = k === 0 ? SUFFIXES[0]! : pick(r, SUFFIXES);
        out.push(positive(r, `pos-${n++}`, sample.brand, digits, form, suffix));
      }
    }
  }
  // Several numbers in one message, mixed forms.
  for (let k = 0; k < 60; k++) {
    const parts: string[] = [];
    const expect: Expected[] = [];
    let text = 'Hello,';
    for (let m = 0; m < 3; m++) {
      const sample = pick(r, BRAND_SAMPLES);
      const brand = sample.brand;
      const digits = corpusPan(r, sample.prefixes, sample.lengths);
      const form = pick(r, FORMS.filter((f) => !f.html && !f.name.startsWith('wrapped')));
      const pan = form.render(r, brand, digits);
      text += pick(r, [' card ', '\nand ', ' then ', ' or ']);
      expect.push({ start: text.length, end: text.length + pan.length, last4: digits.slice(-4), brand });
      text += pan;
      parts.push(pan);
    }
    text += '. Thanks';
    out.push({ id: `pos-${n++}`, category: 'multiple', text, expect });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hard negatives

/** A Luhn-valid number that matches no brand at its length. */
function noBrandNumber(r: Rand): string {
  const shape = pick(r, [
    ['7', 16], ['0', 16], ['98', 16], ['88', 16], ['1', 16], ['1', 13], ['17', 13], ['4', 15], ['4', 14], ['4', 17],
    ['51', 15], ['52', 14], ['37', 16], ['35', 15], ['6011', 15], ['86', 15], ['99', 15],
  ] as [string, number][]);
  return makeNumber(r, shape[0], shape[1]);
}

function validPan(r: Rand): { brand: Brand; digits: string } {
  const sample = pick(r, BRAND_SAMPLES.filter((s) => s.brand !== 'uatp'));
  return { brand: sample.brand, digits: makeNumber(r, pick(r, sample.prefixes), pick(r, sample.lengths)) };
}

function ibanCheck(country: string, bban: string): string {
  const rearranged = bban + country + '00';
  const numeric = Array.from(rearranged, (c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + ch.charCodeAt(0) - 48) % 97;
  return String(98 - rem).padStart(2, '0');
}

const group4 = (s: string): string => s.replace(/(.{4})(?=.)/g, '$1 ');

type NegGen = (r: Rand) => string | { text: string; html: true };

export const NEGATIVES: Record<string, NegGen> = {
  'last4-only': (r) =>
    pick(r, ['card ending in {4}', 'the Visa ending {4} was charged', 'last four: {4}', 'card ****{4}']).replace(
      '{4}',
      randDigits(r, 4),
    ),
  masked: (r) => {
    const { digits } = validPan(r);
    const f = digits.slice(0, 4);
    const l = digits.slice(-4);
    return pick(r, [
      `**** **** **** ${l}`,
      `${f} **** **** ${l}`,
      `XXXX-XXXX-XXXX-${l}`,
      `xxxx xxxx xxxx ${l}`,
      `************${l}`,
      `${digits.slice(0, 6)}******${l}`,
      `${f} ${digits.slice(4, 6)}** **** ${l}`,
      `${f}-XXXX-XXXX-${l}`,
    ]);
  },
  'luhn-failure': (r) => {
    let { brand, digits } = validPan(r);
    // Longer numbers contain 16-digit windows that pass Luhn by chance (PAN + CVV reading).
    while (digits.length > 16) ({ brand, digits } = validPan(r));
    const bad = digits.slice(0, -1) + String((Number(digits.slice(-1)) + int(r, 1, 9)) % 10);
    return `my card ${pick(r, [bad, layout(brand, bad).join(' '), layout(brand, bad).join('-')])} please`;
  },
  'run-longer-than-19': (r) => {
    const { digits } = validPan(r);
    const extra = randDigits(r, int(r, 20 - digits.length, 24 - digits.length) || 1);
    return pick(r, [`ref ${digits}${extra} ok`, `ref ${extra}${digits}`, `${randDigits(r, 1)}${digits}${'0'.repeat(4)}`]);
  },
  imei: (r) => {
    const imei = makeNumber(r, pick(r, ['35', '86', '01', '49', '99', '35209900']), 15);
    return pick(r, [
      imei,
      `IMEI: ${imei}`,
      `device imei ${imei} is blocked`,
      `IMEI ${imei.slice(0, 2)}-${imei.slice(2, 8)}-${imei.slice(8, 14)}-${imei.slice(14)}`,
      `IMEISV ${imei.slice(0, 14)}${randDigits(r, 2)}`,
    ]);
  },
  'luhn-valid-no-brand': (r) => `id ${noBrandNumber(r)} end`,
  phone: (r) => {
    // Digits that ARE a brand prefix + valid length + Luhn, laid out as phone numbers.
    const d = makeNumber(r, pick(r, ['4', '500', '560', '630', '675']), pick(r, [12, 13]));
    if (r() < 0.1) return { text: `<p>call &#43;${d}</p>`, html: true };
    return pick(r, [
      `call +${d}`,
      `+${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`,
      `+${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 8)} ${d.slice(8)}`,
      `phone: ${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 8)} ${d.slice(8)}`,
      `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 10)} ext ${d.slice(10)}`,
      `${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 8)} ${d.slice(8)}`,
      `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
      `tel ${d}`,
      `+ ${d}`,
      `+1 (415) 555-2671`,
      `+44 20 7946 0958`,
      `0044 20 7946 0958`,
      `1-800-555-0199`,
    ]);
  },
  iban: (r) => {
    const country = pick(r, ['DE', 'ES', 'PL', 'CH', 'BE', 'PT', 'HR', 'SI']);
    const len = { DE: 18, ES: 20, PL: 24, CH: 17, BE: 12, PT: 21, HR: 17, SI: 15 }[country]!;
    // Make the BBAN start like a card so a naive window would match.
    const bban = makeNumber(r, pick(r, ['4', '5', '6', '37', '2221']), len);
    const iban = country + ibanCheck(country, bban) + bban;
    return pick(r, [`IBAN ${group4(iban)}`, `pay to ${iban}`, `${group4(iban)}`, `iban: ${group4(iban).toLowerCase()}`]);
  },
  tracking: (r) => {
    const amexLike = makeNumber(r, pick(r, ['34', '37']), 15);
    const usps = pick(r, ['9400', '9205', '9361', '9470']) + randDigits(r, 18);
    const uspsWithCard = `9400 ${layout('visa', makeNumber(r, '4', 16)).join(' ')} ${randDigits(r, 2)}`;
    return pick(r, [
      `tracking: 1Z${randDigits(r, 3)}AA1${randDigits(r, 10)}`,
      `FedEx tracking # ${amexLike}`,
      `Tracking ${amexLike}`,
      `USPS ${usps}`,
      `USPS ${group4(usps)}`,
      uspsWithCard,
      `AWB ${makeNumber(r, '5', 16)}`,
      `420${randDigits(r, 5)}${usps}`,
    ]);
  },
  timestamp: (r) =>
    pick(r, [
      makeNumber(r, '17', 13),
      makeNumber(r, '17', 16),
      makeNumber(r, '17', 19),
      `ts=${makeNumber(r, '17', 13)}`,
      `2025-0${int(r, 1, 9)}-1${int(r, 0, 9)}T12:30:45.123Z`,
      `20250${int(r, 1, 9)}1${int(r, 0, 9)}123045${randDigits(r, 3)}`,
      `2025-01-15 12:30:45.${randDigits(r, 6)}`,
    ]),
  isbn: (r) => {
    const body = pick(r, ['978', '979']) + randDigits(r, 9);
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += (body.charCodeAt(i) - 48) * (i % 2 ? 3 : 1);
    const isbn = body + String((10 - (sum % 10)) % 10);
    return pick(r, [`ISBN ${isbn}`, isbn, `ISBN-13: ${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 7)}-${isbn.slice(7, 12)}-${isbn.slice(12)}`]);
  },
  uuid: (r) => {
    const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');
    const tail = makeNumber(r, pick(r, ['500', '56', '63', '67']), 12);
    return pick(r, [
      `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${tail}`,
      `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(3)}b-${tail}`,
      `${makeNumber(r, '4', 8)}-${randDigits(r, 4)}-${randDigits(r, 4)}-${randDigits(r, 4)}-${tail}`,
      `request ${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    ]);
  },
  url: (r) => {
    const { brand, digits } = validPan(r);
    return pick(r, [
      `see https://shop.example.com/orders/${digits} please`,
      `http://x.io/pay?card=${digits}&x=1`,
      `www.example.com/${digits}/receipt`,
      `/tickets/${digits}`,
      `https://example.zendesk.com/agent/tickets/${layout(brand, digits).join('-')}`,
      `link: https://t.co/a/${digits}`,
    ]);
  },
  'html-attribute': (r) => {
    const { digits } = validPan(r);
    const html = pick(r, [
      `<a href="https://x.example.com/p/${digits}">receipt</a>`,
      `<a href="/tickets/${digits}">see ticket</a>`,
      // Attribute values and comments are scanned like text (issue 12), so their negatives carry the id rules.
      `<img src="/img/${digits}.png" alt="receipt">`,
      `<div data-id="order-${digits}" class="zd-comment"><p>hello</p></div>`,
      `<span title='ref ${digits}'>x</span>`,
      `<!-- invoice ${digits} --><p>hi</p>`,
      `<style>.a{width:0.${digits}px}</style><p>hi</p>`,
      `<a href="https://example.com/${digits}">https://example.com/${digits}</a>`,
    ]);
    return { text: html, html: true };
  },
  decimal: (r) => {
    const { digits } = validPan(r);
    return pick(r, [`opacity: 0.${digits};`, `ratio 3.${digits}`, `x=-0.${digits}`]);
  },
  'order-number': (r) => {
    const id = `${randDigits(r, 3)}-${makeNumber(r, '4', 7)}-${randDigits(r, 7)}`;
    return pick(r, [`Order #${id}`, `order ${makeNumber(r, '4', 16)}`, `invoice ${makeNumber(r, '5', 16)}`, `Amazon order ${id}`]);
  },
  'short-ids': (r) =>
    pick(r, [
      `SIN ${makeNumber(r, '0', 9).replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3')}`,
      `SSN ${randDigits(r, 3)}-${randDigits(r, 2)}-${randDigits(r, 4)}`,
      `zip ${randDigits(r, 5)}, amount $${randDigits(r, 4)}.${randDigits(r, 2)}`,
      `exp ${mm(r)}/${yy(r)} cvv ${randDigits(r, 3)}`,
    ]),
  'glued-to-word': (r) => {
    const { digits } = validPan(r);
    return pick(r, [`x${digits}`, `${digits}_`, `ref${digits}`, `${digits}abc`, `AB-${digits}`, `id_${digits}`]);
  },
};

export function negatives(seed = 4111, perCategory = 120): CorpusCase[] {
  const r = rng(seed);
  const out: CorpusCase[] = [];
  for (const [category, gen] of Object.entries(NEGATIVES)) {
    for (let k = 0; k < perCategory; k++) {
      const g = gen(r);
      const c: CorpusCase =
        typeof g === 'string'
          ? { id: `neg-${category}-${k}`, category, text: g, expect: [] }
          : { id: `neg-${category}-${k}`, category, text: g.text, html: true, expect: [] };
      out.push(c);
    }
  }
  return out;
}
