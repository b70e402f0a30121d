export { runSimulatorCli } from "./cli.ts";
export { type SimConfig, type SimLog, SimOptions } from "./options.ts";
export { type Simulator, startSimulator } from "./server.ts";
export { SimStats } from "./stats.ts";
export * from "./universe/index.ts";
export { ReceivedLog, ReceivedMessage } from "./wire-log.ts";
