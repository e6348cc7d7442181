import { parseMergeInstruction, pickMergeInstruction, type NoteLike } from '../../../activities/merge-instruction';

const SELF = 42;

// [note, expected]: a number = merge into it; 'unclear' / 'none'.
const TABLE: Array<[string, number | 'unclear' | 'none']> = [
  // Affirmative, one target.
  ['merge into #123', 123],
  ['Please merge this ticket into ticket #4567.', 4567],
  ['merge to 89', 89],
  ['MERGE INTO 12', 12],
  ['pls merge w/ #123', 123],
  ['dupe of #45, merge', 45],
  ['Duplicate of #45 – please merge.', 45],
  ['dup of 45 pls merge', 45],
  ['merge → 77', 77],
  ['merge -> 77', 77],
  ['merge => #77', 77],
  ['merging into 88 per cust', 88],
  ['mrg into #9', 9],
  ['merge w/ tkt 300', 300],
  ['Merge with 1234567', 1234567],
  ['merge into ticket no. 555', 555],
  ['merge into https://acme.zendesk.com/agent/tickets/77', 77],
  ['merge into #5 pls, ty', 5],
  ['merge #42 into #50', 50],
  ['Dupe of #45. Merge.', 45],
  ["merge into #5 — ok'd by lead", 5],
  ['Customer wrote "please merge into #5". Agreed, merge into #5.', 5],
  // Negations.
  ['DNM', 'unclear'],
  ['DNM #13', 'unclear'],
  ['Do NOT merge into #13 – different customer!', 'unclear'],
  ["don't merge into 13", 'unclear'],
  ['dont merge w/ #13', 'unclear'],
  ['never merge this with #13', 'unclear'],
  ['no merge', 'unclear'],
  ['no merge needed', 'unclear'],
  ['we should not merge into #13', 'unclear'],
  ['not a dupe of #45', 'unclear'],
  ['no need to merge into #5', 'unclear'],
  ["we won't merge with #5", 'unclear'],
  ['merge into #5: no', 'unclear'],
  ["Merge into #5. Actually, don't.", 'unclear'],
  ['merge into #5. No.', 'unclear'],
  ['merge into #5 — scratch that, different customer', 'unclear'],
  ['merge w/ #5 nvm', 'unclear'],
  ['merge into #5. Do not reply to the customer.', 5],
  ['merge into #5. Refund sent, customer informed.', 5],
  // Questions and hedges.
  ['should we merge into #5?', 'unclear'],
  ['merge into #5?', 'unclear'],
  ['can we merge w/ 5', 'unclear'],
  ['maybe merge into #5', 'unclear'],
  ['merge into #77 if the customer confirms', 'unclear'],
  // Quoted customer text.
  ['> merge into #5', 'unclear'],
  ['Customer wrote: please merge into #5', 'unclear'],
  ['cust said "merge into #5"', 'unclear'],
  ["customer asked to merge into #5", 'unclear'],
  ['On Mon, Jane wrote:\nmerge into #5 thanks', 'unclear'],
  // Several targets, none, or only this ticket.
  ['merge into #5 and #6', 'unclear'],
  ['merge into #5 or #6', 'unclear'],
  ['merge to #5. cust called about #6 too', 'unclear'],
  ['merge into #42', 'unclear'],
  ['merge', 'unclear'],
  ['please merge', 'unclear'],
  ['merge #50 into this one', 'unclear'],
  ['already merged into #5', 'unclear'],
  // Nothing about merging.
  ['we merged the PR', 'none'],
  ['emerge into 5 days', 'none'],
  ['call the customer back re #77', 'none'],
  ['customer has a duplicate charge of 45 EUR', 'none'],
  ['', 'none'],
];

describe('merge instruction parser', () => {
  test('the table has at least 30 phrasings', () => expect(TABLE.length).toBeGreaterThanOrEqual(30));

  test.each(TABLE)('%j → %s', (note, expected) => {
    const got = parseMergeInstruction(note, SELF);
    if (typeof expected === 'number') expect(got).toEqual({ kind: 'merge', target: expected });
    else expect(got.kind).toBe(expected);
  });

  test('unclear results say why in a plain sentence and list the candidates', () => {
    expect(parseMergeInstruction('Do NOT merge into #13 – different customer!', SELF)).toEqual({
      kind: 'unclear',
      reason: 'the note says not to merge',
      candidates: [13],
    });
    expect(parseMergeInstruction('merge into #5 and #6', SELF)).toEqual({
      kind: 'unclear',
      reason: 'the note names several tickets',
      candidates: [5, 6],
    });
    expect(parseMergeInstruction('merge into #42', SELF)).toMatchObject({ reason: 'the note names this ticket itself as the target' });
    expect(parseMergeInstruction('should we merge into #5?', SELF)).toMatchObject({ candidates: [5] });
    const reasons = TABLE.map(([n]) => parseMergeInstruction(n, SELF)).flatMap((r) => (r.kind === 'unclear' ? [r.reason] : []));
    for (const r of reasons) expect(r).toMatch(/^the [a-z' ,]+$/);
  });
});

describe('picking the instruction among comments', () => {
  const roles = new Map<number, string>([
    [1, 'agent'],
    [2, 'admin'],
    [3, 'end-user'],
  ]);
  const note = (id: number, author: number, text: string, pub = false): NoteLike => ({ id, author_id: author, public: pub, plain_body: text });

  test('only internal notes by agents or admins count; the latest relevant note wins', () => {
    expect(pickMergeInstruction([note(1, 1, 'merge into #10'), note(2, 2, 'merge into #11')], SELF, roles)).toEqual({
      kind: 'merge',
      target: 11,
      commentId: 2,
    });
    // An end user's private comment and a public reply never count.
    expect(pickMergeInstruction([note(1, 1, 'merge into #10'), note(2, 3, 'merge into #66'), note(3, 1, 'merge into #77', true)], SELF, roles)).toEqual(
      { kind: 'merge', target: 10, commentId: 1 },
    );
    expect(pickMergeInstruction([note(1, 3, 'merge into #10')], SELF, roles)).toEqual({ kind: 'none' });
    // Unknown authors (role lookup failed) do not count either.
    expect(pickMergeInstruction([note(1, 9, 'merge into #10')], SELF, roles)).toEqual({ kind: 'none' });
  });

  test('a later "do not merge" overrides an earlier request; unrelated notes do not', () => {
    expect(pickMergeInstruction([note(1, 1, 'merge into #10'), note(2, 2, 'DNM, different customer')], SELF, roles)).toMatchObject({
      kind: 'unclear',
      commentId: 2,
    });
    expect(pickMergeInstruction([note(1, 1, 'merge into #10'), note(2, 2, 'called the customer')], SELF, roles)).toMatchObject({
      kind: 'merge',
      target: 10,
    });
  });

  test('roleOf may be a function', () => {
    expect(pickMergeInstruction([note(5, 7, 'pls merge w/ #123')], SELF, (id) => (id === 7 ? 'agent' : undefined))).toEqual({
      kind: 'merge',
      target: 123,
      commentId: 5,
    });
  });
});
