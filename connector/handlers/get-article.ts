import { getArticle } from "../../shared/tools/get-article.ts";
import { defineHandler } from "./context.ts";

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** XML/HTML article text as readable markdown-ish text: headings and paragraphs kept, tags dropped. */
export function xmlToText(xml: string): string {
  return xml
    .replace(/<\?xml[^>]*\?>/gi, "")
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<h[1-6][^>]*>/gi, "\n\n## ")
    .replace(/<\/(p|div|h[1-6]|li|tr|headline|title)>/gi, "\n\n")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li[^>]*>/gi, "- ")
    .replace(/<[^>]+>/g, "")
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => entities[e] ?? "")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export const getArticleHandler = defineHandler(getArticle, async (args, ctx) => {
  const article = await ctx.ib.newsArticle(args.providerCode, args.articleId, ctx);
  const looksMarkedUp = /^\s*</.test(article.text);
  const text =
    article.articleType === "text" && args.as_markdown && looksMarkedUp
      ? xmlToText(article.text)
      : article.text;
  const truncated = args.truncate > 0 && text.length > args.truncate;
  return {
    providerCode: args.providerCode,
    articleId: args.articleId,
    articleType: article.articleType,
    text: truncated ? text.slice(0, args.truncate) : text,
    truncated,
  };
});
