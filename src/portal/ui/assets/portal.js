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
