/**
 * The console's pages beyond the overview, in the order of the navigation. Each file of
 * this folder registers its routes and its navigation entry (index.ts of the console).
 */
import type { ConsolePage } from '../index.ts';
import { mappingsPage } from './mappings.ts';

/** Every page the console serves after the overview. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [mappingsPage];
