// Shared leak detector for the security tests: any 13-19 digit card-like run, with or without separators,
// in any Unicode digit script. (12-digit runs are masked too, but 13-19 is what a card leak looks like.)
const SEPARATORS = '[\\s\\u00A0\\u200B-\\u200D\\u2060\\uFEFF.\\-\\u2010-\\u2015\\u2212\\uFF0D\\uFF0E]|\\\\+[nrt]';
const CARD_LIKE = new RegExp(`\\p{Nd}(?:(?:${SEPARATORS})*\\p{Nd}){12,18}`, 'u');

export function findCardLike(text: string): string | undefined {
  return CARD_LIKE.exec(text)?.[0];
}

export const CARDS = {
  visa: '4111111111111111',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  discover: '6011111111111117',
  visa19: '4111111111111111003',
} as const;
