/**
 * The market rules the universe's contracts name (Instrument.marketRuleIds), as IB defines them: the price
 * increment from each price level up.
 */
export const MARKET_RULES: ReadonlyMap<
  number,
  ReadonlyArray<{ lowEdge: number; increment: number }>
> = new Map([
  // US stocks, ETFs and indices
  [26, [{ lowEdge: 0, increment: 0.01 }]],
  // index options (SPX, NDX, ...): a nickel below 3, a dime from 3
  [
    32,
    [
      { lowEdge: 0, increment: 0.05 },
      { lowEdge: 3, increment: 0.1 },
    ],
  ],
  // penny-pilot equity options: a penny below 3, a nickel from 3
  [
    109,
    [
      { lowEdge: 0, increment: 0.01 },
      { lowEdge: 3, increment: 0.05 },
    ],
  ],
  // CME equity index futures
  [67, [{ lowEdge: 0, increment: 0.25 }]],
  // IDEALPRO forex
  [239, [{ lowEdge: 0, increment: 0.00005 }]],
]);
