import { addNotional, type RiskStore } from "./risk-state.ts";

/** Risk state in this process's memory: the all-in-one process, which has no NATS and no second connector. */
export function memoryRiskStore(): RiskStore {
  let killSwitch = false;
  const daily = new Map<string, number>();
  return {
    name: "memory",
    killSwitch: async () => killSwitch,
    async setKillSwitch(on) {
      killSwitch = on;
    },
    dailyUsed: async (day) => daily.get(day) ?? 0,
    async addDaily(day, delta, check) {
      const used = daily.get(day) ?? 0;
      check?.(used);
      // one day at a time: an old day's total is never read again
      daily.clear();
      daily.set(day, addNotional(used, delta));
      return daily.get(day) ?? 0;
    },
  };
}
