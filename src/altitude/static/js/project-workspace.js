/* Project workspace pages (Tasks, Board): let htmx swap the fragments that answer
 * 409 (stale version: the fresh row comes back) and 422 (the field's error), which
 * htmx 2 would otherwise drop as errors. Other 4xx/5xx still count as errors. */
(function () {
  'use strict';
  function configure() {
    if (!window.htmx) return;
    window.htmx.config.responseHandling = [
      { code: '204', swap: false },
      { code: '[23]..', swap: true },
      { code: '409', swap: true, error: false },
      { code: '422', swap: true, error: false },
      { code: '[45]..', swap: false, error: true },
      { code: '...', swap: true }
    ];
  }
  configure();
  document.addEventListener('DOMContentLoaded', configure);
  document.addEventListener('htmx:responseError', function (event) {
    var box = document.getElementById('workspace-error');
    if (!box) return;
    var xhr = event.detail.xhr;
    box.textContent = 'The server refused this change (HTTP ' + xhr.status + '). Reload the page and try again.';
    box.hidden = false;
  });
})();

/* Board: besides each card's "Move to" control (the keyboard way), a card may be dragged
 * to another column; the drop fills in the card's own form and submits it, so the
 * move takes the same checked path (version, permissions) as the button. */
(function () {
  'use strict';
  var dragged = null;
  document.addEventListener('dragstart', function (event) {
    var card = event.target.closest && event.target.closest('.board-card[draggable="true"]');
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', card.id);
  });
  document.addEventListener('dragover', function (event) {
    if (dragged && event.target.closest && event.target.closest('.board-column')) event.preventDefault();
  });
  document.addEventListener('drop', function (event) {
    var column = event.target.closest && event.target.closest('.board-column');
    if (!dragged || !column) return;
    event.preventDefault();
    var form = dragged.querySelector('form');
    var select = form && form.querySelector('select[name="status"]');
    dragged = null;
    if (!select || select.value === column.dataset.status) return;
    select.value = column.dataset.status;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  document.addEventListener('dragend', function () { dragged = null; });
})();
