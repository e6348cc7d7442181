/** The Luhn check over `length` digit values starting at `from` (the detector's and the verifier's one copy). */
export function luhnValid(digits: ArrayLike<number>, from: number, length: number): boolean {
  let sum = 0;
  let double = false;
  for (let k = from + length - 1; k >= from; k--) {
    let d = digits[k]!;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
