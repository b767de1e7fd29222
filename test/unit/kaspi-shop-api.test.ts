// The Shop API parsers on every REAL answer in fixtures/kaspi-shop-api/ (see its SOURCES.md): orders
// pages (a trimmed Kaspi Delivery order, bare attributes, the guide's examples with and without
// included entries) and entries (2026's answer without entryNumber and totalPrice, the guide's).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEntries, parseEntryProduct, parseOrderPage } from '../../src/kaspi/merchant/shop-api.parser.js';
import { numbered } from '../../src/kaspi-orders/sync.service.js';

const real = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/kaspi-shop-api/${name}`, import.meta.url), 'utf8'));

/** The error a call throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('entries (GET /orders/{id}/entries)', () => {
  it("reads 2026's real answer: no entryNumber, no totalPrice, the product named by offer", () => {
    expect(parseEntries(real('entries_2026-05_offer-no-entrynumber.json'))).toEqual([
      {
        entryNumber: null,
        quantity: 1,
        basePrice: '4771.00',
        totalPrice: '4771.00',
        entryId: 'OTEyNjk1MDQ2IyMw',
        productId: 'MTM3OTU3MDk3',
        productCode: '958781639',
        productName: 'Повседневные шорты LIMIKO SHORT-72050-AK коричневый S',
        categoryCode: null,
        categoryTitle: null,
      },
    ]);
  });

  it("reads the guide's answer: entryNumber and totalPrice given, the product left to /orderentries/{id}/product", () => {
    expect(parseEntries(real('guide_entries.json'))).toEqual([
      {
        entryNumber: 0,
        quantity: 2,
        basePrice: '2000.00',
        totalPrice: '4000.00',
        entryId: 'orderentriesId',
        productId: 'masterproductsId',
        productCode: null,
        productName: null,
        // The entry's category picks the commission rate when the product's category path is not scraped.
        categoryCode: 'Master - Fruits',
        categoryTitle: 'Фрукты',
      },
    ]);
    expect(parseEntryProduct(real('guide_orderentry_product.json'))).toEqual({ code: '103403297', name: 'Фруктовик яблоко черный принц Польша 1 кг' });
  });

  it('totalPrice = basePrice × quantity exactly, in decimal (not 0.30000000000000004)', () => {
    const doc = real('entries_2026-05_offer-no-entrynumber.json');
    doc.data[0].attributes = { ...doc.data[0].attributes, basePrice: 0.1, quantity: 3 };
    expect(parseEntries(doc)[0]).toMatchObject({ basePrice: '0.10', totalPrice: '0.30' });
    doc.data[0].attributes = { ...doc.data[0].attributes, basePrice: 33333.33, quantity: 7 };
    expect(parseEntries(doc)[0]).toMatchObject({ totalPrice: '233333.31' });
  });

  it('a malformed answer is KASPI_SHOP_BAD_RESPONSE naming the field, with no customer or product data in it', () => {
    const base = real('entries_2026-05_offer-no-entrynumber.json');
    const entry = base.data[0];
    const cases: [unknown, RegExp][] = [
      [{ data: [{ ...entry, attributes: { ...entry.attributes, basePrice: undefined } }] }, /entry 0 with no basePrice \(attributes\.basePrice\)/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, quantity: undefined } }] }, /entry 0 with no quantity \(attributes\.quantity\)/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, quantity: 1.5 } }] }, /attributes\.quantity/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, basePrice: 'много' } }] }, /attributes\.basePrice/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, basePrice: 4771.005 } }] }, /attributes\.basePrice/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, totalPrice: -1 } }] }, /attributes\.totalPrice/],
      [{ data: [{ ...entry, attributes: { ...entry.attributes, entryNumber: 'first' } }] }, /attributes\.entryNumber/],
      [{ data: [{ ...entry, id: undefined, attributes: { quantity: 1, basePrice: 10 } }] }, /no id and no offer code and name/],
      [{ data: {} }, /has no data array/],
      ['<html>login</html>', /an HTML page/],
    ];
    for (const [doc, message] of cases) {
      const error = thrown(() => parseEntries(doc, 'order 912695046'));
      expect(error.code).toBe('KASPI_SHOP_BAD_RESPONSE');
      expect(error.message).toMatch(message);
      expect(error.message).toContain('order 912695046');
      expect(error.message).not.toMatch(/LIMIKO|958781639|MTM3OTU3MDk3/);
    }
  });

  it('entries are stored under Kaspi’s numbers when it gives distinct ones, else under their position from 0', () => {
    const e = parseEntries(real('entries_2026-05_offer-no-entrynumber.json'))[0]!;
    expect(numbered([e, { ...e, entryId: 'x' }]).map((x) => x.entryNumber)).toEqual([0, 1]);
    expect(
      numbered([
        { ...e, entryNumber: 1 },
        { ...e, entryNumber: 0 },
      ]).map((x) => x.entryNumber),
    ).toEqual([1, 0]);
    expect(numbered([{ ...e, entryNumber: 3 }, e]).map((x) => x.entryNumber)).toEqual([0, 1]);
  });
});

describe('orders (GET /orders)', () => {
  it("reads the guide's page: customer from first and last name, city from the delivery address", () => {
    const page = parseOrderPage(real('guide_orders.json'));
    expect(page).toMatchObject({ pageCount: 1, totalCount: 1 });
    expect(page.includedEntries.size).toBe(0);
    expect(page.orders).toEqual([
      {
        id: 'orderId',
        code: 'ordercode',
        state: 'DELIVERY',
        status: 'ACCEPTED_BY_MERCHANT',
        totalPrice: '4000.00',
        // The buyer pays 500 for delivery; Kaspi charges the seller nothing (own delivery).
        deliveryCost: '500.00',
        deliveryCostForSeller: '0.00',
        paymentMode: 'PAY_WITH_CREDIT',
        deliveryMode: 'DELIVERY_LOCAL',
        kaspiDelivery: false,
        plannedDeliveryDate: new Date(1706896790999),
        createdAt: new Date(1706608613252),
        approvedAt: new Date(1706608657792),
        preOrder: false,
        pickupPointId: 'merchant_PP1',
        city: 'Алматы',
        customerName: 'customerfirstname customerlastname',
        customerPhone: '7750000000',
      },
    ]);
  });

  it('reads a Kaspi Delivery order with its entries included in the page (so none is asked for again)', () => {
    const page = parseOrderPage(real('guide_orders_kaspi-delivery_included-entries.json'));
    expect(page.orders[0]).toMatchObject({ code: '496149022', status: 'CANCELLING', state: 'KASPI_DELIVERY', kaspiDelivery: true, city: 'Талдыкорган' });
    expect([...page.includedEntries]).toEqual([
      [
        'NTN7uzzgwOTk3',
        [
          {
            entryNumber: 0,
            quantity: 1,
            basePrice: '5990.00',
            totalPrice: '5990.00',
            entryId: 'NTN7uzzgwOTk3IyMw',
            productId: 'MTDwTCc5MTg1',
            productCode: '355654asiuowl',
            productName: 'Крышка Tefal St-Pet Glass lid 28 см (040 90 128)',
            categoryCode: 'Master - Lids',
            categoryTitle: 'Крышки для посуды',
          },
        ],
      ],
    ]);
  });

  it("reads a real order's attributes: the seller's delivery cost, a customer without a name", () => {
    const [order] = parseOrderPage(real('orders_2024-09_attributes.json')).orders;
    expect(order).toMatchObject({
      code: '406352533',
      totalPrice: '21399.00',
      deliveryCost: '0.00',
      deliveryCostForSeller: '1231.00',
      createdAt: new Date(1725362998405),
      approvedAt: new Date(1725363063281),
      pickupPointId: '15843453_PP2',
      kaspiDelivery: true,
      customerName: null,
    });
  });

  it('a real order trimmed of its creationDate is KASPI_SHOP_BAD_RESPONSE naming the field and the order, never the customer', () => {
    const error = thrown(() => parseOrderPage(real('orders_2025-12_kaspi-delivery_trimmed.json')));
    expect(error.code).toBe('KASPI_SHOP_BAD_RESPONSE');
    expect(error.message).toContain('order 739463441 without attributes.creationDate');
    expect(error.message).not.toMatch(/Покупатель|7700000001|N3cw/);
  });

  it('an order without code names its position; an HTML page or a page without data is refused', () => {
    const doc = real('guide_orders.json');
    delete doc.data[0].attributes.code;
    expect(thrown(() => parseOrderPage(doc)).message).toContain('order data[0] without attributes.code');
    expect(thrown(() => parseOrderPage('<html></html>')).code).toBe('KASPI_SHOP_BAD_RESPONSE');
    expect(thrown(() => parseOrderPage({ errors: [] })).message).toMatch(/has no data array/);
  });
});
