'use strict';
// Shears inspector: calls the public REST API (relative to /inspector/) and renders its decisions. No dependencies.
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === 'class' ? e.className = v : e.setAttribute(k, v);
  e.append(...children);
  return e;
};
const pct = (x) => (100 * x).toFixed(1) + '%';
const blocks = (text) => text.split(/^\s*---\s*$/m).map((b) => b.trim()).filter(Boolean);

const EXAMPLES = {
  context: [
    { name: 'Eiffel Tower (README)', query: 'How tall is the Eiffel Tower?', documents: [
      'The Eiffel Tower is a wrought-iron lattice tower in Paris. It is named after the engineer Gustave Eiffel. The tower is 330 metres tall, about the height of an 81-storey building.',
      'Bananas are elongated, edible fruit. They grow in large hanging clusters.'] },
    { name: 'Photosynthesis', query: 'What gas do plants release during photosynthesis?', documents: [
      'Photosynthesis is the process by which green plants turn light into chemical energy. It takes in carbon dioxide and water. Oxygen is released as a by-product. The process happens in the chloroplasts.',
      'The Great Wall of China is over 21,000 kilometres long. Parts of it are more than 2,000 years old.',
      'Plants also respire at night, taking in oxygen and giving off carbon dioxide.'] },
  ],
  reasoning: [
    { name: 'GSM8K: Natalia\'s clips (README)',
      question: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?',
      reasoning: 'In April she sold 48 clips.\nIn May she sold half as many, so 48 / 2 = 24 clips.\nLet me check that again: half of 48 is 24.\nAltogether she sold 48 + 24 = 72 clips.', answer: '72' },
    { name: 'GSM8K: Weng\'s babysitting',
      question: 'Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?',
      reasoning: 'Weng earns 12 dollars per hour.\nAn hour has 60 minutes, so she earns 12 / 60 = 0.2 dollars per minute.\nWait, let me make sure I read the question right.\nShe worked 50 minutes.\nSo she earned 0.2 * 50 = 10 dollars.', answer: '10' },
  ],
  vote: [
    { name: 'GSM8K: Janet\'s ducks (README)',
      question: 'Janet\'s ducks lay 16 eggs per day. She eats three for breakfast and bakes muffins with four. She sells the rest at $2 per egg. How much does she make every day?',
      paths: [
        { text: '16 - 3 - 4 = 9 eggs, 9 * 2 = $18.\nA: 18', mean_logprob: -0.35 },
        { text: 'She sells 9 eggs for $2 each, which is 18 dollars.\nA: $18', mean_logprob: -0.52 },
        { text: '16 - 3 = 13 eggs, 13 * 2 = $26.\nA: 26', mean_logprob: -0.61 },
        { text: 'She makes 16 * 2 = $32.\nA: 32', mean_logprob: -1.9 }] },
    { name: 'GSM8K: Janet\'s ducks, one path without an answer',
      question: 'Janet\'s ducks lay 16 eggs per day. She eats three for breakfast and bakes muffins with four. She sells the rest at $2 per egg. How much does she make every day?',
      paths: [
        { text: '16 - 3 - 4 = 9 eggs, 9 * 2 = $18.\nA: 18', mean_logprob: -0.35 },
        { text: 'She sells 9 eggs for $2 each, which is 18 dollars.\nA: $18', mean_logprob: -0.52 },
        { text: '16 - 3 = 13 eggs, 13 * 2 = $26.\nA: 26', mean_logprob: -0.61 },
        { text: 'Eggs go to the market, so she makes some money from them.', mean_logprob: -2.4 }] },
  ],
};

