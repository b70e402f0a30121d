import { runSimulatorCli } from "./cli.ts";

// Standalone entry (`npx tsx sim/bin.ts --port 4002`); `npm run sim` goes through cli/main.ts.
await runSimulatorCli(process.argv.slice(2));
