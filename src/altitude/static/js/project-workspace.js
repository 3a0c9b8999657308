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
