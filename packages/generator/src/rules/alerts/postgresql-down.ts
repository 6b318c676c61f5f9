import { defineExporterDownAlert } from '../exporter-down.js';

export const postgresqlDownAlert = defineExporterDownAlert({
  name: 'PostgresqlDown',
  kind: 'postgres',
  metric: 'pg_up',
  instance: 'postgres-exporter:9187',
  title: 'PostgreSQL is unreachable',
  templates: {
    summary: ['PostgreSQL ', { label: 'job' }, ' is down'],
    description: ['The postgres exporter at ', { label: 'instance' }, ' cannot connect to its PostgreSQL server (pg_up is ', { value: 'g4' }, '); every service using it fails its queries.'],
  },
  runbook: {
    meaning: 'postgres_exporter is scraped but cannot open a connection to the PostgreSQL server it watches (`pg_up` 0) for dependencies[].alerts.downFor (default 1m). Services using the database see connection errors; DependencyDown usually fires beside it for the services that check it.',
    causes: ['The PostgreSQL server stopped or crashed (out of memory, disk full, failed restart).', 'The network path or firewall between the exporter and the server changed.', "The exporter's credentials were rotated or its role lost LOGIN (the server log says so)."],
    firstChecks: ['`pg_isready -h <address>` from the exporter host; then the server log.', 'Disk space and memory of the database host (hosts dashboard).', 'The exporter log: an authentication error means the server is up and the exporter credentials are wrong.'],
  },
});
