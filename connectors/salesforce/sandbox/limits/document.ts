/**
 * The body of `GET /services/data/vXX.X/limits`: one `{Max, Remaining}` per limit, keys in
 * alphabetical order as Salesforce lists them (REST API Developer Guide, "Limits" resource
 * and "List Org Limits" example). Only DailyApiRequests is live; the rest are fixed numbers
 * typical of an Enterprise Edition org, nothing in the sandbox consumes them.
 */

/** One entry of the limits document. */
export interface OrgLimit {
  /** The org's allocation. */
  Max: number;
  /** What is left of it. */
  Remaining: number;
}

const full = (max: number): OrgLimit => ({ Max: max, Remaining: max });

/** The fixed entries (everything but DailyApiRequests). */
const FIXED: Record<string, OrgLimit> = {
  ActiveScratchOrgs: full(0),
  ConcurrentAsyncGetReportInstances: full(200),
  ConcurrentSyncReportRuns: full(20),
  DailyAsyncApexExecutions: full(250_000),
  DailyAsyncApexTests: full(500),
  DailyBulkApiBatches: full(15_000),
  DailyBulkV2QueryFileStorageMB: full(976_562),
  DailyBulkV2QueryJobs: full(10_000),
  DailyDurableGenericStreamingApiEvents: full(10_000),
  DailyDurableStreamingApiEvents: full(200_000),
  DailyGenericStreamingApiEvents: full(10_000),
  DailyStandardVolumePlatformEvents: full(10_000),
  DailyStreamingApiEvents: full(200_000),
  DailyWorkflowEmails: full(2_000),
  DataStorageMB: { Max: 10_240, Remaining: 10_183 },
  DurableStreamingApiConcurrentClients: full(1_000),
  FileStorageMB: { Max: 10_240, Remaining: 10_236 },
  HourlyAsyncReportRuns: full(1_200),
  HourlyDashboardRefreshes: full(200),
  HourlyDashboardResults: full(5_000),
  HourlyDashboardStatuses: full(999_999_999),
  HourlyODataCallout: full(10_000),
  HourlySyncReportRuns: full(500),
  HourlyTimeBasedWorkflow: full(1_000),
  MassEmail: full(5_000),
  PermissionSets: { Max: 1_500, Remaining: 1_486 },
  SingleEmail: full(5_000),
  StreamingApiConcurrentClients: full(1_000),
};

/** The limits document with the live daily API allowance. */
export function limitsDocument(daily: OrgLimit): Record<string, OrgLimit> {
  const all: Record<string, OrgLimit> = { ...FIXED, DailyApiRequests: daily };
  const sorted: Record<string, OrgLimit> = {};
  for (const key of Object.keys(all).sort()) {
    const entry = all[key];
    if (entry) sorted[key] = { ...entry };
  }
  return sorted;
}
