// Progressive enhancement for the Gatehouse portals; every page also works without it.
// Served from this origin because the pages' CSP allows no inline script.
'use strict';

function announce(text) {
  let region = document.getElementById('live-region');
  if (!region) {
    region = document.createElement('div');
    region.id = 'live-region';
    region.className = 'visually-hidden';
    region.setAttribute('aria-live', 'polite');
    document.body.appendChild(region);
  }
  region.textContent = text;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const copy = target && target.closest('[data-copy]');
  if (copy) {
    const source = document.getElementById(copy.getAttribute('data-copy'));
    if (!source) return;
    copyText(source.textContent.trim()).then(
      () => {
        copy.textContent = 'Copied';
        announce('Copied to the clipboard');
        setTimeout(() => { copy.textContent = 'Copy'; }, 2000);
      },
      () => announce('Copy failed: select the text and copy it by hand'),
    );
    return;
  }
  const opener = target && target.closest('[data-dialog]');
  if (opener) {
    const dialog = document.getElementById(opener.getAttribute('data-dialog'));
    if (dialog && typeof dialog.showModal === 'function') {
      event.preventDefault();
      dialog.showModal();
      const first = dialog.querySelector('input:not([type=hidden]), select, textarea, button');
      if (first) first.focus();
    }
    return;
  }
  const closer = target && target.closest('[data-dialog-close]');
  if (closer) {
    const dialog = closer.closest('dialog');
    if (dialog && typeof dialog.close === 'function') {
      event.preventDefault();
      dialog.close();
    }
  }
});

// A dialog the server rendered open (after a validation error) becomes a real modal.
for (const dialog of document.querySelectorAll('dialog[data-autoshow]')) {
  dialog.close();
  dialog.showModal();
}

// An OpenAPI file chosen in the import form is read into the text area next to it.
for (const input of document.querySelectorAll('input[type=file][data-load-into]')) {
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    const area = document.getElementById(input.getAttribute('data-load-into'));
    if (!file || !area) return;
    file.text().then((text) => { area.value = text; announce(`Loaded ${file.name}`); });
  });
}

// After an error the summary gets focus, so keyboard and screen-reader users land on it.
const summary = document.querySelector('.error-summary');
if (summary && !summary.closest('dialog')) summary.focus();

let leavingByForm = false;

// A submitted form shows progress and ignores further clicks (issue 15 §6): a second Generate or
// Regenerate must not replace the secret the first one is about to show.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.busy === 'true') {
    event.preventDefault();
    return;
  }
  form.dataset.busy = 'true';
  leavingByForm = true;
  const button = event.submitter || form.querySelector('button[type=submit], button:not([type])');
  if (button) {
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    button.classList.add('busy');
    if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
  }
  announce('Working…');
});

// Back/forward cache: a page restored from history gets its buttons back.
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  leavingByForm = false;
  for (const form of document.querySelectorAll('form[data-busy]')) delete form.dataset.busy;
});

// While a one-time secret is on screen, leaving the page by a link, reload or tab close asks first
// (issue 15 §3). Forms on the page keep it (the server holds it until "I have copied it").
if (document.querySelector('[data-held]')) {
  window.addEventListener('beforeunload', (event) => {
    if (leavingByForm) return;
    event.preventDefault();
    event.returnValue = '';
  });
}

// What was typed survives an expired session (issue 15 §7): each submitted form's visible fields
// (never passwords, hidden fields or the CSRF token) are kept in this tab's sessionStorage. The
// sign-in page marks them restorable; the form's page, reached again after signing in, puts them
// back. Any other page drops them, so an old draft never reappears after a successful submit.
const DRAFTS = 'gatehouse-drafts';

function readDrafts() {
  try { return JSON.parse(sessionStorage.getItem(DRAFTS) || '{}'); } catch { return {}; }
}

function writeDrafts(drafts) {
  try {
    if (Object.keys(drafts).length === 0) sessionStorage.removeItem(DRAFTS);
    else sessionStorage.setItem(DRAFTS, JSON.stringify(drafts));
  } catch { /* storage off: nothing to keep */ }
}

const keptField = (el) => el.name && el.name !== 'csrf' && !['password', 'hidden', 'file', 'submit', 'button'].includes(el.type);

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.getAttribute('action') === '/devportal/login') return;
  const fields = [];
  for (const el of form.elements) {
    if (!keptField(el)) continue;
    fields.push({ name: el.name, value: el.value, checked: el.type === 'checkbox' || el.type === 'radio' ? el.checked : null });
  }
  if (fields.length === 0) return;
  const drafts = readDrafts();
  drafts[form.getAttribute('action')] = { fields, restorable: false };
  writeDrafts(drafts);
});

(() => {
  const drafts = readDrafts();
  const actions = Object.keys(drafts);
  if (actions.length === 0) return;
  if (document.querySelector('form[action="/devportal/login"]')) {
    for (const action of actions) drafts[action].restorable = true;
    writeDrafts(drafts);
    return;
  }
  for (const action of actions) {
    const form = document.querySelector(`form[action="${CSS.escape(action)}"]`);
    if (form && drafts[action].restorable) {
      // Fields are put back in order, so repeated names (table rows, checkbox groups) line up.
      const queue = drafts[action].fields.slice();
      for (const el of form.elements) {
        if (!keptField(el)) continue;
        const at = queue.findIndex((saved) => saved.name === el.name);
        if (at < 0) continue;
        const [saved] = queue.splice(at, 1);
        if (saved.checked === null) el.value = saved.value;
        else el.checked = saved.checked;
      }
      const dialog = form.closest('dialog');
      if (dialog && typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
      announce('Your session had ended: what you typed is back in the form. Check it and submit again.');
      const note = document.createElement('div');
      note.className = 'alert warn';
      note.setAttribute('role', 'status');
      note.textContent = 'Your session had ended, so nothing was saved. What you typed is back in the form: check it and submit again.';
      form.before(note);
    }
    delete drafts[action];
  }
  writeDrafts(drafts);
})();
