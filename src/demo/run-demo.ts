/**
 * `chatledger demo`: the real server, a fake Graph API on loopback, a WhatsApp channel wired to it, some
 * history, then live traffic through the real, signed webhook, so a new user without a Meta account sees the
 * ledger, the inbox and the metrics move within a minute.
 *
 * Nothing leaves the machine: the channel's Graph API URL is the fake's, and the demo's keys, channel and
 * secrets are its own (a fixed, made-up phone_number_id and app secret).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startApp, type RunningApp } from '../app.js';
import { keysFilePath, type Config } from '../config.js';
import { AppError } from '../errors.js';
import { startFakeGraphApi, type FakeGraphApi } from '../whatsapp/fake-graph-api.js';
import { createWorkspace, workspaceForKey } from '../workspaces/workspaces.js';
import { DemoApi, DemoRequestError, type DemoKeys } from './demo-api.js';
import { backfillHistory, type HistorySummary } from './history.js';
import { runLiveTraffic, type LiveTrafficSummary } from './live-traffic.js';
import { Narrator, type Print } from './narrator.js';
import { ConversationPlanner } from './planner.js';
import { DEMO_NUMBER } from './whatsapp-payloads.js';

/** The demo channel's made-up secrets: the fake Graph API and the webhook share them, nothing else does. */
export const DEMO_CHANNEL_SECRETS = {
  appSecret: 'chatledger-demo-app-secret-0c4f1e2d',
  verifyToken: 'chatledger-demo-verify-token',
  accessToken: 'EAAchatledgerDemoAccessToken',
} as const;

export interface DemoOptions {
  /** Storage, port, host, log level... (the CLI gives the demo its own database by default). */
  config: Config;
  /** Script delays are divided by this (default 1). */
  speed?: number;
  /** Conversations in progress at a time (default 6). */
  customers?: number;
  /** Stop after this many live conversations have been played (default: no limit). */
  conversations?: number;
  /** Stop the live traffic after this many seconds (default: until `stop()`). */
  durationSeconds?: number;
  /** Days of past conversations written first, on a database the demo has not used before (default 14). */
  historyDays?: number;
  /** Same seed, same customers, stories, texts and delays (default: random, and printed). */
  seed?: number;
  print?: Print;
}

export interface DemoSummary {
  history: HistorySummary | null;
  live: LiveTrafficSummary | null;
}

export interface DemoHandle {
  /** Base URL of the chatledger server. */
  url: string;
  keys: DemoKeys;
  channel: { id: string; webhookPath: string; phoneNumberId: string };
  seed: number;
  app: RunningApp;
  fakeGraph: FakeGraphApi;
  /** Resolves when the traffic ends by itself (conversation limit or duration); the server keeps running. */
  finished: Promise<DemoSummary>;
  /** Stops the traffic (in-flight requests complete), then closes the server and the fake Graph API. */
  stop(): Promise<DemoSummary>;
}

export const DEMO_DEFAULTS = { speed: 1, customers: 6, historyDays: 14 } as const;

