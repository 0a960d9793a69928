export * from './business-calendar.js';
export * from './calendar-spec.js';
export {
  InvalidTimeZoneError,
  canonicalTimeZone,
  isValidTimeZone,
  zoneRules,
  type Interval,
  type ZoneRules,
} from './time-zone.js';
