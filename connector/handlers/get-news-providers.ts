import { getNewsProviders } from "../../shared/tools/get-news-providers.ts";
import { defineHandler } from "./context.ts";

export const getNewsProvidersHandler = defineHandler(getNewsProviders, async (_args, ctx) => ({
  providers: await ctx.ib.newsProviderList(ctx),
}));
