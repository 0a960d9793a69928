/**
 * Golden metrics: a hand-built week of WhatsApp conversations sent through the capture API, and the value
 * of every KPI worked out by hand next to the data. Runs on SQLite and PostgreSQL.
 *
 * Workspace: time zone Europe/Madrid; business hours Mon–Fri 09:00–13:00 and 14:00–18:00 (a lunch break);
 * rate card in EUR; template `csat_v1` is a CSAT survey. The week holds the end of summer time in Europe:
 * on Sunday 2026-10-25 clocks go back from 03:00 CEST (+02:00) to 02:00 CET (+01:00), so that local day
 * has 25 hours and 02:00–03:00 happens twice.
 *
 * The question: from=2026-10-19 to=2026-11-02 (two ISO weeks, local dates, `to` exclusive).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../src/projections/rebuild.js';
import { BACKENDS, startTestApp, type TestApp } from './support/backends.js';

const ES1 = '+34612000001'; // chat A
const ES2 = '+34612000002'; // chat B
const ES3 = '+34612000003'; // chat C
const MX1 = '+525512345678'; // chat D
const ES4 = '+34612000004'; // chat E
const ES5 = '+34612000005'; // chat F
const ES6 = '+34612000006'; // chat G

const t = (local: string) => new Date(local).toISOString();

type Props = Record<string, unknown>;
const ev = (event: string, userId: string | undefined, at: string, properties: Props, extra: Props = {}) => ({
  event,
  ...(userId ? { userId } : {}),
  timestamp: t(at),
  context: { channel: 'whatsapp' },
  properties,
  ...extra,
});
const inbound = (chatId: string, user: string, at: string, messageId: string, props: Props = {}) =>
  ev('message.received', user, at, { chatId, messageId, text: 'hola', ...props });
const agentSays = (
  chatId: string,
  user: string,
  at: string,
  messageId: string,
  agentId: string,
  props: Props = {},
) => ev('message.sent', user, at, { chatId, messageId, agentId, ...props });
const botSays = (chatId: string, user: string, at: string, messageId: string, props: Props = {}) =>
  ev('message.sent', user, at, { chatId, messageId, agentId: 'faq-bot', serviceMode: 'bot', ...props });
const status = (
  kind: 'delivered' | 'read' | 'failed',
  user: string,
  at: string,
  messageId: string,
  props: Props = {},
) => ev(`message.${kind}`, user, at, { messageId, ...props });
const chatEvent = (event: string, at: string, properties: Props, actor?: { type: string; id: string }) => ({
  event,
  timestamp: t(at),
  context: { channel: 'whatsapp', ...(actor ? { actor } : {}) },
  properties,
});
const resolvedBy = (chatId: string, at: string, actor: { type: string; id: string }) =>
  chatEvent('chat.resolved', at, { chatId, resolutionType: 'answered' }, actor);
const csat = (chatId: string, user: string, at: string, rating: number, scale: number) =>
  ev('csat.submitted', user, at, { chatId, rating, scale });
const pricing = (category: string, billable = true) => ({
  pricing: { billable, category, pricing_model: 'PMP' },
});

/*
 * Chat A — bot only (ES1), Thursday 2026-10-22, CEST.
 *   10:00:00 customer a1        turn 1 starts
 *   10:00:05 bot a2             bot first response 5 s; bot reply 5 s. The bot engages: owner faq-bot
 *   10:02:00 customer a3        turn 2
 *   10:02:03 bot a4             bot reply 3 s
 *   10:05:00 resolved by the bot → ended, bot-only; resolution 300 s (business 300 s); length 4 messages
 *   10:06:00 bot survey aS (csatSurvey)
 *   10:07:00 the customer answers "🙂" on WhatsApp: a rating of 4 (positive) for the ended cycle, credited to
 *            faq-bot — a reply to the survey, so it neither reopens the chat nor counts in its length
 *   statuses: a2 delivered + read (utility? no pricing); a4 delivered (sent twice: one counts); aS nothing
 */
const chatA = [
  inbound('A', ES1, '2026-10-22T10:00:00+02:00', 'a1'),
  botSays('A', ES1, '2026-10-22T10:00:05+02:00', 'a2'),
  inbound('A', ES1, '2026-10-22T10:02:00+02:00', 'a3'),
  botSays('A', ES1, '2026-10-22T10:02:03+02:00', 'a4'),
  resolvedBy('A', '2026-10-22T10:05:00+02:00', { type: 'bot', id: 'faq-bot' }),
  botSays('A', ES1, '2026-10-22T10:06:00+02:00', 'aS', { csatSurvey: true }),
  inbound('A', ES1, '2026-10-22T10:07:00+02:00', 'a5', { text: '🙂' }),
  status('delivered', ES1, '2026-10-22T10:00:06+02:00', 'a2'),
  status('read', ES1, '2026-10-22T10:00:30+02:00', 'a2'),
  status('delivered', ES1, '2026-10-22T10:02:04+02:00', 'a4'),
];

