/**
 * Vitest global setup for the int/e2e tiers: one PostgreSQL server for the run (each test store gets
 * its own database on it). CHATLEDGER_TEST_DATABASE_URL points the suite at an existing server instead.
 */
import type { TestProject } from 'vitest/node';
import { startTemporaryPostgres } from '../support/temporary-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.CHATLEDGER_TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  const server = await startTemporaryPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
