// Kaspi city ids (KATO codes) and the names `--city` accepts. Values from reference/kaspi.md §0:
// 710000000 is Astana and 511010000 Shymkent (checked live by two projects; 770000000/730000000 are wrong).
import { UsageError } from '../core/errors.js';

export interface KaspiCity {
  id: string;
  name: string;
  /** Other spellings accepted by `--city` (lower case). */
  aliases: string[];
}

export const ALMATY_CITY_ID = '750000000';

export const KASPI_CITIES: readonly KaspiCity[] = [
  { id: '750000000', name: 'Almaty', aliases: ['алматы', 'alma-ata'] },
  { id: '710000000', name: 'Astana', aliases: ['астана', 'nur-sultan', 'nursultan'] },
  { id: '511010000', name: 'Shymkent', aliases: ['шымкент', 'chimkent'] },
  { id: '151010000', name: 'Aktobe', aliases: ['актобе'] },
  { id: '351010000', name: 'Karaganda', aliases: ['караганда', 'qaraghandy'] },
  { id: '231010000', name: 'Atyrau', aliases: ['атырау'] },
  { id: '311010000', name: 'Taraz', aliases: ['тараз'] },
  { id: '551010000', name: 'Pavlodar', aliases: ['павлодар'] },
  { id: '631010000', name: 'Ust-Kamenogorsk', aliases: ['усть-каменогорск', 'oskemen'] },
  { id: '391010000', name: 'Kostanay', aliases: ['костанай'] },
  { id: '431010000', name: 'Kyzylorda', aliases: ['кызылорда'] },
  { id: '271010000', name: 'Uralsk', aliases: ['уральск', 'oral'] },
  { id: '591010000', name: 'Petropavlovsk', aliases: ['петропавловск'] },
  { id: '471010000', name: 'Aktau', aliases: ['актау'] },
  { id: '191010000', name: 'Taldykorgan', aliases: ['талдыкорган'] },
  { id: '111010000', name: 'Kokshetau', aliases: ['кокшетау'] },
  { id: '632810000', name: 'Semey', aliases: ['семей'] },
  { id: '352410000', name: 'Temirtau', aliases: ['темиртау'] },
  { id: '552210000', name: 'Ekibastuz', aliases: ['экибастуз'] },
];

const byKey = new Map<string, string>();
for (const city of KASPI_CITIES) {
  byKey.set(city.id, city.id);
  byKey.set(city.name.toLowerCase(), city.id);
  for (const alias of city.aliases) byKey.set(alias, city.id);
}

/** A city id is all digits (the KATO code space); ids outside our list are passed through. */
export function isCityId(text: string): boolean {
  return /^\d{6,12}$/.test(text);
}

/** `--city` value (id or name, any case) → city id; an unknown name is a usage error. */
export function resolveCity(input: string): string {
  const key = input.trim().toLowerCase();
  const known = byKey.get(key);
  if (known) return known;
  if (isCityId(key)) return key;
  throw new UsageError('KASPI_BAD_CITY', `unknown city "${input}": use a city id such as 750000000 or a name such as almaty, astana, shymkent`);
}

export function cityName(id: string): string {
  return KASPI_CITIES.find((c) => c.id === id)?.name ?? id;
}