// ---- API ----
async function api(path, body) {
  $('error').hidden = true;
  const headers = { 'Content-Type': 'application/json' };
  const key = $('api-key').value.trim();
  if (key) headers.Authorization = 'Bearer ' + key;
  let res;
  try {
    res = await fetch(new URL('../' + path, location.href), { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    return fail('Shears could not be reached: ' + e.message);
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const msg = (json && json.error) || res.statusText;
    return fail(`${res.status}${json && json.error_type ? ' ' + json.error_type : ''}: ${msg}` +
      (res.status === 401 ? ' (enter a valid key in the API key field)' : ''));
  }
  return { json, headers: res.headers };
}
function fail(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  return null;
}
function timings(target, headers) {
  const parts = [];
  headers.forEach((v, k) => { if (/^x-.*-time$/.test(k)) parts.push(`${k}: ${v} ms`); });
  $(target).textContent = parts.length ? 'Timings: ' + parts.sort().join(' · ') : '';
}
function show(section, visible = true) { $(section).querySelector('.output').hidden = !visible; }

// ---- context ----
let ctx = null; // { res, texts, threshold (the one the server applied) }
$('context-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const texts = blocks($('ctx-docs').value);
  const body = { query: $('ctx-query').value, documents: texts };
  if (ctx) body.threshold = +$('ctx-threshold').value; // a re-run asks the server for the slider's threshold
  const r = await api('v1/context/prune', body);
  if (!r) return;
  const max = Math.max(0.05, ...r.json.documents.flatMap((d) => d.sentences.map((s) => s.score)));
  ctx = { res: r.json, texts, threshold: r.json.threshold };
  const slider = $('ctx-threshold');
  slider.max = Math.max(ctx.threshold, Math.ceil(max * 100) / 100);
  slider.value = ctx.threshold;
  timings('ctx-timings', r.headers);
  show('context');
  renderContext();
});
$('ctx-threshold').addEventListener('input', renderContext);

/** Client-side re-selection: exact at the server's threshold, else score >= t minus what the server refused as junk. */
function contextKept(s, t) {
  if (t === ctx.threshold) return s.kept;
  const junk = s.score >= ctx.threshold && !s.kept;
  return s.score >= t && !junk;
}
function renderContext() {
  const t = +$('ctx-threshold').value;
  $('ctx-threshold-value').textContent = t.toFixed(3);
  const out = $('ctx-docs-out');
  out.replaceChildren();
  const max = +$('ctx-threshold').max;
  let tokens = 0, chars = 0;
  ctx.res.documents.forEach((d, i) => {
    const text = ctx.texts[i];
    const p = el('p');
    let at = 0;
    for (const s of d.sentences) {
      const kept = contextKept(s, t);
      if (kept) { tokens += s.tokens; chars += s.end - s.start; }
      p.append(text.slice(at, s.start));
      const bar = el('span', { class: 'bar', 'aria-hidden': 'true', style: `width:${(3 * s.score / max).toFixed(3)}rem` });
      p.append(el('span', { class: 's ' + (kept ? 'kept' : 'removed'), title: `score ${s.score} (${kept ? 'kept' : 'removed'})`,
        'data-score': s.score }, bar, el('span', { class: 'sr' }, kept ? '' : 'removed: '), s.text));
      at = s.end;
    }
    p.append(text.slice(at));
    out.append(el('article', { class: 'doc', 'aria-label': `Document ${i}` },
      el('h3', {}, `Document ${i} · relevance ${d.relevance_score} · rank ${d.rank}`), p));
  });
  const tot = ctx.res.totals;
  const exact = t === ctx.threshold;
  if (exact) { tokens = tot.tokens_after; chars = tot.chars_after; }
  const approx = exact ? '' : '≈ ';
  $('ctx-summary').textContent = `Threshold ${t.toFixed(3)}${exact ? ' (server decision)' : ' (re-selected in the page)'}: ` +
    `tokens ${tot.tokens_before} → ${approx}${tokens} (saved ${approx}${tot.tokens_before - tokens}), ` +
    `characters ${tot.chars_before} → ${approx}${chars} (saved ${approx}${tot.chars_before - chars})`;
}

// ---- reasoning steps ----
let rsn = null; // { res, ratio }
$('reasoning-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const ratio = +$('rsn-ratio').value;
  const body = { question: $('rsn-question').value, reasoning: $('rsn-chain').value, keep_ratio: ratio };
  if ($('rsn-answer').value.trim()) body.answer = $('rsn-answer').value.trim();
  const r = await api('v1/reasoning/prune', body);
  if (!r) return;
  rsn = { res: r.json, ratio };
  timings('rsn-timings', r.headers);
  show('reasoning');
  renderReasoning();
});
$('rsn-ratio').addEventListener('input', renderReasoning);

/** As the server's StepSelector: least surprising first until the kept tokens fit; protected and unscored steps stay. */
function selectSteps(steps, budget) {
  const kept = steps.map((s) => s.removed_by !== 'coarse');
  let used = steps.reduce((n, s, i) => n + (kept[i] ? s.tokens : 0), 0);
  const candidates = steps.map((s, i) => i).filter((i) => kept[i] && !steps[i].protected && steps[i].surprisal != null)
    .sort((a, b) => steps[a].surprisal - steps[b].surprisal || a - b);
  for (const i of candidates) {
    if (used <= budget) break;
    kept[i] = false;
    used -= steps[i].tokens;
  }
  return { kept, used };
}
function renderReasoning() {
  const ratio = +$('rsn-ratio').value;
  $('rsn-ratio-value').textContent = ratio.toFixed(2);
  const res = rsn.res;
  const exact = ratio === rsn.ratio;
  const budget = exact ? res.budget : Math.floor(ratio * res.tokens_before);
  const sel = exact ? { kept: res.steps.map((s) => s.kept), used: res.tokens_after } : selectSteps(res.steps, budget);
  const maxS = Math.max(1, ...res.steps.map((s) => s.surprisal || 0));
  $('rsn-steps').replaceChildren(...res.steps.map((s, i) => {
    const kept = sel.kept[i];
    const why = kept ? (s.protected ? 'kept (protected)' : 'kept') : `removed by ${s.removed_by === 'coarse' ? 'coarse stage' : 'surprisal'}`;
    return el('li', { class: kept ? 'kept' : 'removed', title: why },
      el('span', { class: 'meta' }, el('span', { class: 'bar', 'aria-hidden': 'true',
        style: `width:${(3 * (s.surprisal || 0) / maxS).toFixed(3)}rem` }),
        `${why} · first token “${s.first_token ?? ''}” · surprisal ${s.surprisal ?? 'n/a'} nats · ${s.tokens} tokens`),
      el('span', { class: kept ? '' : 'removed' }, s.text));
  }));
  $('rsn-summary').textContent = `Keep ratio ${ratio.toFixed(2)}${exact ? ' (server decision)' : ' (re-selected in the page)'}: ` +
    `budget ${budget} tokens, kept ${sel.used} of ${res.tokens_before} (saved ${res.tokens_before - sel.used}) · ` +
    `scorer ${res.scorer} · mode ${res.mode}` + (res.answer ? ` · answer ${res.answer}` : '');
}

