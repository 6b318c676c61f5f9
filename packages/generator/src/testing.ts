/**
 * `@vigil/generator/testing`: support for tests (in this repository and in a team's own) that
 * query the generated dashboards' panels against a real Prometheus. Kept apart from the main
 * entry point, which is the build-time API: rendering never needs these.
 */
export { asGrafanaWouldSend, rateIntervalFor, withoutHistory, type SentQueryOptions } from './dashboards/sent-query.js';
