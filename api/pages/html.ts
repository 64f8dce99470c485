const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values in server-rendered pages: everything a user typed goes through this. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ENTITIES[char]);

/** A moment as pages show it: "2026-12-01 15:30 UTC". */
export const when = (date: Date | undefined | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'not scheduled');

/** A template tag that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof Html) return value.value;
  return value === undefined || value === null || value === false ? '' : escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.slice(1).reduce((out, part, i) => out + render(values[i]) + part, strings[0]));
}

/** The document around every page: one stylesheet, no inline script, readable on a phone. */
export function layout(options: { title: string; body: Html; scripts?: string[]; signedInAs?: string }): string {
  const signOut = options.signedInAs
    ? html`<form method="post" action="/logout" class="sign-out"><span>Signed in as ${options.signedInAs}</span> <button type="submit">Sign out</button></form>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Meetflow</title>
<link rel="stylesheet" href="/assets/meetflow.css">
</head>
<body>
<header class="top"><span class="brand">Meetflow</span>${signOut}</header>
<main id="main">
${options.body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}"></script>\n`)}</body>
</html>
`.value;
}

export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #1a56db; --warn-bg: #fff4d6; --warn-fg: #5c4300; }
* { box-sizing: border-box; }
body { font: 1.05rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; }
.top { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: space-between; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid #8884; }
.brand { font-weight: 700; }
.sign-out { display: flex; gap: .5rem; align-items: center; font-size: .9rem; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .5rem 0 1rem; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
input[type=email], input[type=password] { width: 100%; padding: .6rem; font: inherit; border: 1px solid #888; border-radius: .375rem; }
button { font: inherit; padding: .6rem 1rem; border-radius: .375rem; border: 1px solid #888; background: transparent; color: inherit; cursor: pointer; min-height: 44px; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: .5; cursor: not-allowed; }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.notice { background: var(--warn-bg); color: var(--warn-fg); border-left: 4px solid #d69e00; padding: .75rem 1rem; border-radius: .25rem; }
.error { color: #b42318; font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.people { list-style: none; padding: 0; }
.people li { padding: .4rem 0; border-bottom: 1px solid #8883; }
.muted { opacity: .75; }
form.inline { display: inline; margin-left: .5rem; }
.items li, .transcript li { padding: .35rem 0; }
.item.done .item-title { text-decoration: line-through; }
.transcript { padding-left: 0; list-style: none; }
.transcript .time, .source { font-variant-numeric: tabular-nums; font-size: .9rem; }
:target { background: var(--warn-bg); color: var(--warn-fg); }
input[type=search] { width: 100%; padding: .6rem; font: inherit; border: 1px solid #888; border-radius: .375rem; }
`;