/*
 * Chat B — bot → agent handoff, a reply by someone else than the assignee (ES2), Thursday, CEST.
 *   10:30:00 customer b1        turn 1
 *   10:30:10 bot b2             bot first response 10 s; bot reply 10 s; owner faq-bot
 *   10:31:00 customer b3        turn 2 starts
 *   10:31:30 handoff bot → agent ana, team support: the cycle now waits for a human (from 10:31:30)
 *   10:35:30 bob b4             FIRST RESPONSE 240 s, credited to bob (who replied), not ana (the owner);
 *                               agent reply 270 s (turn 2 began 10:31:00), bob
 *   10:40:00 customer b5        turn 3
 *   10:42:00 ana b6             agent reply 120 s, ana
 *   10:45:00 tagged "refund"
 *   10:50:00 resolved by ana → resolution 1200 s, credited to ana (owner at the end), team support;
 *                               assisted; length 6
 *   10:55:00 ana's survey bS (csatSurvey)
 *   11:00:00 rating 9 of 10 → 1 + round(4·8/9) = 5 → positive, credited to ana / support
 *   statuses: b2 delivered + read; b4 READ WITHOUT DELIVERED (still counts as delivered);
 *             b6 delivered twice (duplicate) with pricing service/not billable, and its read arrives LATE
 *             (second batch); bS delivered
 */
const chatB = [
  inbound('B', ES2, '2026-10-22T10:30:00+02:00', 'b1'),
  botSays('B', ES2, '2026-10-22T10:30:10+02:00', 'b2'),
  inbound('B', ES2, '2026-10-22T10:31:00+02:00', 'b3'),
  chatEvent('agent.handoff', '2026-10-22T10:31:30+02:00', {
    chatId: 'B',
    fromMode: 'bot',
    toMode: 'agent',
    agentId: 'ana',
    teamId: 'support',
    handoffReason: 'asked for a person',
  }),
  agentSays('B', ES2, '2026-10-22T10:35:30+02:00', 'b4', 'bob'),
  inbound('B', ES2, '2026-10-22T10:40:00+02:00', 'b5'),
  agentSays('B', ES2, '2026-10-22T10:42:00+02:00', 'b6', 'ana'),
  chatEvent('chat.tagged', '2026-10-22T10:45:00+02:00', { chatId: 'B', tag: 'refund' }),
  resolvedBy('B', '2026-10-22T10:50:00+02:00', { type: 'agent', id: 'ana' }),
  agentSays('B', ES2, '2026-10-22T10:55:00+02:00', 'bS', 'ana', { csatSurvey: true }),
  csat('B', ES2, '2026-10-22T11:00:00+02:00', 9, 10),
  status('delivered', ES2, '2026-10-22T10:30:11+02:00', 'b2'),
  status('read', ES2, '2026-10-22T10:30:40+02:00', 'b2'),
  status('read', ES2, '2026-10-22T10:36:00+02:00', 'b4'),
  status('delivered', ES2, '2026-10-22T10:42:05+02:00', 'b6', pricing('service', false)),
  status('delivered', ES2, '2026-10-22T10:55:02+02:00', 'bS'),
];

/*
 * Chat C — a sale won over a WEEKEND under business hours, then a reopen (ES3). Fri 2026-10-23 (CEST) to
 * Mon 2026-10-26 (CET, after the clocks went back).
 *   Fri 17:30 (15:30Z) customer c1; 17:31 assigned carla / sales; 17:32 type opportunity; 17:33 tag vip
 *   Fri 17:50 (15:50Z) carla c2   first response 1200 s (business 1200 s: 17:30–17:50 is open);
 *                                 agent reply 1200 s; c2 carries a tracked link nobody clicks
 *   Fri 17:55 (15:55Z) customer c3 — sent LATE (second batch): until it arrives c4 answers no turn
 *   Mon 09:30 CET (08:30Z) carla c4
 *                                 agent reply 15:55Z Fri → 08:30Z Mon = 64 h 35 min = 232500 s;
 *                                 business: Fri 17:55–18:00 (300 s) + Mon 09:00–09:30 (1800 s) = 2100 s
 *   Mon 10:00 CET (09:00Z) deal won, 1200 EUR → the cycle ends closed-won:
 *                                 resolution 15:30Z Fri → 09:00Z Mon = 65.5 h = 235800 s;
 *                                 business: Fri 17:30–18:00 (1800 s) + Mon 09:00–10:00 (3600 s) = 5400 s;
 *                                 a sale won, revenue 1200, credited to carla; length 4 (c1–c4)
 *   Mon 11:00 CET (10:00Z) customer c5 → REOPEN (within 48 h), dated now, credited to carla (owner at the
 *                                 end of the reopened cycle); cycle 2 starts. Not a sale: its deal was won
 *                                 before it began.
 *   Mon 11:10 (10:10Z) carla c6   first response of cycle 2: 600 s (business 600 s); agent reply 600 s
 *   Mon 11:30 (10:30Z) resolved by carla → resolution 1800 s (business 1800 s); length 2
 *   Mon 11:35 carla's survey cS; 11:40 rating 2 of 3 → 1 + round(4·1/2) = 3 → not positive (cycle 2, carla)
 *   statuses: c2 delivered + read; c4 delivered with pricing utility (billable, ES: 0.02 EUR);
 *             c6 read then delivered (the delivered arrives late, second batch); cS nothing
 */
