import { z } from "zod";
import { ArticleIdField, ProviderCodeField } from "../schemas/fields.ts";
import { readTool } from "../tool-def.ts";

export const getArticle = readTool({
  name: "get_article",
  title: "News article",
  toolsets: ["news"],
  description:
    "The full text of one news article, by the articleId and providerCode that get_historical_news returns.",
  input: z.object({
    articleId: ArticleIdField,
    providerCode: ProviderCodeField,
    as_markdown: z.boolean().default(true).describe("XML articles as readable text"),
    truncate: z.number().int().min(0).default(0).describe("Max characters; 0 for all"),
  }),
  output: z.object({
    providerCode: z.string(),
    articleId: z.string(),
    articleType: z.enum(["text", "binary"]),
    text: z.string(),
    truncated: z.boolean(),
  }),
  summarize: (o) =>
    `Article ${o.articleId} (${o.providerCode})\n\n${o.text}${o.truncated ? " … (truncated)" : ""}`,
});
