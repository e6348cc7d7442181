// Deterministic bulk generator: support-ticket-like conversations with a known set of test PANs.
import { API_USER_ID, type IAttachment, type IComment, type ZendeskStore } from './store';
import type { SeededCard, SeedTicketsOptions, SeedTicketsResult, TicketStatus } from './types';

// Public test card numbers (all pass Luhn); grouped as they would be printed on the card.
const CARDS: { pan: string; groups: number[] }[] = [
  { pan: '4111111111111111', groups: [4, 4, 4, 4] },
  { pan: '4012888888881881', groups: [4, 4, 4, 4] },
  { pan: '4242424242424242', groups: [4, 4, 4, 4] },
  { pan: '5555555555554444', groups: [4, 4, 4, 4] },
  { pan: '5105105105105100', groups: [4, 4, 4, 4] },
  { pan: '2223003122003222', groups: [4, 4, 4, 4] },
  { pan: '378282246310005', groups: [4, 6, 5] },
  { pan: '371449635398431', groups: [4, 6, 5] },
  { pan: '6011111111111117', groups: [4, 4, 4, 4] },
  { pan: '3530111333300000', groups: [4, 4, 4, 4] },
  { pan: '36227206271667', groups: [4, 6, 4] },
];

const SUBJECTS = [
  'Problem with my order #{n}',
  'Refund request for invoice {n}',
  "Can't log in to my account",
  'Payment failed at checkout',
  'Question about my subscription',
  'Shipping delay on order #{n}',
  'Double charged this month',
  'Please update my billing details',
  'Cancel my plan',
  'Wrong item received (order {n})',
  'Promo code not working',
  'Invoice {n} shows the wrong address',
];

const CUSTOMER = [
  'Hi, I placed order #{n} last week and it still has not shipped.',
  'I was charged twice for my subscription this month.',
  'Could you please check what happened with my payment?',
  'The checkout page keeps showing an error after I enter my details.',
  'I would like a refund for invoice {n}.',
  'My account says it is suspended but I paid on time.',
  'Thanks for the quick reply!',
  'I tried again this morning and it still fails.',
  'Can you call me back at 020 7946 0{n3}?',
  'The tracking number you sent does not work.',
];

const CARD_LINES = [
  'Here is my card number {pan}, please retry the payment.',
  'You can charge {pan} exp 12/27 instead.',
  'My card {pan} keeps getting declined, can you check?',
  'Please use the card ending in the digits below:\n{pan}\nThanks.',
  'New card: {pan} (CVV on request)',
];

const AGENT = [
  'Thanks for reaching out. I have looked into your account and can see the issue.',
  'I am sorry for the trouble. I have escalated this to our billing team.',
  'Could you confirm the email address on the account?',
  'The refund has been issued and should appear within 5-7 business days.',
  'I have reset the payment attempt; please try again.',
  'Your order #{n} is now marked for priority shipping.',
];

const NOTES = ['Checked the billing logs, no duplicate charge on our side.', 'Customer is on the legacy plan.', 'Waiting for finance to confirm.'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function formatPan(card: { pan: string; groups: number[] }, style: number): string {
  if (style === 0) return card.pan;
  const sep = style === 1 ? ' ' : '-';
  const parts: string[] = [];
  let i = 0;
  for (const g of card.groups) {
    parts.push(card.pan.slice(i, i + g));
    i += g;
  }
  return parts.join(sep);
}

const STATUSES: TicketStatus[] = ['new', 'open', 'open', 'pending', 'hold', 'solved', 'solved', 'closed', 'closed', 'closed'];

/** Creates `count` tickets in-process. Same seed and count → same text, authors and cards. */
export function seedTickets(store: ZendeskStore, count: number, opts: SeedTicketsOptions = {}): SeedTicketsResult {
  const rnd = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const num = (): string => String(10000 + Math.floor(rnd() * 90000));
  const fill = (s: string): string => s.replace(/\{n\}/g, num).replace(/\{n3\}/g, () => String(100 + Math.floor(rnd() * 900)));
  const cardRate = opts.cardRate ?? 0.01;
  const avg = Math.max(1, opts.commentsPerTicket ?? 3);
  const end = opts.endTime ?? Date.now() - 2 * 3600_000;
  const span = (opts.spanDays ?? 90) * 86400_000;
  const start = end - span;
  const step = count > 0 ? span / count : 0;
  const cards: SeededCard[] = [];
  let commentCount = 0;
  let first = -1;
  let last = -1;

  for (let i = 0; i < count; i++) {
    const createdAt = Math.floor(start + i * step);
    const requesterId = 10000 + Math.floor(rnd() * 5000);
    const agentId = API_USER_ID + 1 + Math.floor(rnd() * 9);
    const spread = Math.floor(rnd() * 3);
    const n = avg <= 1 ? 1 : avg - 1 + spread;
    const withCard = rnd() < cardRate;
    const cardAt = withCard ? Math.floor(rnd() * n) : -1;
    const comments: IComment[] = [];
    let cardInfo: { idx: number; last4: string } | null = null;
    for (let k = 0; k < n; k++) {
      const fromCustomer = k % 2 === 0;
      const isNote = !fromCustomer && rnd() < 0.2;
      let body = fromCustomer ? fill(pick(CUSTOMER)) : fill(pick(isNote ? NOTES : AGENT));
      if (fromCustomer && rnd() < 0.5) body += ' ' + fill(pick(CUSTOMER));
      if (k === cardAt) {
        const card = pick(CARDS);
        body += (rnd() < 0.5 ? '\n\n' : ' ') + pick(CARD_LINES).replace('{pan}', formatPan(card, Math.floor(rnd() * 3)));
        cardInfo = { idx: k, last4: card.pan.slice(-4) };
      }
      const attachments: IAttachment[] = fromCustomer && rnd() < 0.05 ? [store.newRawAttachment('screenshot.png', 'image/png', 20_000 + Math.floor(rnd() * 200_000))] : [];
      comments.push({
        id: 0,
        ticketId: 0,
        auditId: 0,
        authorId: fromCustomer ? requesterId : agentId,
        body,
        html: null,
        public: !isNote,
        attachments,
        createdAt: createdAt + k * 17 * 60_000,
        channel: fromCustomer ? 'email' : 'web',
      });
    }
    const lastAt = (comments[comments.length - 1] as IComment).createdAt;
    const ticket = store.insertRaw({
        id: 0,
        comments,
        externalId: null,
        subject: fill(pick(SUBJECTS)),
        status: pick(STATUSES),
        requesterId,
        submitterId: requesterId,
        assigneeId: agentId,
        tags: [],
        customFields: [],
        createdAt,
        updatedAt: lastAt,
        deletedAt: null,
        channel: 'email',
        isPublic: true,
    });
    const created = ticket.comments;
    if (first < 0) first = ticket.id;
    last = ticket.id;
    commentCount += created.length;
    if (cardInfo) cards.push({ ticketId: ticket.id, commentId: (created[cardInfo.idx] as { id: number }).id, last4: cardInfo.last4 });
  }
  return { firstTicketId: first, lastTicketId: last, ticketCount: count, commentCount, cards };
}
