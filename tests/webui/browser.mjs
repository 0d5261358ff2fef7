// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * The webui browser test: Debian's headless chromium, driven by
 * playwright-core (no browser download), against esol-webui in the device
 * image.  WEBUI_URL is the page (forwarded from the guest), GUEST_URL the
 * guest's "esolctl --json status" (every change is checked inside the
 * device), SHOTS the screenshot directory.  Runs axe-core on every page.
 * Prints "ok - ..." / "not ok - ..." lines and ends with
 * "browser: N passed, N failed"; exit 0 only when none failed.
 */
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const URL0 = process.env.WEBUI_URL;
const GUEST = process.env.GUEST_URL;
const SHOTS = process.env.SHOTS;
const PASSWORD = 'printer admin 2026';
const PROXY_PW = 'Brwsr-Proxy-Pw-7f3k9q';	/* URL-safe: the guest's leak check takes it */
const axeSource = fs.readFileSync(
	new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

let passed = 0;
let failed = 0;
function check(name, cond, detail) {
	if (cond) {
		passed++;
		console.log(`ok - ${name}`);
	} else {
		failed++;
		console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
	}
}

async function guest() {
	const r = await fetch(`${GUEST}/cgi-bin/status`);
	return r.json();
}

/* Wait until the guest's status satisfies pred (the change reached esold). */
async function guestSays(pred, ms = 20000) {
	const end = Date.now() + ms;
	let st;
	while (Date.now() < end) {
		st = await guest();
		if (pred(st))
			return true;
		await new Promise((r) => setTimeout(r, 250));
	}
	return false;
}

const axeResults = [];
async function axe(page, name) {
	await page.evaluate(axeSource);
	const res = await page.evaluate(() =>
		// eslint-disable-next-line no-undef
		axe.run(document, { resultTypes: ['violations'] }));
	const v = res.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.help}`);
	axeResults.push({ page: name, violations: v.length, passes: res.passes.length });
	check(`axe-core: no violations on ${name}`, v.length === 0, v.join('; '));
}

const sizes = [
	{ name: 'panel', width: 800, height: 480, full: false },
	{ name: 'laptop', width: 1366, height: 900, full: true },
];
/* Screenshots at both sizes; focus (a selector): scrolled into the panel's view. */
async function shots(page, name, focus) {
	for (const s of sizes) {
		await page.setViewportSize({ width: s.width, height: s.height });
		if (focus)
			await page.locator(focus).scrollIntoViewIfNeeded();
		const file = path.join(SHOTS, `${name}-${s.width}x${s.height}.png`);
		await page.screenshot({ path: file, fullPage: s.full });
	}
	await page.setViewportSize({ width: 1366, height: 900 });
}

// Debian's chromium, headless, with an empty profile of its own (--user-data-dir).
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'esol-webui-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	       '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	ignoreHTTPSErrors: true, baseURL: URL0, viewport: { width: 1366, height: 900 },
});
const page = ctx.pages()[0] || await ctx.newPage();
let dialogs = 0;
page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

try {
	// ---- first use: choose the password
	let resp = await page.goto('/');
	check('first visit goes to the password setup', page.url().endsWith('/setup'), page.url());
	const csp = resp.headers()['content-security-policy'] || '';
	check('CSP: no script source at all, no framing',
	      csp.includes("default-src 'none'") && !csp.includes('script-src') &&
	      csp.includes("frame-ancestors 'none'"), csp);
	check('nosniff', resp.headers()['x-content-type-options'] === 'nosniff');
	await axe(page, 'setup');
	await shots(page, 'setup');
	await page.fill('#password', PASSWORD);
	await page.fill('#again', PASSWORD);
	await page.click('button[type=submit]');
	check('password set, logged in, on the status page', page.url().endsWith('/status'), page.url());
	const cookies = await ctx.cookies();
	const sid = cookies.find((c) => c.name === 'esol_sid');
	check('session cookie HttpOnly, SameSite=Strict, Secure',
	      sid && sid.httpOnly && sid.sameSite === 'Strict' && sid.secure, JSON.stringify(sid));

	// ---- logout, wrong password, log in with the keyboard only
	const oldCookies = await ctx.cookies();
	const oldCsrf = await page.inputValue('form.logout input[name=csrf]');
	await page.click('form.logout button');
	check('logged out, on the login page', page.url().endsWith('/login'), page.url());
	await axe(page, 'login');
	await page.fill('#password', 'not the password');
	await page.click('button[type=submit]');
	check('a wrong password is refused', page.url().endsWith('/login') &&
	      (await page.textContent('#login-error')).includes('Wrong password'));
	await shots(page, 'login-refused');
	await page.focus('body');
	let found = false;
	for (let i = 0; i < 6 && !found; i++) {
		await page.keyboard.press('Tab');
		found = await page.evaluate(() => document.activeElement &&
					    document.activeElement.id === 'password');
	}
	check('keyboard: Tab reaches the password field', found);
	await page.keyboard.type(PASSWORD);
	await page.keyboard.press('Enter');
	await page.waitForURL('**/status');
	check('keyboard: logged in with Enter', page.url().endsWith('/status'), page.url());

	// ---- a session cookie from before the logout is dead (the browser
	// gets the old cookie back for a moment, then the current one)
	{
		const current = await ctx.cookies();
		await ctx.clearCookies();
		await ctx.addCookies(oldCookies);
		const p2 = await ctx.newPage();
		await p2.goto('/status');
		check('a session cookie from before a logout is refused', p2.url().endsWith('/login'),
		      p2.url());
		const r = await ctx.request.post('/settings/participation',
			{ form: { csrf: oldCsrf, enabled: 'false' }, maxRedirects: 0 });
		check('  and cannot change a setting', r.status() === 303 &&
		      (await guest()).enabled === true, `${r.status()}`);
		await p2.close();
		await ctx.clearCookies();
		await ctx.addCookies(current);
	}

	// ---- status
	await page.goto('/status');
	const st0 = await guest();
	check('status shows participation', (await page.textContent('#h-part')) === 'Participation');
	check('status shows the meters', (await page.locator('table.meters tbody tr').count()) === 7);
	check('status shows the supplies as level bars',
	      (await page.locator('ul.supplies meter').count()) >= 4);
	check('status shows the poll time of esold', (await page.content()).includes(`${st0.poll_time} (`));
	await axe(page, 'status');
	await shots(page, 'status');

	// ---- settings: time of day
	await page.click('nav >> text=Settings');
	await axe(page, 'settings');
	await shots(page, 'settings');
	await page.fill('#poll_time', '05:45');
	await page.selectOption('#time_zone', 'Europe/Paris');
	await page.click('text=Save the poll time');
	check('time of day saved (page)', (await page.textContent('.notice')).includes('saved'));
	check('time of day: esolctl status in the device says 05:45 Europe/Paris',
	      await guestSays((s) => s.poll_time === '05:45' && s.timezone === 'Europe/Paris'));

	// ---- proxy manual and back
	await page.check('input[name=proxy_mode][value=manual]');
	await page.fill('#proxy_host', 'proxy.example.com');
	await page.fill('#proxy_port', '3128');
	await page.click('text=Save the proxy');
	check('proxy manual saved (page)', (await page.textContent('.notice')).includes('proxy is saved'));
	check('proxy manual: esolctl status in the device says manual',
	      await guestSays((s) => s.proxy.mode === 'manual'));
	check('the page shows the proxy esold has',
	      (await page.inputValue('#proxy_host')) === 'proxy.example.com' &&
	      (await page.inputValue('#proxy_port')) === '3128');

	// ---- the manual proxy's sign-in: set, refused, checked in the device, cleared
	check('no proxy sign-in yet', (await page.textContent('#creds-state')).includes('No user name'));
	await page.fill('#proxy_user', 'printer-0042');
	await page.fill('#proxy_password', PROXY_PW);
	await page.click('text=Save the sign-in');
	check('proxy sign-in saved (page)',
	      (await page.textContent('.notice')).includes('sign-in is saved'));
	check('proxy sign-in: esolctl status in the device says credentials set, user printer-0042',
	      await guestSays((s) => s.proxy.credentials === 'set' && s.proxy.user === 'printer-0042'));
	check('  the page says a password is set; the password field is empty',
	      (await page.textContent('#creds-state')).includes('A password is set') &&
	      (await page.inputValue('#proxy_password')) === '' &&
	      (await page.getAttribute('#proxy_password', 'autocomplete')) === 'new-password');
	check('  the password is not in the page', !(await page.content()).includes(PROXY_PW));
	await axe(page, 'settings-credentials');
	await shots(page, 'settings-credentials', '#h-creds');
	{
		// keyboard: from the user name, Tab reaches the password, then Save, then Clear
		await page.focus('#proxy_user');
		const order = [];
		for (let i = 0; i < 3; i++) {
			await page.keyboard.press('Tab');
			order.push(await page.evaluate(() => document.activeElement.id ||
						       document.activeElement.textContent));
		}
		check('keyboard: user name, password, Save, Clear in order',
		      order.join('|') === 'proxy_password|Save the sign-in|Clear the sign-in',
		      order.join('|'));
	}
	await page.fill('#proxy_user', 'bad:user');
	await page.fill('#proxy_password', 'Refused-Pw-9x2');
	await page.click('text=Save the sign-in');
	check('a user name with ":" is refused by the agent, next to the field',
	      (await page.textContent('#err-proxy_user')).includes("must not contain ':'"));
	check('  the refused password is not echoed', (await page.inputValue('#proxy_password')) === '' &&
	      !(await page.content()).includes('Refused-Pw-9x2'));
	check('  the device kept printer-0042', (await guest()).proxy.user === 'printer-0042');
	await axe(page, 'settings-credentials-refused');
	await shots(page, 'settings-credentials-refused', '#err-proxy_user');
	{
		const leak = await (await fetch(`${GUEST}/cgi-bin/leak?${PROXY_PW}`)).json();
		check('device: the credentials file is mode 0600, owned by esold\'s user',
		      leak.file.startsWith('-rw------- ') &&
		      leak.file.split(/\s+/)[2] === leak.esol_uid, JSON.stringify(leak));
		check('device: the password is in no log, other file, status, transmission log or command line',
		      leak.hits.trim() === '' && leak.status === 'no' && leak.txlog === 'no' &&
		      leak.cmdline === 'no', JSON.stringify(leak));
	}
	await page.goto('/settings');
	await page.click('text=Clear the sign-in');
	check('proxy sign-in cleared (page)',
	      (await page.textContent('.notice')).includes('sign-in is cleared'));
	check('  esolctl status in the device says credentials not set',
	      await guestSays((s) => s.proxy.credentials === 'not set'));
	check('  the device removed the file',
	      (await (await fetch(`${GUEST}/cgi-bin/leak?${PROXY_PW}`)).json()).file === '');

	await page.check('input[name=proxy_mode][value=none]');
	await page.click('text=Save the proxy');
	check('proxy back to none: esolctl status in the device says none',
	      await guestSays((s) => s.proxy.mode === 'none'));

	// ---- a script tag in a field
	await page.check('input[name=proxy_mode][value=manual]');
	await page.fill('#proxy_host', '<script>alert(1)</script>');
	await page.fill('#proxy_port', '3128');
	await page.click('text=Save the proxy');
	check('a script tag in a field is refused, next to the field',
	      await page.isVisible('#err-proxy_host'));
	await axe(page, 'settings-refused');
	await shots(page, 'settings-refused', '#err-proxy_host');
	check('  and shown as text, never run', dialogs === 0 &&
	      (await page.locator('script').count()) === 0 &&
	      (await page.inputValue('#proxy_host')) === '<script>alert(1)</script>');
	check('  and the device kept its proxy', (await guest()).proxy.mode === 'none');

	// ---- a POST without the CSRF token
	{
		const r = await ctx.request.post('/settings/participation',
			{ form: { enabled: 'false' }, maxRedirects: 0 });
		check('a POST without the CSRF token is refused (403)', r.status() === 403,
		      `${r.status()}`);
		check('  and participation stays on in the device', (await guest()).enabled === true);
	}

	// ---- participation off and on
	await page.goto('/settings');
	await page.click('text=Turn participation off');
	check('participation off: esolctl status in the device says enabled false',
	      await guestSays((s) => s.enabled === false));
	await page.click('text=Turn participation on');
	check('participation on: esolctl status in the device says enabled true',
	      await guestSays((s) => s.enabled === true));

	// ---- test the connection now
	const polls0 = (await guest()).counters.polls;
	await page.click('text=Test the connection now', { timeout: 90000 });
	const result = await page.textContent('#test-result', { timeout: 90000 });
	check('test the connection: the result is shown', result.startsWith('Succeeded'), result);
	check('  the device polled (esolctl status counters.polls)',
	      await guestSays((s) => s.counters.polls > polls0));
	await shots(page, 'settings-tested', '#test-result');

	// ---- what left the device
	await page.click('nav >> text=What left the device');
	const items = page.locator('ol.txlog > li');
	check('the transmission log lists exchanges', (await items.count()) >= 1);
	await items.first().locator('summary').first().click();
	const sent = await items.first().locator('pre').first().textContent();
	check('  each with the exact bytes sent', sent.includes('"device_id"'), sent.slice(0, 80));
	check('  the poll is among them', (await page.locator('ol.txlog h2', { hasText: '/v1/poll' }).count()) >= 1);
	await axe(page, 'log');
	await shots(page, 'log');

	// The refusals above answer 403 / 422 on purpose; anything else is an error.
	const unexpected = consoleErrors.filter((m) => !/status of (403|404|422)\b/.test(m));
	// ---- a page that does not exist: the same frame, accessible too
	resp = await page.goto('/no-such-page');
	check('an unknown page answers 404 in the same frame', resp.status() === 404 &&
	      (await page.textContent('h1')) === 'Not found');
	await axe(page, 'not-found');

	check('no error in the browser console (CSP, missing resource...)', unexpected.length === 0,
	      unexpected.join('; '));
} catch (e) {
	check(`the run went to its end (${e.message.split('\n')[0]})`, false);
	await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
	await ctx.close();
	fs.rmSync(profile, { recursive: true, force: true });
}
fs.writeFileSync(path.join(SHOTS, 'axe.json'), JSON.stringify(axeResults, null, 1));
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
