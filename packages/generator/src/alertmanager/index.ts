import type { GeneratedFile, Generator } from '../model/types.js';
import { renderAlertmanagerConfig } from './config.js';
import { routingTable } from './routing-table.js';

export const alertmanagerConfigPath = 'monitoring/alertmanager/alertmanager.yml';
export const routingTablePath = 'monitoring/alertmanager/routing-tests.yml';

/** monitoring/alertmanager/alertmanager.yml and the routing table its test checks it against. */
export const alertmanagerGenerator: Generator = (model): GeneratedFile[] => [
  { path: alertmanagerConfigPath, format: 'yaml', data: renderAlertmanagerConfig(model) },
  { path: routingTablePath, format: 'yaml', data: { cases: routingTable(model) } },
];

export { renderAlertmanagerConfig, groupBy } from './config.js';
export { routingTable, type RoutingCase } from './routing-table.js';