// ---- votes ----
$('vote-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const paths = blocks($('vote-paths').value).map((b) => {
    const m = b.match(/^mean_logprob:\s*(-?[\d.]+)\s*\n/);
    return m ? { text: b.slice(m[0].length), mean_logprob: +m[1] } : { text: b };
  });
  const r = await api('v1/reasoning/vote', { question: $('vote-question').value, paths });
  if (!r) return;
  show('vote');
  renderVote(r.json, paths);
});
function renderVote(res, paths) {
  const votes = res.answers.reduce((n, a) => n + a.votes, 0) || 1;
  const cell = (p) => el('td', {}, el('span', { class: 'bar', 'aria-hidden': 'true', style: `width:${(6 * p).toFixed(3)}rem` }), pct(p));
  $('vote-answers').tBodies[0].replaceChildren(...res.answers.map((a) =>
    el('tr', {}, el('th', { scope: 'row' }, a.answer), cell(a.probability), cell(a.votes / votes), el('td', {}, a.paths.join(', ')))));
  const pruned = new Map(res.pruned.map((p) => [p.index, p.reason]));
  const answerOf = new Map(res.answers.flatMap((a) => a.paths.map((i) => [i, a.answer])));
  $('vote-paths-out').replaceChildren(...(res.sampled || paths).map((p, i) => {
    const why = pruned.has(i) ? `pruned: ${pruned.get(i)}` : 'counted';
    return el('li', { class: pruned.has(i) ? 'removed' : 'kept', title: why },
      el('span', { class: 'meta' }, `path ${i} · answer ${answerOf.get(i) ?? 'none'} · ${why}` +
        (p.mean_logprob != null ? ` · mean log-prob ${p.mean_logprob}` : '')),
      el('span', { class: pruned.has(i) ? 'removed' : '' }, p.text));
  }));
  $('vote-summary').textContent = `Chosen: ${res.answer} (confidence ${pct(res.confidence)}) · ` +
    `perplexity consistency: ${res.perplexity.answer} (${pct(res.perplexity.confidence)}) · ` +
    `self-consistency: ${res.self_consistency.answer} (${pct(res.self_consistency.confidence)}) · ` +
    `${res.pruned.length} pruned · fit: ${res.fit}`;
}

// ---- examples, loading, views ----
const fill = {
  context: (x) => { ctx = null; show('context', false); $('ctx-query').value = x.query;
    $('ctx-docs').value = x.documents.map((d) => typeof d === 'string' ? d : d.text).join('\n---\n'); },
  reasoning: (x) => { rsn = null; show('reasoning', false); $('rsn-question').value = x.question;
    $('rsn-chain').value = x.reasoning ?? (x.steps || []).join('\n\n'); $('rsn-answer').value = x.answer ?? '';
    if (x.keep_ratio) $('rsn-ratio').value = x.keep_ratio; },
  vote: (x) => { show('vote', false); $('vote-question').value = x.question;
    $('vote-paths').value = x.paths.map((p) => (p.mean_logprob != null ? `mean_logprob: ${p.mean_logprob}\n` : '') + p.text).join('\n---\n'); },
};
for (const [view, list] of Object.entries(EXAMPLES)) {
  const select = document.querySelector(`#${view} .examples`);
  select.append(...list.map((x, i) => el('option', { value: i }, x.name)));
  select.addEventListener('change', () => fill[view](list[select.value]));
  fill[view](list[0]);
}
function selectView(view) {
  document.querySelectorAll('nav button').forEach((b) => {
    b.setAttribute('aria-pressed', b.dataset.view === view);
    $(b.dataset.view).hidden = b.dataset.view !== view;
  });
}
document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => selectView(b.dataset.view)));
$('load-file').addEventListener('change', async () => {
  const file = $('load-file').files[0];
  if (!file) return;
  try {
    const x = JSON.parse(await file.text());
    const view = x.documents ? 'context' : x.paths ? 'vote' : (x.reasoning || x.steps) ? 'reasoning' : null;
    if (!view || !(x.query || x.question)) throw new Error('expected a request body with documents, reasoning/steps or paths');
    fill[view](x);
    selectView(view);
    $('error').hidden = true;
  } catch (e) {
    fail(`Could not load ${file.name}: ${e.message}`);
  }
});
