// Description HTML → readable plain text (paragraphs and list items on their own lines).
import { load } from 'cheerio/slim';

const BLOCKS = 'p, div, li, tr, h1, h2, h3, h4, h5, h6, ul, ol, table, section, blockquote';

export function htmlToText(html: string): string {
  // Most descriptions without markup need no parser at all.
  if (!/[<&]/.test(html)) return tidy(html);
  const $ = load(html, null, false);
  $('script, style').remove();
  $('br').replaceWith('\n');
  $('li').prepend('• ');
  $(BLOCKS).append('\n');
  return tidy($.root().text());
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n')
    .trim();
}
