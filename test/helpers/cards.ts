// Public test card numbers (brand test numbers, never real cards).
export const VISA = '4111111111111111';
export const VISA_2 = '4242424242424242';
export const MASTERCARD = '5555555555554444';
export const AMEX = '378282246310005';

/** Groups of four, as customers type them. */
export function spaced(pan: string, sep = ' '): string {
  return pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}

/** Every way a card's digits could appear in a leak: plain, and with common separators. */
export function leakForms(pan: string): string[] {
  return [pan, spaced(pan, ' '), spaced(pan, '-'), spaced(pan, '.'), pan.slice(0, 6) + pan.slice(-4).padStart(pan.length - 6, '*')].slice(0, 4);
}

export function assertNoLeak(haystack: string, pans: string[], where: string): void {
  const digitsOnly = haystack.replace(/[\s\-.\u00a0]/g, '');
  for (const pan of pans) {
    for (const form of leakForms(pan)) {
      if (haystack.includes(form)) throw new Error(`card number ending ${pan.slice(-4)} leaked into ${where}`);
    }
    if (digitsOnly.includes(pan)) throw new Error(`card number ending ${pan.slice(-4)} leaked into ${where} (with separators)`);
  }
}
