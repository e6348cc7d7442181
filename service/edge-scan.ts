// Scan at the edge: a trigger body that carries the new comment's text is scanned here, in memory, so a
// clean comment costs no Zendesk call and no workflow. Only a card-shaped number (the detector's full PAN
// rules) or a text we cannot vouch for (absent, truncated) starts the workflow, which reads Zendesk itself.
// The text is never logged, never returned and never passed on: the verdict below is all that leaves.
import { findCardNumbers } from '../detection';
import type { TriggerBody } from './webhook-schemas';

export type EdgeVerdict =
  /** Text present, complete, nothing card-shaped: acknowledge, start nothing. */
  | 'clean'
  /** A card-shaped number in the text or the subject: start/signal the workflow. */
  | 'card'
  /** No text, a truncated one, or files attached: the workflow reads the comment (and its files) from Zendesk. */
  | 'unscanned';

/** Characters (code points, as Liquid's `size` counts them) of a string. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else {
      n++;
      i++;
    }
  }
  return n;
}

/** Cheap pre-check before the detector: a PAN needs at least 12 digits, so fewer means clean. */
function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c > 127) n++; // non-ASCII may be another script's digit: let the detector decide
  }
  return n;
}

function holdsCard(text: string | undefined): boolean {
  return text !== undefined && text !== '' && digitCount(text) >= 12 && findCardNumbers(text).length > 0;
}

export function edgeVerdict(body: TriggerBody): EdgeVerdict {
  if (body.type !== 'comment_added') return 'unscanned';
  if (holdsCard(body.subject)) return 'card';
  const text = body.comment_text;
  if (text === undefined) return 'unscanned';
  if (holdsCard(text)) return 'card';
  // A file may show a card (a photo, a PDF): only the worker reads files.
  if (body.comment_attachments !== undefined && body.comment_attachments > 0) return 'unscanned';
  // A text cut by `truncate` (or a count we cannot check) may hide a number past the cut.
  const complete = body.comment_chars !== undefined && body.comment_chars === codePoints(text);
  return complete ? 'clean' : 'unscanned';
}