const chatC = [
  inbound('C', ES3, '2026-10-23T17:30:00+02:00', 'c1'),
  chatEvent('chat.assigned', '2026-10-23T17:31:00+02:00', { chatId: 'C', agentId: 'carla', teamId: 'sales' }),
  chatEvent('chat.type_changed', '2026-10-23T17:32:00+02:00', {
    chatId: 'C',
    conversationType: 'opportunity',
  }),
  chatEvent('chat.tagged', '2026-10-23T17:33:00+02:00', { chatId: 'C', tag: 'vip' }),
  agentSays('C', ES3, '2026-10-23T17:50:00+02:00', 'c2', 'carla', { trackedLink: true }),
  agentSays('C', ES3, '2026-10-26T09:30:00+01:00', 'c4', 'carla'),
  chatEvent('deal.updated', '2026-10-26T10:00:00+01:00', {
    chatId: 'C',
    stage: 'won',
    value: 1200,
    currency: 'EUR',
  }),
  inbound('C', ES3, '2026-10-26T11:00:00+01:00', 'c5'),
  agentSays('C', ES3, '2026-10-26T11:10:00+01:00', 'c6', 'carla'),
  resolvedBy('C', '2026-10-26T11:30:00+01:00', { type: 'agent', id: 'carla' }),
  agentSays('C', ES3, '2026-10-26T11:35:00+01:00', 'cS', 'carla', { csatSurvey: true }),
  csat('C', ES3, '2026-10-26T11:40:00+01:00', 2, 3),
  status('delivered', ES3, '2026-10-23T17:50:02+02:00', 'c2'),
  status('read', ES3, '2026-10-23T17:51:00+02:00', 'c2'),
  status('delivered', ES3, '2026-10-26T09:30:02+01:00', 'c4', pricing('utility')),
  status('read', ES3, '2026-10-26T11:12:00+01:00', 'c6'),
];
const lateC3 = inbound('C', ES3, '2026-10-23T17:55:00+02:00', 'c3');

/*
 * Chat D — across the DST CHANGE (MX1, a Mexican number), Sunday 2026-10-25 in Madrid time.
 *   Oct 24 23:30Z = Sun 01:30 CEST   customer d1 (from an ad, utm campaign "autumn"); 23:31Z assigned ana
 *   Oct 25 01:30Z = Sun 02:30 CET    ana d2 — the SECOND 02:30 of the night:
 *                                    first response 01:30Z − 23:30Z = 2 h = 7200 s (the wall clock shows
 *                                    only one hour); business 0 s (Sunday); agent reply 7200 s
 *   Oct 25 01:40Z = 02:40 CET        resolved by ana → resolution 7800 s (business 0 s); length 2
 *   01:45Z template survey dS (csat_v1, a survey by the workspace setting); 01:50Z rating 1 of 5 → 1
 *   statuses: d2 delivered + read; dS delivered (pricing utility, MX: no MX rate, the 0.02 default) + read
 *   03:00 CET the customer opts out, 03:05 back in: not an opt-out of the period
 */
const chatD = [
  inbound('D', MX1, '2026-10-25T01:30:00+02:00', 'd1', { source: 'ad', utm_campaign: 'autumn' }),
  chatEvent('chat.assigned', '2026-10-24T23:31:00Z', { chatId: 'D', agentId: 'ana' }),
  agentSays('D', MX1, '2026-10-25T02:30:00+01:00', 'd2', 'ana'),
  resolvedBy('D', '2026-10-25T02:40:00+01:00', { type: 'agent', id: 'ana' }),
  ev('message.sent', MX1, '2026-10-25T02:45:00+01:00', {
    chatId: 'D',
    messageId: 'dS',
    templateId: 'csat_v1',
  }),
  csat('D', MX1, '2026-10-25T02:50:00+01:00', 1, 5),
  status('delivered', MX1, '2026-10-25T02:30:01+01:00', 'd2'),
  status('read', MX1, '2026-10-25T02:31:00+01:00', 'd2'),
  status('delivered', MX1, '2026-10-25T02:45:01+01:00', 'dS', pricing('utility')),
  status('read', MX1, '2026-10-25T02:46:00+01:00', 'dS'),
  ev('contact.opted_out', MX1, '2026-10-25T03:00:00+01:00', {}),
  ev('contact.opted_in', MX1, '2026-10-25T03:05:00+01:00', {}),
];

/*
 * Chat E — a sale LOST across the LUNCH BREAK (ES4), Tuesday 2026-10-27, CET.
 *   12:50 customer e1 (from the web); 12:51 assigned dora / sales; 12:52 priority P1
 *   14:10 dora e2         first response 80 min = 4800 s; business 12:50–13:00 + 14:00–14:10 = 1200 s;
 *                         agent reply 4800 s
 *   14:20 deal proposal 500 EUR; 14:30 deal lost → ended closed-lost: resolution 100 min = 6000 s,
 *                         business 600 + 1800 = 2400 s; a sale lost (dora); length 2
 *   14:35 dora's survey eS (fails); 14:40 rating 7 of 10 → 1 + round(4·6/9) = 4 → positive (dora)
 *   statuses: e2 delivered with pricing authentication (billable, no rate: unpriced); eS failed
 */
const chatE = [
  inbound('E', ES4, '2026-10-27T12:50:00+01:00', 'e1', { source: 'web' }),
  chatEvent('chat.assigned', '2026-10-27T12:51:00+01:00', { chatId: 'E', agentId: 'dora', teamId: 'sales' }),
  chatEvent('chat.priority_changed', '2026-10-27T12:52:00+01:00', { chatId: 'E', priority: 'P1' }),
  agentSays('E', ES4, '2026-10-27T14:10:00+01:00', 'e2', 'dora'),
  chatEvent('deal.updated', '2026-10-27T14:20:00+01:00', {
    chatId: 'E',
    stage: 'proposal',
    value: 500,
    currency: 'EUR',
  }),
  chatEvent('deal.updated', '2026-10-27T14:30:00+01:00', { chatId: 'E', outcome: 'lost' }),
  agentSays('E', ES4, '2026-10-27T14:35:00+01:00', 'eS', 'dora', { csatSurvey: true }),
  csat('E', ES4, '2026-10-27T14:40:00+01:00', 7, 10),
  status('delivered', ES4, '2026-10-27T14:10:02+01:00', 'e2', pricing('authentication')),
  status('failed', ES4, '2026-10-27T14:35:05+01:00', 'eS', { error: { code: 131026 } }),
];

