/**
 * The demo's simulated customers: a name, a language and a WhatsApp number from one of the business's
 * markets. Every number is a valid mobile number of its country per libphonenumber-js/max (the metadata
 * chatledger validates contacts with), and carries the `wa_id` WhatsApp reports for it.
 *
 * Mexican numbers are sent as `52…`, not in the `521…` form WhatsApp still uses for many Mexican mobiles: the
 * webhook keys a contact by its `wa_id` as given (`+521…`) while the capture API normalises the same number
 * to `+52…` (src/domain/phone.ts), so the demo's bot messages would land in another thread than the
 * customer's. `waIdOf` is where the `521…` form goes once both paths key the number alike.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Random } from './random.js';

export type Lang = 'es' | 'pt' | 'en';
export type Country = 'ES' | 'MX' | 'AR' | 'CO' | 'BR' | 'PT' | 'US' | 'GB';

export interface Customer {
  /** Full name, as the WhatsApp profile shows it. */
  name: string;
  firstName: string;
  country: Country;
  lang: Lang;
  /** BCP 47 locale for numbers and money in the texts. */
  locale: string;
  currency: string;
  /** A city of the customer's country, for the stories. */
  city: string;
  /** E.164: how chatledger keys the contact. */
  phone: string;
  /** What WhatsApp sends as `wa_id` / `from` (international digits, no "+"). */
  waId: string;
}

interface Market {
  country: Country;
  /** Share of the customers. */
  weight: number;
  lang: Lang;
  /** A share of the customers of this market who write in another language (Spanish speakers in the US). */
  otherLang?: { lang: Lang; share: number };
  locale: string;
  currency: string;
  callingCode: string;
  /** National mobile prefixes; `digits` random digits follow. */
  prefixes: readonly string[];
  digits: number;
  /** The `wa_id` for a national number, when WhatsApp's differs from the E.164 digits. */
  waIdOf?: (national: string) => string;
  cities: readonly string[];
  names: readonly string[];
}

const MARKETS: readonly Market[] = [
  {
    country: 'ES',
    weight: 20,
    lang: 'es',
    locale: 'es-ES',
    currency: 'EUR',
    callingCode: '34',
    prefixes: ['6', '7'],
    digits: 8,
    cities: ['Madrid', 'Valencia', 'Sevilla', 'Bilbao', 'Málaga', 'Zaragoza'],
    names: [
      'Lucía García',
      'Javier Moreno',
      'María Fernández',
      'Álvaro Ruiz',
      'Nerea Etxeberria',
      'Sergio Muñoz',
      'Paula Jiménez',
      'Íñigo Sáez',
    ],
  },
  {
    country: 'MX',
    weight: 18,
    lang: 'es',
    locale: 'es-MX',
    currency: 'MXN',
    callingCode: '52',
    prefixes: ['55', '33', '81'],
    digits: 8,
    cities: ['Ciudad de México', 'Guadalajara', 'Monterrey', 'Puebla', 'Querétaro'],
    names: [
      'Ximena Castillo',
      'José Ramírez',
      'Valentina López',
      'Emiliano Hernández',
      'Renata Ortiz',
      'Diego Sánchez',
      'Fernanda Cruz',
    ],
  },
  {
    country: 'AR',
    weight: 6,
    lang: 'es',
    locale: 'es-AR',
    currency: 'USD',
    callingCode: '54',
    prefixes: ['911'],
    digits: 8,
    cities: ['Buenos Aires', 'Córdoba', 'Rosario'],
    names: ['Martina Álvarez', 'Facundo Pérez', 'Camila Romero', 'Tomás Giménez'],
  },
  {
    country: 'CO',
    weight: 6,
    lang: 'es',
    locale: 'es-CO',
    currency: 'COP',
    callingCode: '57',
    prefixes: ['300', '310', '315', '320'],
    digits: 7,
    cities: ['Bogotá', 'Medellín', 'Cali'],
    names: ['Andrés Gómez', 'Daniela Restrepo', 'Santiago Vargas', 'Mariana Ospina'],
  },
  {
    country: 'BR',
    weight: 16,
    lang: 'pt',
    locale: 'pt-BR',
    currency: 'BRL',
    callingCode: '55',
    prefixes: ['119', '219', '319', '419'],
    digits: 8,
    cities: ['São Paulo', 'Rio de Janeiro', 'Belo Horizonte', 'Curitiba'],
    names: [
      'João Silva',
      'Ana Beatriz Souza',
      'Pedro Oliveira',
      'Mariana Costa',
      'Gabriel Santos',
      'Larissa Almeida',
      'Thiago Araújo',
    ],
  },
  {
    country: 'PT',
    weight: 9,
    lang: 'pt',
    locale: 'pt-PT',
    currency: 'EUR',
    callingCode: '351',
    prefixes: ['91', '92', '93', '96'],
    digits: 7,
    cities: ['Lisboa', 'Porto', 'Braga', 'Coimbra'],
    names: ['Inês Ferreira', 'Tiago Rodrigues', 'Beatriz Martins', 'Rui Pereira', 'Leonor Gonçalves'],
  },
  {
    country: 'US',
    weight: 17,
    lang: 'en',
    otherLang: { lang: 'es', share: 0.25 },
    locale: 'en-US',
    currency: 'USD',
    callingCode: '1',
    prefixes: ['415', '212', '312', '305', '512'],
    digits: 7,
    cities: ['San Francisco', 'New York', 'Chicago', 'Miami', 'Austin'],
    names: [
      'Emily Johnson',
      'Michael Brown',
      'Olivia Smith',
      'James Wilson',
      'Ava Martinez',
      'Daniel Lee',
      'Carmen Delgado',
    ],
  },
  {
    country: 'GB',
    weight: 8,
    lang: 'en',
    locale: 'en-GB',
    currency: 'GBP',
    callingCode: '44',
    prefixes: ['74', '75', '77', '78', '79'],
    digits: 8,
    cities: ['London', 'Manchester', 'Bristol', 'Edinburgh'],
    names: ['Oliver Taylor', 'Charlotte Evans', 'Harry Walker', 'Amelia Hughes', 'Siobhan Kelly'],
  },
];

