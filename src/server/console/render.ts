/**
 * Rendering the console's pages: Eta templates (views/*.eta) that escape every `<%= %>`
 * by default (`<%~ %>` is raw, used only for HTML the console built itself), wrapped in
 * views/layout.eta with the navigation, the signed-in admin and the CSRF token every
 * form and htmx request carries. Pages are `text/html`, never cached, and sent with a
 * Content-Security-Policy that allows only this server's own scripts and styles (htmx
 * and the stylesheet are served from the package: admins may run it offline).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';

/** Where the templates are, beside this file (the build copies them into dist/). */
export const VIEWS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'views');

/** The console's template engine: escaping on, templates cached (they are read once). */
export const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true, autoTrim: [false, 'nl'] });

/** The headers of every console page. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** A link of the navigation. */
export interface NavItem {
  readonly href: string;
  readonly label: string;
}

/** What every page's layout shows. */
export interface PageFrame {
  /** The page's title (the tab and the heading). */
  readonly title: string;
  /** The signed-in admin's name; absent on the sign-in page. */
  readonly admin?: string;
  /** The CSRF token for forms and htmx requests. */
  readonly csrf: string;
  /** Which navigation entry is current (its href). */
  readonly current?: string;
  /** The navigation (empty when signed out). */
  readonly nav: readonly NavItem[];
}

/** Renders `view` (a file in views/, without `.eta`) with `data`, inside the layout. */
export function renderPage(view: string, frame: PageFrame, data: Record<string, unknown> = {}): string {
  const body = eta.render(`./${view}`, { ...data, csrf: frame.csrf, admin: frame.admin });
  return eta.render('./layout', { ...frame, body });
}

/** Renders a fragment (an htmx answer): `view` without the layout. */
export function renderFragment(view: string, data: Record<string, unknown>): string {
  return eta.render(`./${view}`, data);
}

/** Sends `html` as a console page (or fragment) with the console's headers. */
export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}