/*
 * Chats F and G — campaign promo-oct's templates open conversations on another number, "promo-line",
 * Thursday CEST. Both stay open, unattended and unowned.
 *   12:00 template f1 to ES5, with a tracked link (automated: not a reply); 12:01 template f2 (fails)
 *   12:02 template g1 to ES6, with a tracked link
 *   12:10 ES5 clicks f1's link, 12:11 clicks it again (another link): one clicked message
 *   12:30 customer f3 — nobody answers; 12:40 ES5 opts out
 *   ES6 never writes
 *   statuses: f1 delivered with pricing marketing (billable, ES: 0.0509 EUR) + read; f2 failed;
 *             g1 delivered with pricing marketing (0.0509 EUR), never read
 */
const onPromo = <T extends { context: Props }>(event: T) => ({
  ...event,
  context: { channel: 'promo-line' },
});
const chatF = [
  ev('message.sent', ES5, '2026-10-22T12:00:00+02:00', {
    messageId: 'f1',
    templateId: 'promo_oct',
    campaignId: 'promo-oct',
    trackedLink: true,
  }),
  ev('message.sent', ES5, '2026-10-22T12:01:00+02:00', {
    messageId: 'f2',
    templateId: 'promo_oct',
    campaignId: 'promo-oct',
  }),
  ev('message.received', ES5, '2026-10-22T12:30:00+02:00', { messageId: 'f3', text: 'info?' }),
  status('delivered', ES5, '2026-10-22T12:00:03+02:00', 'f1', pricing('marketing')),
  status('read', ES5, '2026-10-22T12:05:00+02:00', 'f1'),
  status('failed', ES5, '2026-10-22T12:01:04+02:00', 'f2', { error: { code: 131049 } }),
  ev('link.clicked', ES5, '2026-10-22T12:10:00+02:00', {
    messageId: 'f1',
    url: 'https://shop.example/promo',
  }),
  ev('link.clicked', ES5, '2026-10-22T12:11:00+02:00', { messageId: 'f1', url: 'https://shop.example/size' }),
  ev('contact.opted_out', ES5, '2026-10-22T12:40:00+02:00', {}),
  ev('message.sent', ES6, '2026-10-22T12:02:00+02:00', {
    messageId: 'g1',
    templateId: 'promo_oct',
    campaignId: 'promo-oct',
    trackedLink: true,
  }),
  status('delivered', ES6, '2026-10-22T12:02:05+02:00', 'g1', pricing('marketing')),
].map(onPromo);

/** Late and repeated input: the second and third batches. */
const secondBatch = [
  lateC3,
  status('read', ES2, '2026-10-22T10:43:00+02:00', 'b6'), // b6's read, late
  status('delivered', ES3, '2026-10-26T11:11:00+01:00', 'c6'), // c6's delivered after its read
  status('delivered', ES1, '2026-10-22T10:02:04+02:00', 'a4'), // a4 delivered again: a duplicate
  status('delivered', ES2, '2026-10-22T10:42:05+02:00', 'b6', pricing('service', false)), // again
];
const thirdBatch = [...chatB.slice(0, 4), ...chatD.slice(0, 3)]; // webhook retries: all duplicates

const PERIOD = 'from=2026-10-19&to=2026-11-02';

/*
 * ---- Expected figures for the whole period (wall time) ----
 * conversations 7 (A–G) · cyclesOpened 8 (+ C's reopen) · cyclesEnded 6 (A B C1 C2 D E; F and G are open)
 * firstResponse: 240 (B, bob) 1200 (C1) 600 (C2) 7200 (D) 4800 (E) → sorted 240 600 1200 4800 7200;
 *   avg 14040/5 = 2808; p50 = 1200; p90: rank 0.9·4 = 3.6 → 4800 + 0.6·2400 = 6240
 * botFirstResponse: 5 (A) 10 (B) → avg 7.5, p50 7.5, p90 5 + 0.9·5 = 9.5
 * agentResponse: 270 120 (B) 1200 232500 (C1) 600 (C2) 7200 (D) 4800 (E) → sorted
 *   120 270 600 1200 4800 7200 232500; avg 246690/7 = 35241.43; p50 1200; p90: rank 5.4 → 7200 + 0.4·225300 = 97320
 * botResponse: 5 3 (A) 10 (B) → avg 6, p50 5, p90: rank 1.8 → 5 + 0.8·5 = 9
 * resolution: 300 (A) 1200 (B) 235800 (C1) 1800 (C2) 7800 (D) 6000 (E) → sorted 300 1200 1800 6000 7800 235800;
 *   avg 252900/6 = 42150; p50: rank 2.5 → 3900; p90: rank 4.5 → 7800 + 0.5·228000 = 121800
 * reopenRate 1 reopen / 6 ended = 16.67 %
 * csat: 5 ratings (A 4 by WhatsApp reply, B 5, C2 3, D 1, E 4), 3 positive → score 60;
 *   surveys aS bS cS dS eS = 5 → response 100 %
 * conversion: sales C1 (won 1200) and E (lost) → 2, won 1, lost 1, rate 50, revenue 1200
 * messages: received a1 a3 a5 b1 b3 b5 c1 c3 c5 d1 e1 f3 = 12;
 *   sent a2 a4 aS b2 b4 b6 bS c2 c4 c6 cS d2 dS e2 eS f1 f2 g1 = 18;
 *   delivered a2 a4 b2 b4 b6 bS c2 c4 c6 d2 dS e2 f1 g1 = 14; read a2 b2 b4 b6 c2 c6 d2 dS f1 = 9; failed eS f2 = 2;
 *   deliveryRate 14/18, readRate 9/18 = 50, openRate 9/14, replyRate 12/18 (× 100)
 * contacts.new 7 · selfServe botOnly 1 (A), assisted 5
 * length: 4 (A) 6 (B) 4 (C1) 2 (C2) 2 (D) 2 (E) → avg 20/6, p50 3, p90: rank 4.5 → 5
 * cost: billable f1 g1 (marketing ES 0.0509 each), c4 (utility 0.02), dS (utility MX → 0.02), e2
 *   (authentication: unpriced) → billable 5, unpriced 1, total 0.1418 EUR, byCategory marketing 0.1018,
 *   utility 0.04; CPA 0.1418 / 1 sale won
 * engagement: contacts messaged ES1–ES6 and MX1 = 7; of them wrote: all but ES6 = 6 → response rate 600/7;
 *   opt-outs: ES5 (MX1 opted back in) = 1 → 100/7; delivered messages with a tracked link: c2 f1 g1 = 3,
 *   clicked: f1 (twice, counted once) = 1 → CTR 100/3
 * sla: none yet
 */
