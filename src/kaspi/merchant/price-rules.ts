// Kaspi's rules for a seller's price (reference/kaspi.md): whole tenge, at least 10. The repricer's
// strategies and the profit layer's margin floor both hold a price to them, so they live with the
// merchant side of Kaspi, not in either of those folders (demper↔profit was a folder cycle).

/** Kaspi's smallest allowed price, in tenge. */
export const KASPI_MIN_PRICE = 10;
