/** Counts client messages in a sliding one-second window (IB disconnects clients above its limit). */
export class MessageRate {
  private stamps: number[] = [];

  constructor(
    private readonly maxPerSec: number,
    private readonly windowMs = 1000,
  ) {}

  /** Records one message; true when the limit is now exceeded. */
  hit(now: number): boolean {
    this.stamps.push(now);
    while (this.stamps.length > 0 && now - this.stamps[0]! >= this.windowMs) this.stamps.shift();
    return this.stamps.length > this.maxPerSec;
  }

  /** Messages in the current window. */
  get count(): number {
    return this.stamps.length;
  }
}
