/**
 * Plans the demo's conversations from one seed: conversation `n` of a stream always gets the same customer,
 * story, texts and delays. The live stream begins with one conversation of each story (the second one always
 * reopens), so the first minute shows every part of the product; history draws from the weighted mix.
 */
import { newCustomer, type Customer } from './customers.js';
import { deriveSeed, Random } from './random.js';
import type { ConversationPlan } from './scenario.js';
import { planStory, storyFor } from './stories.js';

export type PlanStream = 'live' | 'history';

export class ConversationPlanner {
  /** Numbers handed out so far: customers of one run never share a number by accident. */
  private readonly taken = new Set<string>();

  constructor(
    private readonly seed: number,
    private readonly stream: PlanStream,
  ) {}

  /** Conversation `index` of the stream; plan them in increasing order for the same customers every run. */
  plan(index: number, returning?: Customer): ConversationPlan {
    const random = new Random(deriveSeed(this.seed, this.stream, index));
    const story =
      this.stream === 'live' ? storyFor(index, random) : storyFor(Number.MAX_SAFE_INTEGER, random);
    const customer = returning ?? newCustomer(random, this.taken);
    return planStory(
      index,
      story,
      customer,
      random,
      this.stream === 'live' && index === 1 ? { reopen: true } : {},
    );
  }
}