export const MARKET_COUNTRIES: readonly Country[] = MARKETS.map((market) => market.country);

/** The locale a customer of `country` writing in `lang` formats numbers with. */
function localeFor(market: Market, lang: Lang): string {
  if (lang === market.lang) return market.locale;
  return lang === 'es' ? 'es-US' : lang === 'pt' ? 'pt-BR' : 'en-US';
}

/** A valid mobile number of the market, not yet in `taken` (E.164 numbers). */
export function mobileNumber(
  random: Random,
  country: Country,
  taken: ReadonlySet<string> = new Set(),
): { phone: string; waId: string } {
  const market = marketOf(country);
  // A few draws at most: nearly every draw in these ranges is valid; the bound keeps the loop finite.
  for (let attempt = 0; attempt < 200; attempt++) {
    let national = random.pick(market.prefixes);
    for (let i = 0; i < market.digits; i++) {
      // North American exchange codes start with 2-9 and 555 is reserved for fiction.
      national += String(i === 0 && country === 'US' ? random.int(2, 9) : random.int(0, 9));
    }
    if (country === 'US' && national.slice(3, 6) === '555') continue;
    const phone = `+${market.callingCode}${national}`;
    if (taken.has(phone)) continue;
    const parsed = parsePhoneNumberFromString(phone);
    const type = parsed?.getType();
    if (
      parsed?.isValid() &&
      parsed.number === phone &&
      (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE')
    ) {
      return { phone, waId: market.waIdOf ? market.waIdOf(national) : phone.slice(1) };
    }
  }
  throw new Error(`no valid ${country} mobile number found in 200 draws`);
}

/** A new customer from one of the markets, by their weights; `taken` keeps numbers distinct within a run. */
export function newCustomer(random: Random, taken: Set<string>, country?: Country): Customer {
  const market = country
    ? marketOf(country)
    : random.weighted(MARKETS.map((each) => [each, each.weight] as const));
  const lang =
    market.otherLang && random.chance(market.otherLang.share) ? market.otherLang.lang : market.lang;
  const name =
    lang === market.lang
      ? random.pick(market.names)
      : random.pick(['Carmen Delgado', 'Luis Herrera', 'Rosa Medina']);
  const { phone, waId } = mobileNumber(random, market.country, taken);
  taken.add(phone);
  return {
    name,
    firstName: name.split(' ')[0] as string,
    country: market.country,
    lang,
    locale: localeFor(market, lang),
    currency: market.currency,
    city: random.pick(market.cities),
    phone,
    waId,
  };
}

/** "+34 612 34 56 78": how the terminal shows a number. */
export function displayPhone(phone: string): string {
  return parsePhoneNumberFromString(phone)?.formatInternational() ?? phone;
}

function marketOf(country: Country): Market {
  const market = MARKETS.find((each) => each.country === country);
  if (!market) throw new RangeError(`no demo market ${country}`);
  return market;
}
