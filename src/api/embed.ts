/**
 * The embeddable widget for ticket sidebars: `GET /embed.js` (a small,
 * dependency-free script) and `GET /embed/sessions/:id` (an iframe page that
 * loads it). The script renders a session: the current question or check,
 * a paste box, the candidates, the transcript; it answers with the version it
 * saw and refreshes on a 409. What is typed in the paste box survives
 * re-renders (a refresh, a refused answer) until an answer lands. Every piece
 * of session text (questions, pasted output, reasons) is set with
 * `textContent`, never parsed as HTML.
 *
 * Script:  <div data-runbook-session="ID" data-api="https://runbook.example" data-key="KEY"></div>
 *          <script src="https://runbook.example/embed.js" async></script>
 *      or  RunbookEmbed.mount(element, { session, api, key })
 * Iframe:  <iframe src="https://runbook.example/embed/sessions/ID#key=KEY"></iframe>
 */
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.js';

/** The widget script served at `/embed.js`. */
export const EMBED_JS = String.raw`/* netrunbook session widget: renders a runbook session from the JSON API. No dependencies. */
(function () {
  'use strict';
  if (window.RunbookEmbed) return;
  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var CSS = [
    '.rbw{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;max-width:46em}',
    '.rbw h3{font-size:15px;margin:.2em 0 .4em}.rbw p{margin:.3em 0}.rbw small{color:#57606a}',
    '.rbw button{font:inherit;margin:.2em .3em .2em 0;padding:.3em .8em;border:1px solid #8c959f;border-radius:4px;background:#f6f8fa;cursor:pointer}',
    '.rbw button:disabled{opacity:.5;cursor:default}.rbw .rbw-primary{background:#1f6feb;color:#fff;border-color:#1f6feb}',
    '.rbw code,.rbw pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;border-radius:4px}',
    '.rbw code{padding:.1em .3em}.rbw pre{padding:.5em;white-space:pre-wrap;overflow:auto;max-height:14em}',
    '.rbw textarea{width:100%;min-height:9em;box-sizing:border-box;font:12px ui-monospace,monospace}',
    '.rbw .rbw-notice{background:#fff8c5;border:1px solid #d4a72c;padding:.4em;border-radius:4px}',
    '.rbw .rbw-error{background:#ffebe9;border-color:#cf222e}',
    '.rbw ul{padding-left:1.2em;margin:.3em 0}.rbw .rbw-ruled-out{color:#8c959f;text-decoration:line-through}',
    '.rbw section{border-top:1px solid #d0d7de;padding-top:.4em;margin-top:.6em}'
  ].join('\n');

  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function addStyle() {
    if (document.getElementById('rbw-style')) return;
    var s = h('style', null, CSS);
    s.id = 'rbw-style';
    (document.head || document.documentElement).appendChild(s);
  }
  function keyFromHash() {
    var m = /(?:^|[#&])key=([^&]+)/.exec(location.hash || '');
    return m ? decodeURIComponent(m[1]) : '';
  }

  function mount(target, opts) {
    opts = opts || {};
    var api = String(opts.api || scriptOrigin).replace(/\/+$/, '');
    var session = String(opts.session || '');
    var key = opts.key ? String(opts.key) : '';
    var pollMs = opts.pollMs === undefined ? 15000 : Number(opts.pollMs);
    var state = null, notice = null, busy = false, timer = null;
    // What is typed in the paste box, kept across renders (refreshes, a refused answer) until an
    // answer lands: a paste is never lost to a re-render.
    var draft = null;
    var base = api + '/v1/sessions/' + encodeURIComponent(session);
    addStyle();
    var root = h('div', 'rbw');
    target.textContent = '';
    target.appendChild(root);

    function headers(json) {
      var x = {};
      if (json) x['Content-Type'] = 'application/json';
      if (key) x.Authorization = 'Bearer ' + key;
      return x;
    }
    function handle(res, posted) {
      return res.json().then(function (body) {
        if (res.ok) { state = body; notice = null; if (posted) draft = null; }
        else if (res.status === 409 && body && body.session) {
          // A stale version shows the current state; a full session cannot take this answer at all.
          state = body.session;
          notice = { text: body.error.message, error: body.error.code === 'session-full' };
        }
        else notice = { text: (body && body.error && body.error.message) || ('HTTP ' + res.status), error: true };
      }, function () { notice = { text: 'HTTP ' + res.status, error: true }; });
    }
    function changed() {
      if (typeof opts.onChange === 'function' && state) opts.onChange(state);
    }
    function request(path, body) {
      busy = true;
      render();
      var init = body === undefined ? { headers: headers(false) } : { method: 'POST', headers: headers(true), body: JSON.stringify(body) };
      return fetch(base + path, init).then(function (res) { return handle(res, body !== undefined); }, function (e) { notice = { text: 'cannot reach the API: ' + e.message, error: true }; })
        .then(function () { busy = false; render(); changed(); });
    }
    // The periodic refresh renders only when the session moved (someone else answered), so the
    // page stays as it is while the agent reads or types; its failures wait for the next one.
    function poll() {
      return fetch(base, { headers: headers(false) }).then(function (res) {
        if (!res.ok) return;
        return res.json().then(function (body) {
          if (busy || !body || (state && body.version === state.version)) return;
          state = body;
          render();
          changed();
        });
      }).then(null, function () {});
    }
    function answer(extra) {
      var body = { version: state.version, node: state.current.node };
      for (var k in extra) body[k] = extra[k];
      return request('/answers', body);
    }
    function button(label, onClick, primary) {
      var b = h('button', primary ? 'rbw-primary' : null, label);
      b.type = 'button';
      b.disabled = busy;
      b.addEventListener('click', onClick);
      return b;
    }

    function renderCurrent(box) {
      var c = state.current;
      if (c.type === 'ask') {
        add(box, h('h3', null, c.question), c.why ? h('p', null, c.why) : null);
        (c.choices || []).forEach(function (ch) {
          box.appendChild(button(ch.label, function () { answer({ choice: ch.index }); }));
        });
      } else if (c.type === 'check') {
        add(box, h('h3', null, c.title), h('p', null, c.why));
        var ul = h('ul');
        (c.commands || []).forEach(function (cmd) {
          var li = add(h('li'), h('code', null, cmd.command));
          if (cmd.why) add(li, h('small', null, ' ' + cmd.why));
          ul.appendChild(li);
        });
        box.appendChild(ul);
        if (c.againAfterSeconds) box.appendChild(h('p', 'rbw-notice', 'Paste the same command again after about ' + c.againAfterSeconds + ' s to see which counters rise, or skip.'));
        var ta = h('textarea');
        ta.placeholder = 'Paste the output here';
        ta.disabled = busy;
        if (draft && draft.node === c.node) ta.value = draft.text;
        ta.addEventListener('input', function () { draft = { node: c.node, text: ta.value }; });
        add(box, ta, h('br'),
          // No command with the paste: the step lists alternatives, and the engine tells them apart
          // (and splits a paste of several commands by their prompt lines).
          button('Submit output', function () {
            if (!ta.value.trim()) return;
            draft = { node: c.node, text: ta.value };
            answer({ output: ta.value });
          }, true),
          button('Skip', function () { answer({ skip: true }); }));
      } else {
        var concl = state.conclusion;
        box.appendChild(h('h3', null, 'Conclusion' + (c.confidence ? ' (' + c.confidence + ' confidence)' : '')));
        if (c.message) box.appendChild(h('p', null, c.message));
        if (concl) {
          concl.cases.forEach(function (cs) {
            var sec = add(h('div'), add(h('p'), h('strong', null, cs.title)), h('small', null, cs.id + ' · ' + cs.status));
            var why = h('ul');
            cs.why.forEach(function (w) { why.appendChild(h('li', null, w)); });
            add(box, sec, why);
          });
          concl.fix.forEach(function (f) {
            box.appendChild(h('p', null, 'Fix (' + f.id + '):'));
            var ol = h('ol');
            f.steps.forEach(function (s) { ol.appendChild(h('li', null, s)); });
            box.appendChild(ol);
            if (f.commands.length) box.appendChild(h('pre', null, f.commands.join('\n')));
          });
        }
      }
    }

    function render() {
      root.textContent = '';
      if (notice) root.appendChild(h('p', 'rbw-notice' + (notice.error ? ' rbw-error' : ''), notice.text));
      if (!state) { root.appendChild(h('p', null, busy ? 'Loading…' : 'No session loaded.')); return; }
      add(root, h('small', null, 'Runbook ' + state.currentRunbook + ' · step ' + state.steps + ' · version ' + state.version));
      var box = h('section');
      renderCurrent(box);
      root.appendChild(box);
      var tools = h('section');
      if (state.steps > 0) tools.appendChild(button('Back one step', function () { request('/back', { version: state.version }); }));
      tools.appendChild(button('Refresh', function () { request(''); }));
      var link = h('a', null, 'Summary for the ticket (markdown)');
      link.href = base + '/summary?format=markdown';
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      tools.appendChild(link);
      root.appendChild(tools);
      var live = state.candidates.filter(function (x) { return x.status !== 'possible' || x.why.length; });
      if (live.length) {
        var cand = add(h('section'), h('h3', null, 'Candidate causes'));
        var ul = h('ul');
        live.slice(0, 8).forEach(function (x) {
          var li = h('li', x.status === 'ruled-out' ? 'rbw-ruled-out' : null, x.title + ' — ' + x.status);
          if (x.why[0]) add(li, h('br'), h('small', null, x.why[0]));
          ul.appendChild(li);
        });
        root.appendChild(add(cand, ul));
      }
      if (state.transcript.length) {
        var det = add(h('details'), h('summary', null, 'Transcript (' + state.transcript.length + ')'));
        state.transcript.forEach(function (t) {
          var p = add(h('div'), h('p', null, t.prompt + (t.answer && t.kind === 'choice' ? ': ' + t.answer : '')));
          if (t.kind === 'output' && t.answer) p.appendChild(h('pre', null, t.answer));
          if (t.outcome) p.appendChild(h('small', null, t.outcome));
          det.appendChild(p);
        });
        root.appendChild(add(h('section'), det));
      }
    }

    request('');
    if (pollMs > 0) {
      timer = setInterval(function () {
        if (!busy && state && !state.finished && document.visibilityState !== 'hidden') poll();
      }, pollMs);
    }
    return { refresh: function () { return request(''); }, destroy: function () { if (timer) clearInterval(timer); target.textContent = ''; } };
  }

  function autoMount() {
    var els = document.querySelectorAll('[data-runbook-session]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.getAttribute('data-rbw-mounted')) continue;
      el.setAttribute('data-rbw-mounted', '1');
      mount(el, { session: el.getAttribute('data-runbook-session'), api: el.getAttribute('data-api') || undefined, key: el.getAttribute('data-key') || keyFromHash() });
    }
  }
  window.RunbookEmbed = { mount: mount, autoMount: autoMount };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', autoMount);
  else autoMount();
})();
`;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The iframe page for one session.
 * @param id the session id (checked against `[A-Za-z0-9_-]{1,64}`)
 * @returns the HTML
 */
export function embedPage(id: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Runbook session</title>
</head>
<body>
<div data-runbook-session="${id}"></div>
<script src="/embed.js"></script>
</body>
</html>
`;
}

/**
 * Register `/embed.js` and `/embed/sessions/:id`.
 * @param app the Fastify instance
 * @param frameAncestors origins allowed to frame the page (the CORS allowlist; empty: any)
 */
export function registerEmbedRoutes(app: FastifyInstance, frameAncestors: readonly string[]): void {
  const ancestors = frameAncestors.length && !frameAncestors.includes('*') ? ["'self'", ...frameAncestors].join(' ') : '*';
  app.get('/embed.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(EMBED_JS),
  );
  app.get<{ Params: { id: string } }>('/embed/sessions/:id', { schema: { hide: true } }, async (req, reply) => {
    if (!ID.test(req.params.id)) return reply.code(404).send(errorBody('not-found', 'not a session id'));
    return reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${ancestors}`,
      )
      .header('referrer-policy', 'no-referrer')
      .send(embedPage(req.params.id));
  });
}
