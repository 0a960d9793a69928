export * from './csat.js';
export * from './percentile.js';
export * from './rate.js';
export * from './time-buckets.js';
