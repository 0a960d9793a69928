/**
 * One short terminal line per thing that happens in the demo, so a new user sees who did what, live:
 * `10:02:03  #03 💬 Lucía 🇪🇸 +34 612 34 56 78: ¡Hola! Hice un pedido el lunes…`
 */
import { displayPhone, type Customer } from './customers.js';
import { BOT, type Action } from './scenario.js';

const MAX_TEXT = 90;

export type Print = (line: string) => void;

export class Narrator {
  constructor(
    private readonly print: Print,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  line(conversation: number | null, text: string): void {
    const time = this.clock().toTimeString().slice(0, 8);
    this.print(
      `${time}  ${conversation === null ? '   ' : `#${String(conversation + 1).padStart(2, '0')}`} ${text}`,
    );
  }

  /** What a step did, in a few words. `first`: the customer's first message, which names their number. */
  action(conversation: number, customer: Customer, action: Action, first: boolean): void {
    this.line(conversation, describe(customer, action, first));
  }
}

export function describe(customer: Customer, action: Action, first = false): string {
  const who = `${customer.firstName} ${flag(customer.country)}`;
  switch (action.kind) {
    case 'customer': {
      const text = quote(action.text);
      if (action.rating !== undefined)
        return `⭐ ${who} rates ${action.rating}/5: ${text} (+ csat.submitted)`;
      if (action.reopens) return `↩️  ${who} writes again after the resolution (reopens): ${text}`;
      if (action.button) return `👆 ${who} taps ${text}`;
      if (action.image) return `📷 ${who} sends a photo: ${text}`;
      return `💬 ${who}${first ? ` ${displayPhone(customer.phone)}` : ''}: ${text}`;
    }
    case 'bot':
      return `🤖 ${BOT.name} (bot)${action.survey ? ' asks for a rating' : ''}: ${quote(action.text)}${
        action.buttons ? ` [${action.buttons.map((button) => button.title).join(' | ')}]` : ''
      }`;
    case 'agent':
      return `🧑 ${action.agent.name} (${action.agent.team}): ${quote(action.text)}`;
    case 'handoff':
      return `🔀 handoff ${BOT.id} → ${action.agent.id} (team ${action.agent.team}): ${action.reason}`;
    case 'tag':
      return `🏷️  tagged "${action.tag}"${action.by ? ` by ${action.by.id}` : ''}`;
    case 'priority':
      return `❗ priority ${action.priority}${action.by ? ` by ${action.by.id}` : ''}`;
    case 'type':
      return `🗂️  type ${action.conversationType}${action.by ? ` by ${action.by.id}` : ''}`;
    case 'note':
      return `📝 internal note by ${action.agent.id}: ${quote(action.text)}`;
    case 'resolve':
      return `✅ resolved ${action.by ? `by ${action.by.id}` : 'by the bot'} (${action.resolutionType})`;
    case 'deal':
      return `💰 deal won by ${action.agent.id}: ${action.value} ${action.currency} (closed-won)`;
  }
}

const quote = (text: string) => {
  // Code points, not UTF-16 units: a cut must not split an emoji.
  const chars = [...text.replace(/\s+/g, ' ')];
  return `“${chars.length > MAX_TEXT ? `${chars.slice(0, MAX_TEXT - 1).join('')}…` : chars.join('')}”`;
};

/** The flag emoji of an ISO 3166 country code (two regional indicator symbols). */
const flag = (country: string) =>
  String.fromCodePoint(...[...country.toUpperCase()].map((char) => 0x1f1e6 + char.charCodeAt(0) - 65));
