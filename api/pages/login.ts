import { html, layout } from './html';

/** The sign-in form: email and password, posted to /login, back to `next` afterwards. */
export function loginPage(options: { next: string; email?: string; error?: string }): string {
  const body = html`<h1>Sign in to Meetflow</h1>
${options.error ? html`<p class="error" role="alert" id="login-error">${options.error}</p>` : ''}
<form method="post" action="/login" ${options.error ? html`aria-describedby="login-error"` : ''}>
  <input type="hidden" name="next" value="${options.next}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="${options.email ?? ''}" ${options.error ? '' : html`autofocus`}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <p><button type="submit" class="primary">Sign in</button></p>
</form>
<p class="muted">No password yet? In Slack, <code>/meet link</code> sends you a link to set one.</p>`;
  return layout({ title: 'Sign in', body });
}
