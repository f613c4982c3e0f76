/**
 * The console's pages beyond the overview, in the order of the navigation. Each file of
 * this folder registers its routes and its navigation entry (index.ts of the console).
 */
import type { ConsolePage } from '../index.ts';
import { auditPage } from './audit.ts';
import { conflictsPage } from './conflicts.ts';
import { deadLettersPage } from './dead-letters.ts';
import { mappingsPage } from './mappings.ts';
import { matchesPage } from './matches.ts';
import { runsPage } from './runs.ts';

/** Every page the console serves after the overview. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  mappingsPage,
  matchesPage,
  conflictsPage,
  deadLettersPage,
  runsPage,
  auditPage,
];
