// Layout changes made on real pages: the `BACKEND.components.item` object of a saved page edited
// (keys renamed or dropped) or removed, everything else of the page as it was.

/**
 * The page with its item state replaced by `edit(item)`, or its whole script removed when `edit`
 * returns null. The item is the JSON after `BACKEND.components.item = ` up to the line's end, as on
 * real pages and on the ones src/fakes/kaspi-page-builder.ts writes.
 */
export function withItemState(html: string, edit: (item: Record<string, any>) => Record<string, any> | null): string {
  const marker = 'BACKEND.components.item = ';
  const at = html.indexOf(marker) + marker.length;
  if (at < marker.length) throw new Error('the page has no BACKEND.components.item');
  const end = html.indexOf('\n', at);
  const item = edit(JSON.parse(html.slice(at, end)));
  if (item !== null) return html.slice(0, at) + JSON.stringify(item) + html.slice(end);
  return html.slice(0, html.lastIndexOf('<script', at)) + html.slice(html.indexOf('</script>', at) + '</script>'.length);
}

/** Kaspi renaming the item keys mp reads (gallery, breadcrumbs, description, category codes) while the name stays. */
export function renameItemKeys(item: Record<string, any>): Record<string, any> {
  const { galleryImages, breadcrumbs, description, ...rest } = item;
  const { categoryCodes, ...promo } = rest.card.promoConditions ?? {};
  return {
    ...rest,
    card: { ...rest.card, promoConditions: { ...promo, codes: categoryCodes } },
    gallery: galleryImages,
    crumbs: breadcrumbs,
    descriptionHtml: description,
  };
}
