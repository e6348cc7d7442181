// All activities of the redaction workflow, built from their clients so tests pass
// emulator-backed ones. Workflows import only the type.
import type { WebClient } from '@slack/web-api';
import { createAttachmentContentActivities } from './attachment-contents';
import type { AttachmentScanner } from './attachment-scan';
import { createBackfillActivities } from './backfill';
import type { ExportAuth } from './backfill-export';
import type { ReportStore } from './report-store';
import { createChildTicketActivities } from './child-ticket';
import { createDetectActivities } from './detect';
import { createMergeActivities } from './merge';
import { createPlaceActivities } from './places';
import { createRedactActivities } from './redact';
import { createSettingsActivities } from './settings';
import { createSlackActivities } from './slack';
import type { ZendeskApi } from './zendesk-api';
import type { RedactionSettings } from '../workflows/types';

export type { Verification } from './detect';
export type { RedactionReport } from './redact';
export type { SlackPost } from './slack';
export type { CardView } from './slack-card';

export interface ActivityDeps {
  zendesk: ZendeskApi;
  slack: WebClient;
  zendeskUrl: string;
  slackChannelId: string;
  fingerprintKey: string;
  redactionApi: 'agent_workspace' | 'legacy';
  legacyFallback: boolean;
  /** Credentials for the backfill's export endpoint (a plain fetch client). */
  exportAuth: ExportAuth;
  /** Where backfill report pages go: shared by every worker. */
  reportStore: ReportStore;
  /** Workflow settings for requests started without them (webhook starts), from the worker's config. */
  workflowSettings: RedactionSettings;
  /** Reads what attachments show (files/: PDF text, OCR); its OCR threads end with the worker. */
  files: AttachmentScanner;
}

export function createActivities(deps: ActivityDeps) {
  const { zendesk, fingerprintKey } = deps;
  return {
    ...createDetectActivities({ zendesk, fingerprintKey }),
    ...createPlaceActivities({ zendesk, fingerprintKey }),
    ...createAttachmentContentActivities({ zendesk, files: deps.files }),
    ...createRedactActivities({ zendesk, fingerprintKey, redactionApi: deps.redactionApi, legacyFallback: deps.legacyFallback }),
    ...createChildTicketActivities({ zendesk, zendeskUrl: deps.zendeskUrl }),
    ...createMergeActivities({ zendesk }),
    ...createSlackActivities({ slack: deps.slack, zendesk, channelId: deps.slackChannelId, zendeskUrl: deps.zendeskUrl }),
    ...createSettingsActivities({ workflowSettings: deps.workflowSettings }),
    ...createBackfillActivities({ zendesk, slack: deps.slack, zendeskUrl: deps.zendeskUrl, slackChannelId: deps.slackChannelId, exportAuth: deps.exportAuth, reportStore: deps.reportStore, files: deps.files }),
  };
}

export type RedactionActivities = ReturnType<typeof createActivities>;