const duration = (count: number, avg: number | null, p50: number | null, p90: number | null) => ({
  count,
  avg,
  p50,
  p90,
});

describe.each(BACKENDS)('golden metrics on %s', (backend) => {
  let test: TestApp;
  let secret: Record<string, string>;
  const capture = async (batch: unknown[]) => {
    const response = await test.post(
      '/v1/capture',
      { batch },
      { authorization: `Bearer ${test.workspace.writeKey}` },
    );
    expect(response.status).toBe(200);
    expect(response.body.rejected).toEqual([]);
    return response.body as { accepted: number; duplicates: number };
  };
  const metrics = async (query: string) => {
    const response = await test.get(`/api/v1/metrics?${query}`, secret);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.rows as { key: string | null; metrics: any }[];
  };
  const total = async (query = '') => (await metrics(`${PERIOD}${query}`))[0]!.metrics;

  beforeAll(async () => {
    test = await startTestApp(backend);
    secret = { authorization: `Bearer ${test.workspace.secretKey}` };
    await capture([...chatA, ...chatB, ...chatC, ...chatD, ...chatE, ...chatF]);
    repliesBeforeLateMessage = (await total()).agentResponse.count;
    arrivals.push(await capture(secondBatch), await capture(thirdBatch));
    // The settings change after the data came in: the business-hours figures are re-measured.
    const patch = await fetch(`${test.baseUrl}/api/v1/workspace/settings`, {
      method: 'PATCH',
      headers: { ...secret, 'content-type': 'application/json' },
      body: JSON.stringify({
        timeZone: 'Europe/Madrid',
        businessHours: {
          timeZone: 'Europe/Madrid',
          weekly: Object.fromEntries(
            ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
              day,
              [
                { start: '09:00', end: '13:00' },
                { start: '14:00', end: '18:00' },
              ],
            ]),
          ),
        },
        rateCard: {
          currency: 'EUR',
          rates: [
            { category: 'marketing', country: 'ES', price: 0.0509 },
            { category: 'marketing', price: 0.0625 },
            { category: 'utility', price: 0.02 },
          ],
        },
        csatSurveyTemplates: ['csat_v1'],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(patch.status).toBe(200);
  });
  afterAll(() => test.close());
  let repliesBeforeLateMessage = 0;
  const arrivals: { accepted: number; duplicates: number }[] = [];

  it('is corrected by a late message: a reply that answered nothing answers the turn that arrived late', async () => {
    // Before c3 arrives, c4 (Monday) answers no customer turn: 6 agent replies, not 7.
    expect(repliesBeforeLateMessage).toBe(6);
    expect(arrivals).toMatchObject([
      { accepted: 3, duplicates: 2 },
      { accepted: 0, duplicates: 7 },
    ]);
    expect((await total()).agentResponse.count).toBe(7);
  });

  it('gives every figure of the period as worked out by hand', async () => {
    const m = await total();
    expect(m.conversations).toBe(7);
    expect(m.cyclesOpened).toBe(8);
    expect(m.cyclesEnded).toBe(6);
    expect(m.firstResponse).toEqual(duration(5, 2808, 1200, 6240));
    expect(m.botFirstResponse).toEqual(duration(2, 7.5, 7.5, 9.5));
    expect(m.agentResponse.count).toBe(7);
    expect(m.agentResponse.avg).toBeCloseTo(246690 / 7, 9);
    expect(m.agentResponse.p50).toBe(1200);
    expect(m.agentResponse.p90).toBeCloseTo(97320, 9);
    expect(m.botResponse).toEqual(duration(3, 6, 5, 9));
    expect(m.resolution).toEqual(duration(6, 42150, 3900, 121800));
    expect(m.reopenRate).toBe(100 / 6);
    expect(m.csat).toEqual({ ratings: 5, positive: 3, score: 60, responseRate: 100 });
    expect(m.conversion).toEqual({ sales: 2, won: 1, lost: 1, rate: 50, revenue: 1200 });
    expect(m.sla).toEqual({
      applicable: 0,
      met: 0,
      compliance: null,
      firstHit: null,
      nextHit: null,
      resolutionHit: null,
    });
    expect(m.messages).toEqual({
      received: 12,
      sent: 18,
      delivered: 14,
      read: 9,
      failed: 2,
      deliveryRate: 1400 / 18,
      readRate: 50,
      openRate: 900 / 14,
      replyRate: 1200 / 18,
    });
    expect(m.contacts).toEqual({ new: 7 });
    expect(m.selfServe).toEqual({ botOnly: 1, assisted: 5 });
    expect(m.length.count).toBe(6);
    expect(m.length.avg).toBeCloseTo(20 / 6, 12);
    expect([m.length.p50, m.length.p90]).toEqual([3, 5]);
    expect(m.cost).toMatchObject({ currency: 'EUR', billable: 5, unpriced: 1 });
    expect(m.cost.total).toBeCloseTo(0.1418, 12);
    expect(m.cost.byCategory.marketing).toBeCloseTo(0.1018, 12);
    expect(m.cost.byCategory.utility).toBeCloseTo(0.04, 12);
    expect(m.cost.cpa).toBe(m.cost.total);
    expect(m.engagement).toEqual({
      contactsMessaged: 7,
      contactsReplied: 6,
      responseRate: 600 / 7,
      optOuts: 1,
      optOutRate: 100 / 7,
      linkMessages: 3,
      clicked: 1,
      ctr: 100 / 3,
    });
  });

  it('measures durations in business hours: a weekend, a lunch break and a Sunday count nothing', async () => {
    const m = await total('&businessHours=true');
    // firstResponse: 240 (B) 1200 (C1) 600 (C2) 0 (D, Sunday) 1200 (E, lunch) → sorted 0 240 600 1200 1200
    //   avg 3240/5 = 648; p50 600; p90: rank 3.6 → 1200
    expect(m.firstResponse).toEqual(duration(5, 648, 600, 1200));
    // agentResponse: 270 120 (B) 1200 2100 (C1: 5 min on Friday + 30 min on Monday) 600 (C2) 0 (D) 1200 (E)
    //   sorted 0 120 270 600 1200 1200 2100 → avg 5490/7; p50 600; p90: rank 5.4 → 1200 + 0.4·900 = 1560
    expect(m.agentResponse.count).toBe(7);
    expect(m.agentResponse.avg).toBeCloseTo(5490 / 7, 9);
    expect(m.agentResponse.p50).toBe(600);
    expect(m.agentResponse.p90).toBeCloseTo(1560, 9);
    // resolution: 300 1200 5400 (C1: 30 min Friday + 60 min Monday) 1800 0 (D) 2400 (E) →
    //   sorted 0 300 1200 1800 2400 5400; avg 11100/6 = 1850; p50 1500; p90: rank 4.5 → 3900
    expect(m.resolution).toEqual(duration(6, 1850, 1500, 3900));
    // Bot replies came within business hours: unchanged.
    expect(m.botResponse).toEqual(duration(3, 6, 5, 9));
    // Counts and rates do not depend on the clock.
    expect(m.cyclesEnded).toBe(6);
  });

  it('credits replies to the replying agent and resolutions to the owner at the end', async () => {
    const rows = await metrics(`${PERIOD}&groupBy=agent`);
    const byAgent = Object.fromEntries(rows.map((row) => [String(row.key), row.metrics]));
    expect(rows.map((row) => row.key)).toEqual(['ana', 'bob', 'carla', 'dora', 'faq-bot', null]);
    // bob answered B once, owned nothing.
    expect(byAgent.bob.firstResponse).toEqual(duration(1, 240, 240, 240));
    expect(byAgent.bob.agentResponse).toEqual(duration(1, 270, 270, 270));
    expect([byAgent.bob.conversations, byAgent.bob.cyclesEnded, byAgent.bob.resolution.count]).toEqual([
      0, 0, 0,
    ]);
    // ana: owner at the end of B and D; first response only in D (bob was first in B); replies B3 and D.
    expect(byAgent.ana).toMatchObject({ conversations: 2, cyclesOpened: 2, cyclesEnded: 2 });
    expect(byAgent.ana.firstResponse).toEqual(duration(1, 7200, 7200, 7200));
    expect(byAgent.ana.agentResponse).toEqual(duration(2, 3660, 3660, 6492));
    expect(byAgent.ana.resolution).toEqual(duration(2, 4500, 4500, 7140));
    expect(byAgent.ana.csat).toMatchObject({ ratings: 2, positive: 1, score: 50 });
    // carla: both cycles of C, the reopen, the sale.
    expect(byAgent.carla).toMatchObject({
      conversations: 1,
      cyclesOpened: 2,
      cyclesEnded: 2,
      reopenRate: 50,
    });
    expect(byAgent.carla.conversion).toEqual({ sales: 1, won: 1, lost: 0, rate: 100, revenue: 1200 });
    expect(byAgent.carla.firstResponse).toEqual(duration(2, 900, 900, 1140));
    // dora: the lost sale.
    expect(byAgent.dora.conversion).toEqual({ sales: 1, won: 0, lost: 1, rate: 0, revenue: 0 });
    // The bot: its two first responses, its self-served cycle.
    expect(byAgent['faq-bot'].botFirstResponse).toEqual(duration(2, 7.5, 7.5, 9.5));
    expect(byAgent['faq-bot'].selfServe).toEqual({ botOnly: 1, assisted: 0 });
    // The WhatsApp reply "🙂" to A's survey: a positive rating credited to the bot that owned A.
    expect(byAgent['faq-bot'].csat).toMatchObject({ ratings: 1, positive: 1, score: 100 });
    expect(byAgent['faq-bot'].length).toEqual(duration(1, 4, 4, 4));
    // Nobody owns F and G, the open campaign conversations.
    expect(byAgent.null).toMatchObject({ conversations: 2, cyclesOpened: 2, cyclesEnded: 0 });
    // Contacts have no agent.
    expect(byAgent.ana.contacts).toEqual({ new: null });
  });

  it('buckets by local day across the DST change, and puts the second 02:30 in its own hour', async () => {
    const rows = await metrics(`${PERIOD}&groupBy=day`);
    expect(rows.map((row) => row.key)).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
      '2026-10-27',
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
    const day = Object.fromEntries(rows.map((row) => [row.key, row.metrics]));
    // Thursday: A, B, F, G start; A and B end; B's first response; A's and B's bot first responses.
    expect(day['2026-10-22']).toMatchObject({ conversations: 4, cyclesOpened: 4, cyclesEnded: 2 });
    expect(day['2026-10-22'].messages).toMatchObject({ received: 7, sent: 10 });
    expect(day['2026-10-22'].firstResponse.count).toBe(1);
    // Saturday: nothing, though D began at 23:30Z that Saturday (01:30 on Sunday in Madrid).
    expect(day['2026-10-24']).toMatchObject({ conversations: 0, cyclesOpened: 0 });
    expect(day['2026-10-24'].messages.received).toBe(0);
    // Sunday, 25 hours long: all of D.
    expect(day['2026-10-25']).toMatchObject({ conversations: 1, cyclesEnded: 1 });
    expect(day['2026-10-25'].firstResponse).toEqual(duration(1, 7200, 7200, 7200));
    expect(day['2026-10-25'].messages).toMatchObject({ received: 1, sent: 2 });
    // Monday: C's Monday reply, its won end, the reopen (dated by the reopening message) and cycle 2.
    expect(day['2026-10-26']).toMatchObject({ cyclesOpened: 1, cyclesEnded: 2, reopenRate: 50 });
    expect(day['2026-10-26'].agentResponse.count).toBe(2);
    expect(day['2026-10-26'].conversion).toMatchObject({ sales: 1, won: 1 });
    // Friday: C's start, first response and first reply.
    expect(day['2026-10-23'].firstResponse).toEqual(duration(1, 1200, 1200, 1200));

    const hours = await metrics('from=2026-10-25&to=2026-10-26&groupBy=hour');
    expect(hours).toHaveLength(25);
    const hour = Object.fromEntries(hours.map((row) => [row.key, row.metrics]));
    expect(hour['2026-10-25T02+01:00'].firstResponse.count).toBe(1);
    expect(hour['2026-10-25T02'].firstResponse.count).toBe(0);
    expect(hour['2026-10-25T01'].conversations).toBe(1);

    const weeks = await metrics(`${PERIOD}&groupBy=week`);
    expect(weeks.map((row) => [row.key, row.metrics.conversations])).toEqual([
      ['2026-W43', 6],
      ['2026-W44', 1],
    ]);
    const peak = await metrics(`${PERIOD}&groupBy=weekday-hour`);
    expect(peak).toHaveLength(168);
    // Inbound messages on Thursdays at 10:xx: a1 a3 a5 b1 b3 b5.
    expect(peak.find((row) => row.key === '4-10')?.metrics.messages.received).toBe(6);
  });

  it('filters by every dimension', async () => {
    const carla = await total('&agent=carla');
    expect(carla).toMatchObject({ conversations: 1, cyclesOpened: 2, cyclesEnded: 2 });
    const sales = await total('&team=sales');
    // C (two cycles) and E; ratings of C2 and E are credited to team sales.
    expect(sales).toMatchObject({ cyclesOpened: 3, cyclesEnded: 3 });
    expect(sales.csat).toMatchObject({ ratings: 2, positive: 1 });
    expect(sales.conversion).toMatchObject({ sales: 2, won: 1, lost: 1 });
    expect((await total('&type=opportunity')).cyclesEnded).toBe(2);
    expect((await total('&tag=vip')).cyclesEnded).toBe(2);
    expect((await total('&tag=refund')).cyclesEnded).toBe(1);
    expect((await total('&priority=p1')).resolution).toEqual(duration(1, 6000, 6000, 6000));
    const ad = await total('&source=ad');
    expect(ad).toMatchObject({ conversations: 1 });
    expect(ad.firstResponse.p50).toBe(7200);
    expect((await total('&campaign=autumn')).conversations).toBe(1);
    const promo = await total('&campaign=promo-oct');
    expect(promo).toMatchObject({ conversations: 2, cyclesEnded: 0 });
    expect(promo.messages).toMatchObject({ received: 1, sent: 3, delivered: 2, read: 1, failed: 1 });
    // The campaign's response rate: ES5 and ES6 were messaged, ES5 wrote back. Opt-outs have no campaign.
    expect(promo.engagement).toMatchObject({ contactsMessaged: 2, contactsReplied: 1, responseRate: 50 });
    expect(promo.engagement).toMatchObject({ optOuts: null, linkMessages: 2, clicked: 1, ctr: 50 });
    const mexico = await total('&country=MX');
    expect(mexico).toMatchObject({ conversations: 1, contacts: { new: 1 } });
    const promoLine = await total('&channel=promo-line');
    expect(promoLine).toMatchObject({ conversations: 2, contacts: { new: null } });
    expect(promoLine.messages).toMatchObject({ received: 1, sent: 3 });
    const countries = await metrics(`${PERIOD}&groupBy=country`);
    const perCountry = countries.map((row) => [
      row.key,
      row.metrics.contacts.new,
      row.metrics.engagement.optOuts,
    ]);
    expect(perCountry).toEqual([
      ['ES', 6, 1],
      ['MX', 1, 0],
    ]);
  });

  it('drills down to the facts behind a figure, each with what it adds', async () => {
    const page = await test.get(`/api/v1/metrics/conversations?metric=firstResponse&${PERIOD}`, secret);
    expect(page.status).toBe(200);
    expect(page.body.items.map((item: any) => [item.agent, item.value])).toEqual([
      ['bob', 240],
      ['carla', 1200],
      ['ana', 7200],
      ['carla', 600],
      ['dora', 4800],
    ]);
    const reopen = await test.get(
      `/api/v1/metrics/conversations?metric=reopenRate&${PERIOD}&limit=2`,
      secret,
    );
    expect(reopen.body.items).toHaveLength(2);
    expect(reopen.body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses bad parameters with a 400 naming the parameter', async () => {
    const refused = async (query: string, parameter: string) => {
      const response = await test.get(`/api/v1/metrics?${query}`, secret);
      expect(response.status, query).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', details: { parameter } });
    };
    await refused('to=2026-11-02', 'from');
    await refused('from=2026-10-19&to=2026-10-01', 'to');
    await refused('from=yesterday&to=2026-10-01', 'from');
    await refused(`${PERIOD}&tz=Mars/Olympus`, 'tz');
    await refused(`${PERIOD}&groupBy=year`, 'groupBy');
    await refused(`${PERIOD}&priority=P7`, 'priority');
    await refused(`${PERIOD}&agnet=ana`, 'agnet');
    await refused('from=2000-01-01&to=2026-01-01&groupBy=hour', 'groupBy');
    await refused(`${PERIOD}&businessHours=maybe`, 'businessHours');
    const drill = await test.get(`/api/v1/metrics/conversations?metric=speed&${PERIOD}`, secret);
    expect(drill.body.error).toMatchObject({ code: 'invalid_request', details: { parameter: 'metric' } });
    const calendar = await fetch(`${test.baseUrl}/api/v1/workspace/settings`, {
      method: 'PATCH',
      headers: { ...secret, 'content-type': 'application/json' },
      body: JSON.stringify({
        businessHours: { timeZone: 'Europe/Madrid', weekly: { mon: [{ start: '09:00', end: '25:00' }] } },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(calendar.status).toBe(400);
    expect(((await calendar.json()) as any).error).toMatchObject({
      code: 'invalid_request',
      details: { parameter: 'businessHours.weekly.mon[0].end' },
    });
  });

  it('exports one CSV row per cycle with its figures, over HTTP and from the command line', async () => {
    const response = await fetch(`${test.baseUrl}/api/v1/export/conversations.csv`, {
      headers: secret,
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const csv = await response.text();
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((line) =>
      Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])),
    );
    // A, B, C (two cycles), D, E, F, G.
    expect(rows).toHaveLength(8);
    const c = rows
      .filter((row) => row.chat_id === 'C')
      .sort((x, y) => Number(x.cycle_index) - Number(y.cycle_index));
    expect(c[0]).toMatchObject({
      first_response_s: '1200',
      first_responder: 'carla',
      resolution_s: '235800',
      resolution_business_s: '5400',
      end_status: 'closed-won',
      deal_outcome: 'won',
      deal_value: '1200',
      reopened: '1',
      tags: 'vip',
      owner: 'carla',
      team: 'sales',
      agent_replies: '2',
    });
    expect(c[1]).toMatchObject({ is_reopen: '1', csat_rating: '2', csat_scale: '3', csat_score: '3' });
    // The export agrees with the API: Σ resolution of ended cycles = 6 × 42150.
    const resolution = rows.reduce((sum, row) => sum + Number(row.resolution_s || 0), 0);
    expect(resolution).toBe(6 * 42150);

    // A period: the cycles that started in it (Monday in Madrid: C's second cycle).
    const monday = await fetch(
      `${test.baseUrl}/api/v1/export/conversations.csv?from=2026-10-26&to=2026-10-27`,
      {
        headers: secret,
        signal: AbortSignal.timeout(10_000),
      },
    );
    const mondayRows = (await monday.text()).trimEnd().split('\r\n').slice(1);
    expect(mondayRows).toHaveLength(1);
    expect(mondayRows[0]).toContain(',C,');

    const file = path.join(os.tmpdir(), `chatledger-export-${backend}-${Date.now()}.csv`);
    const storage = test.config.databaseUrl
      ? ['--database-url', test.config.databaseUrl]
      : ['--db', test.config.dbPath];
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.resolve('src/cli/run.ts'), 'export', '--out', file, ...storage],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(csv);
    fs.rmSync(file);
  });

  it('gives the same figures after a rebuild from the ledger', async () => {
    const before = await metrics(`${PERIOD}&groupBy=agent&businessHours=true`);
    await rebuildProjections(test.app.store);
    expect(await metrics(`${PERIOD}&groupBy=agent&businessHours=true`)).toEqual(before);
  });
});