export async function runDemo(options: DemoOptions): Promise<DemoHandle> {
  const speed = checkNumber('speed', options.speed ?? DEMO_DEFAULTS.speed, 0.01, 1000);
  const customers = checkNumber('customers', options.customers ?? DEMO_DEFAULTS.customers, 1, 100, true);
  const historyDays = checkNumber(
    'history-days',
    options.historyDays ?? DEMO_DEFAULTS.historyDays,
    0,
    365,
    true,
  );
  const limit =
    options.conversations === undefined
      ? undefined
      : checkNumber('conversations', options.conversations, 1, 1_000_000, true);
  const duration =
    options.durationSeconds === undefined
      ? undefined
      : checkNumber('duration', options.durationSeconds, 0.1, 365 * 86_400);
  const seed =
    options.seed === undefined
      ? randomInt(1, 2 ** 31)
      : checkNumber('seed', options.seed, 0, 2 ** 32 - 1, true);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const narrator = new Narrator(print);
  const config = options.config;

  const app = await startApp(config);
  let fakeGraph: FakeGraphApi | undefined;
  let setup: { keys: DemoKeys; api: DemoApi; channel: DemoHandle['channel']; created: boolean; url: string };
  try {
    const keys = await demoKeys(app, config);
    const url = localUrl(app, config);
    fakeGraph = await startFakeGraphApi({
      numbers: {
        [DEMO_NUMBER.phoneNumberId]: {
          accessToken: DEMO_CHANNEL_SECRETS.accessToken,
          displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
          businessAccountId: DEMO_NUMBER.businessAccountId,
        },
      },
    });
    const api = new DemoApi(url, keys);
    const { channel, created } = await demoChannel(api, fakeGraph.graphUrl);
    await verifyWebhook(url, channel.webhookPath);
    fakeGraph.connectWebhook({
      url: `${url}${channel.webhookPath}`,
      appSecret: DEMO_CHANNEL_SECRETS.appSecret,
    });
    setup = { keys, api, channel, created, url };
  } catch (error) {
    await fakeGraph?.close();
    await app.close();
    throw error;
  }
  const fake = fakeGraph;
  const { keys, api, channel, created, url } = setup;
  printBanner(print, {
    app,
    config,
    url,
    keys,
    channel,
    fake,
    seed,
    speed,
    customers,
    historyDays,
    limit,
    duration,
  });

  const controller = new AbortController();
  // Every pending wait of every conversation and status listens to it: dozens at a time, by design.
  setMaxListeners(0, controller.signal);
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const summary: DemoSummary = { history: null, live: null };
  const traffic = (async () => {
    if (historyDays > 0 && created) {
      narrator.line(
        null,
        `⏳ writing ${historyDays} days of history (webhook, capture API and ledger, past timestamps)…`,
      );
      summary.history = await backfillHistory({
        api,
        fake,
        writer: app.writer,
        workspaceId: keys.workspaceId,
        planner: new ConversationPlanner(seed, 'history'),
        narrator,
        seed,
        runId,
        days: historyDays,
        now: Date.now(),
        signal: controller.signal,
      });
      narrator.line(
        null,
        `📚 history: ${summary.history.conversations} conversations, ${summary.history.events} events in ${summary.history.seconds.toFixed(1)} s`,
      );
    } else if (historyDays > 0) {
      narrator.line(null, '📚 history: kept from an earlier demo run on this database');
    }
    if (controller.signal.aborted) return summary;
    narrator.line(null, `▶️  live traffic: ${customers} customers at a time, speed ×${speed}; Ctrl-C stops`);
    const timer = duration === undefined ? undefined : setTimeout(() => controller.abort(), duration * 1000);
    try {
      summary.live = await runLiveTraffic({
        api,
        fake,
        planner: new ConversationPlanner(seed, 'live'),
        narrator,
        seed,
        runId,
        speed,
        concurrent: customers,
        ...(limit === undefined ? {} : { limit }),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    const live = summary.live;
    narrator.line(
      null,
      `⏹️  live traffic ended: ${live.started} conversations (${live.finished} played to the end), ${live.inbound} customer messages, ${live.outbound} replies, ${live.statuses} statuses, ${live.reopens} reopens, ${live.ratings} ratings, ${live.failures} failures`,
    );
    return summary;
  })();

  // `finished` and `stop()` report a failure; this keeps it from counting as unhandled in the meantime.
  traffic.catch(() => undefined);

  // The fake Graph API records every request (for tests); a demo left running for hours keeps the recent ones.
  const trimRecords = setInterval(() => {
    for (const records of [fake.requests, fake.sent]) {
      if (records.length > 2000) records.splice(0, records.length - 1000);
    }
  }, 60_000);
  trimRecords.unref();

  let stopping: Promise<DemoSummary> | undefined;
  return {
    url,
    keys,
    channel,
    seed,
    app,
    fakeGraph: fake,
    finished: traffic,
    stop: () =>
      (stopping ??= (async () => {
        controller.abort();
        clearInterval(trimRecords);
        try {
          await traffic;
        } finally {
          await app.close();
          await fake.close();
        }
        return summary;
      })()),
  };
}

function checkNumber(name: string, value: number, min: number, max: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new AppError(
      'invalid_request',
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${value}`,
      400,
      { parameter: name },
    );
  }
  return value;
}

/** The server's URL as seen from this machine (a wildcard listen address is reached through loopback). */
function localUrl(app: RunningApp, config: Config): string {
  const address = app.server.server.address() as AddressInfo | null;
  if (address && ['0.0.0.0', '::', ''].includes(config.host)) return `http://127.0.0.1:${address.port}`;
  return app.url;
}

/**
 * The demo workspace's keys: the ones created on this first start, else those saved by an earlier run (if
 * they still open a workspace), else a new "Demo" workspace. The demo never needs another workspace's keys.
 */
async function demoKeys(app: RunningApp, config: Config): Promise<DemoKeys> {
  const created = app.createdWorkspace;
  if (created) return { workspaceId: created.id, writeKey: created.writeKey, secretKey: created.secretKey };
  const file = keysFilePath(config);
  const saved = readSavedKeys(file);
  if (saved) {
    const bySecret = await workspaceForKey(app.store.db, saved.secretKey, 'secret');
    const byWrite = await workspaceForKey(app.store.db, saved.writeKey, 'write');
    if (bySecret && bySecret.id === byWrite?.id) return { ...saved, workspaceId: bySecret.id };
  }
  const workspace = await createWorkspace(app.store.db, 'Demo', Date.now());
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...workspace, createdAt: new Date().toISOString() }, null, 2)}\n`,
    { mode: 0o600 },
  );
  return { workspaceId: workspace.id, writeKey: workspace.writeKey, secretKey: workspace.secretKey };
}

function readSavedKeys(file: string): Omit<DemoKeys, 'workspaceId'> | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as { writeKey?: unknown; secretKey?: unknown };
    return typeof value.writeKey === 'string' && typeof value.secretKey === 'string'
      ? { writeKey: value.writeKey, secretKey: value.secretKey }
      : null;
  } catch {
    return null;
  }
}

/** Registers the demo number as a channel, or points the one an earlier run registered at this run's fake. */
async function demoChannel(
  api: DemoApi,
  graphUrl: string,
): Promise<{ channel: DemoHandle['channel']; created: boolean }> {
  type ChannelAnswer = { id: string; webhookPath: string; phoneNumberId: string };
  const secrets = { ...DEMO_CHANNEL_SECRETS, graphUrl };
  try {
    const channel = await api.request<ChannelAnswer>('POST', '/api/v1/channels', {
      body: { phoneNumberId: DEMO_NUMBER.phoneNumberId, name: 'Lumen Coffee (demo)', ...secrets },
    });
    return { channel, created: true };
  } catch (error) {
    const existing = (error as DemoRequestError).body as {
      error?: { code?: string; details?: { channelId?: string } };
    };
    const channelId = existing?.error?.details?.channelId;
    if (!(error instanceof DemoRequestError) || existing.error?.code !== 'channel_exists' || !channelId)
      throw error;
    const channel = await api.request<ChannelAnswer>('PATCH', `/api/v1/channels/${channelId}`, {
      body: secrets,
    });
    return { channel, created: false };
  }
}

/** Meta's "Verify and save": the verification handshake against the channel's webhook. */
async function verifyWebhook(url: string, webhookPath: string): Promise<void> {
  const challenge = randomBytes(8).toString('hex');
  const query = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': DEMO_CHANNEL_SECRETS.verifyToken,
    'hub.challenge': challenge,
  });
  const response = await fetch(`${url}${webhookPath}?${query}`, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== 200 || body !== challenge) {
    throw new Error(
      `the webhook verification handshake failed: HTTP ${response.status} ${body.slice(0, 200)}`,
    );
  }
}

function printBanner(
  print: Print,
  info: {
    app: RunningApp;
    config: Config;
    url: string;
    keys: DemoKeys;
    channel: DemoHandle['channel'];
    fake: FakeGraphApi;
    seed: number;
    speed: number;
    customers: number;
    historyDays: number;
    limit: number | undefined;
    duration: number | undefined;
  },
) {
  const { url, keys, channel } = info;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const auth = `-H "Authorization: Bearer ${keys.secretKey}"`;
  const stops = [
    info.limit === undefined ? null : `after ${info.limit} conversations`,
    info.duration === undefined ? null : `after ${info.duration} s`,
    'on Ctrl-C',
  ].filter(Boolean);
  print(
    [
      `☕ chatledger demo: Lumen Coffee's WhatsApp line, with simulated customers (no Meta account needed)`,
      `   server       ${url}  (${info.app.store.dialect.name}: ${info.app.store.location})`,
      `   secret key   ${keys.secretKey}   REST API: Authorization: Bearer <secret key>`,
      `   write key    ${keys.writeKey}   capture API`,
      `   keys file    ${path.resolve(keysFilePath(info.config))}`,
      `   channel      ${channel.id} for phone_number_id ${channel.phoneNumberId}; webhook ${url}${channel.webhookPath} (handshake ✓)`,
      `   Graph API    a local fake at ${info.fake.graphUrl}: replies never leave this machine`,
      `   try          curl -s ${auth} ${url}/api/v1/conversations`,
      `                curl -s ${auth} "${url}/api/v1/metrics?from=${day(-info.historyDays)}&to=${day(1)}"`,
      `   seed ${info.seed} (--seed ${info.seed} plays the same stories), speed ×${info.speed}, ${info.customers} customers at a time; stops ${stops.join(', ')}`,
    ].join('\n'),
  );
}
