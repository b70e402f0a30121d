import { z } from "zod";
import { readTool } from "../tool-def.ts";

export const getNewsProviders = readTool({
  name: "get_news_providers",
  title: "News providers",
  toolsets: ["news"],
  description:
    "The news providers the account is subscribed to, with the codes get_historical_news takes in provider_codes.",
  input: z.object({}),
  output: z.object({ providers: z.array(z.object({ code: z.string(), name: z.string() })) }),
  summarize: (o) =>
    o.providers.length === 0
      ? "No news providers."
      : o.providers.map((p) => `- ${p.code}: ${p.name}`).join("\n"),
});
