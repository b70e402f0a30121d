/** Value of a CUSIP/ISIN character: digits as themselves, A=10 .. Z=35. */
function charValue(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 55;
}

/** The CUSIP check digit of its first eight characters (every second value doubled, digits summed). */
export function cusipCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = charValue(body[i] ?? "0") * (i % 2 === 1 ? 2 : 1);
    sum += Math.floor(v / 10) + (v % 10);
  }
  return String((10 - (sum % 10)) % 10);
}

/** The ISIN of a US CUSIP: "US", the CUSIP, and the Luhn check digit over the letters turned into numbers. */
export function isinOfCusip(cusip: string): string {
  const body = `US${cusip}`;
  const digits = [...body].map((c) => String(charValue(c))).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}
