import { lcsLength, porterLiteStem, rouge, rougeTokens } from '../../bench/lib/rouge';

describe('ROUGE', () => {
  it('scores a hand-computed example', () => {
    // candidate unigrams: the×2 cat sat on mat; reference: the×2 cat is on mat → 5 of 6 shared.
    // bigrams: "the cat", "on the", "the mat" shared, 3 of 5. LCS: "the cat on the mat", 5 of 6.
    const scores = rouge('The cat sat on the mat.', 'the cat is on the mat', { stem: false });
    expect(scores.rouge1.f1).toBeCloseTo(5 / 6, 10);
    expect(scores.rouge2.precision).toBeCloseTo(3 / 5, 10);
    expect(scores.rouge2.f1).toBeCloseTo(3 / 5, 10);
    expect(scores.rougeL.f1).toBeCloseTo(5 / 6, 10);
  });

  it('clips repeated words to the count in the other text', () => {
    const { rouge1 } = rouge('the the the the', 'the cat', { stem: false });
    expect(rouge1.precision).toBeCloseTo(1 / 4, 10);
    expect(rouge1.recall).toBeCloseTo(1 / 2, 10);
    expect(rouge1.f1).toBeCloseTo(1 / 3, 10);
  });

  it('uses precision and recall of different lengths for ROUGE-L', () => {
    // LCS of "a b c d e" and "a c e" is "a c e": P = 3/5, R = 3/3, F1 = 2·0.6·1 / 1.6 = 0.75.
    const { rougeL } = rouge('a b c d e', 'a c e', { stem: false });
    expect([rougeL.precision, rougeL.recall]).toEqual([0.6, 1]);
    expect(rougeL.f1).toBeCloseTo(0.75, 10);
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
  });

  it('gives 1 for the same text and 0 when nothing is shared or a side is empty', () => {
    expect(rouge('Budget approved.', 'budget approved').rougeL.f1).toBe(1);
    expect(rouge('alpha beta', 'gamma delta').rouge1.f1).toBe(0);
    expect(rouge('', 'gamma delta').rouge1.f1).toBe(0);
    expect(rouge('one', 'one').rouge2.f1).toBe(0);
  });

  it('lowercases, splits on anything not alphanumeric, and stems both sides alike', () => {
    expect(rougeTokens("Hello, WORLD! It's 2026", { stem: false })).toEqual(['hello', 'world', 'it', 's', '2026']);
    expect(rouge('designs designed', 'design designing').rouge1.f1).toBe(1);
    expect(rouge('designs designed', 'design designing', { stem: false }).rouge1.f1).toBe(0);
    expect(['meetings', 'meeting', 'meet'].map(porterLiteStem)).toEqual(['meet', 'meet', 'meet']);
  });
});
