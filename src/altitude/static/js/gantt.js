/* Project Gantt island (frappe-gantt 1.x), Altitude.
 *
 * Data: one JSON page-data endpoint (the API's schedule payload plus row IDs,
 * constraints and the latest baseline). Edits: a drag moves a task (it gets a
 * "start no earlier than" constraint on the dropped day, as MS Project does); a
 * resize changes its duration in working days (Monday to Friday). Each edit is a
 * PATCH /api/v1/tasks/{id} with If-Match: the task's version, then
 * POST /api/v1/projects/{id}/reschedule, then the chart reloads, so successors and
 * the critical path move. A 409 means someone else saved the task since it was
 * loaded: the chart says so and reloads; nothing is overwritten. The keyboard does the
 * same: Tab to a bar, arrow keys move it by working days (with Shift they change its
 * duration), and the change is saved after a short pause; Escape cancels it.
 *
 * CSP: no inline styles. frappe-gantt writes one style attribute through innerHTML
 * (the hatch pattern of ignored days) and style attributes for holiday columns; we
 * turn holidays off and strip that attribute before it is parsed.
 */
(function () {
  'use strict';

  var island = document.getElementById('gantt-island');
  if (!island || typeof window.Gantt !== 'function') return;

  var chartEl = document.getElementById('gantt-chart');
  var outlineEl = document.getElementById('gantt-outline');
  var statusEl = document.getElementById('gantt-status');
  var canEdit = island.dataset.canEdit === 'true';
  var projectId = island.dataset.project;
  var BAR_HEIGHT = 20;
  var PADDING = 14;
  var ROW = BAR_HEIGHT + PADDING;
  var BIG = 300; // more tasks than this: start collapsed to the top levels
  var DAY_MS = 86400000;

  var KEY_PAUSE_MS = 800; // keyboard edits are saved once the keys rest this long
  var state = { tasks: [], byId: {}, collapsed: new Set(), mode: 'Week', gantt: null, pending: {}, busy: false,
                keyboard: null, refocus: null };

  // -- CSP: keep frappe-gantt's innerHTML free of style attributes ------------------------
  var innerHTML = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
  function guardLayer(layer) {
    Object.defineProperty(layer, 'innerHTML', {
      configurable: true,
      get: function () { return innerHTML.get.call(this); },
      set: function (html) { innerHTML.set.call(this, String(html).replace(/\sstyle="[^"]*"/g, '')); }
    });
  }
  var setupLayers = window.Gantt.prototype.setup_layers;
  window.Gantt.prototype.setup_layers = function () {
    setupLayers.call(this);
    guardLayer(this.layers.grid);
  };

  // -- helpers ------------------------------------------------------------------------
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function say(text, kind) {
    statusEl.textContent = text;
    statusEl.className = 'gantt-status' + (kind ? ' ' + kind : '');
  }
  function isoDay(date) {
    var m = String(date.getMonth() + 1).padStart(2, '0');
    var d = String(date.getDate()).padStart(2, '0');
    return date.getFullYear() + '-' + m + '-' + d;
  }
  function parseDay(text) {
    var p = text.split('-');
    return new Date(Number(p[0]), Number(p[1]) - 1, Number(p[2]));
  }
  /* Working days (Mon-Fri) from a to b: positive when b is later, negative when earlier. */
  /* The day `count` working days (Mon-Fri) after `text` (before it when negative). */
  function shiftWorkdays(text, count) {
    var day = parseDay(text), step = count < 0 ? -1 : 1;
    for (var left = Math.abs(count); left > 0;) {
      day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + step);
      if (day.getDay() !== 0 && day.getDay() !== 6) left -= 1;
    }
    return day;
  }
  function workdayDelta(a, b) {
    var from = parseDay(a), to = parseDay(b), sign = 1, count = 0;
    if (to < from) { var t = from; from = to; to = t; sign = -1; }
    for (var d = new Date(from.getTime() + DAY_MS); d <= to; d = new Date(d.getTime() + DAY_MS)) {
      var wd = d.getDay();
      if (wd !== 0 && wd !== 6) count += 1;
    }
    return sign * count;
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'] || ''; }
    catch (e) { return ''; }
  }
  function api(method, url, body, version) {
    var headers = { 'Content-Type': 'application/json', 'X-CSRFToken': csrf(), 'Accept': 'application/json' };
    if (version !== undefined) headers['If-Match'] = '"' + version + '"';
    return fetch(url, { method: method, headers: headers, body: JSON.stringify(body || {}), credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
          return { status: response.status, ok: response.ok, data: data };
        });
      });
  }

  // -- data -> chart --------------------------------------------------------------------
  function load(message, kind) {
    return fetch(island.dataset.source, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('The schedule could not be loaded (HTTP ' + r.status + ').');
        return r.json();
      })
      .then(function (data) {
        state.data = data;
        state.tasks = data.tasks;
        state.byId = {};
        state.links = data.links;
        state.linkTypes = {};
        data.links.forEach(function (l) { state.linkTypes[l.predecessor_id + '>' + l.successor_id] = l.type; });
        data.tasks.forEach(function (t) { state.byId[t.id] = t; });
        if (!state.initialised) {
          state.initialised = true;
          if (data.tasks.length > BIG) collapseFrom(fittingLevel());
        }
        draw();
        var crit = data.tasks.filter(function (t) { return t.critical && !t.summary; }).length;
        var finish = data.finish ? data.finish.slice(0, 10) : 'not scheduled';
        var finishFact = document.querySelector('[data-fact="finish"]');
        var critFact = document.querySelector('[data-fact="critical"]');
        if (finishFact) finishFact.textContent = finish;
        if (critFact) critFact.textContent = String(crit);
        say((message ? message + ' ' : '') + data.tasks.length + ' tasks · finish ' + finish + ' · ' + crit +
            ' critical' + (data.baseline ? ' · baseline “' + data.baseline + '”' : ' · no baseline'), kind);
      })
      .catch(function (err) { say(err.message, 'error'); });
  }

  function depth(t) { return (t.wbs.match(/\./g) || []).length; }

  /* The deepest outline level whose tasks (with all levels above) fit in BIG rows; at least the top one. */
  function fittingLevel() {
    var perDepth = [];
    state.tasks.forEach(function (t) { var d = depth(t); perDepth[d] = (perDepth[d] || 0) + 1; });
    var level = 0, shown = perDepth[0] || 0;
    while (level + 1 < perDepth.length && shown + (perDepth[level + 1] || 0) <= BIG) {
      level += 1;
      shown += perDepth[level] || 0;
    }
    return level;
  }

  function collapseFrom(level) {
    state.collapsed = new Set();
    state.tasks.forEach(function (t) { if (t.summary && depth(t) >= level) state.collapsed.add(t.id); });
  }

  function visibleTasks() {
    var hidden = {};
    return state.tasks.filter(function (t) {
      var h = t.parent_id !== null && (hidden[t.parent_id] || state.collapsed.has(t.parent_id));
      hidden[t.id] = h;
      return !h && t.start && t.finish;
    });
  }

  function frappeTasks(visible) {
    var shown = {};
    visible.forEach(function (t) { shown[t.id] = true; });
    var preds = {};
    state.links.forEach(function (l) {
      if (shown[l.predecessor_id] && shown[l.successor_id]) {
        (preds[l.successor_id] = preds[l.successor_id] || []).push(String(l.predecessor_id));
      }
    });
    return visible.map(function (t) {
      var kind = t.summary ? 'is-summary' : (t.milestone ? 'is-milestone' : 'is-task');
      return {
        id: String(t.id),
        name: escapeHtml((t.milestone ? '◆ ' : '') + t.row + ' ' + t.name),
        start: t.start.slice(0, 10),
        end: t.finish.slice(0, 10),
        progress: t.percent_complete,
        dependencies: (preds[t.id] || []).join(','),
        custom_class: kind
      };
    });
  }

  function popup(ctx) {
    var t = state.byId[Number(ctx.task.id)];
    if (!t) return;
    ctx.set_title(escapeHtml(t.row + ' · ' + t.wbs + ' ' + t.name));
    ctx.set_subtitle(escapeHtml(t.critical ? 'Critical: no float' : 'Total float ' +
      (t.total_float_minutes === null ? '—' : Math.round(t.total_float_minutes / 48) / 10 + ' days')));
    var lines = [escapeHtml(t.start.slice(0, 10) + ' → ' + t.finish.slice(0, 10) + ' · ' +
      Math.round(t.duration_minutes / 48) / 10 + ' days · ' + t.percent_complete + ' % done')];
    if (t.constraint_type !== 'asap') lines.push(escapeHtml('Constraint: ' + t.constraint_type.toUpperCase() + ' ' + (t.constraint_date || '')));
    if (t.baseline_start) lines.push(escapeHtml('Baseline: ' + t.baseline_start + ' → ' + t.baseline_finish));
    ctx.set_details(lines.join('<br>'));
  }

  function draw() {
    var visible = visibleTasks();
    var tasks = frappeTasks(visible);
    if (!tasks.length) {
      chartEl.textContent = '';
      outlineEl.textContent = '';
      say('No scheduled tasks yet: add tasks in the Tasks tab, then reschedule.', 'empty');
      return;
    }
    if (!state.gantt) {
      state.gantt = new window.Gantt(chartEl, tasks, {
        view_mode: state.mode,
        bar_height: BAR_HEIGHT,
        padding: PADDING,
        readonly: !canEdit,
        readonly_progress: true,
        move_dependencies: false,
        infinite_padding: false,
        holidays: {},
        today_button: false,
        view_mode_select: false,
        scroll_to: tasks[0].start, // the first task, not the padding before it
        container_height: 'auto',
        popup: popup,
        on_date_change: function (task, start, end) { state.pending[task.id] = { start: start, end: end }; },
        on_view_change: function () { decorate(); }
      });
    } else {
      var left = state.gantt.$container.scrollLeft;
      state.gantt.refresh(tasks);
      state.gantt.$container.scrollLeft = left; // stay where the user was working
    }
    decorate();
    drawOutline(visible);
  }

  // -- link types: frappe-gantt draws every link finish-to-start ----------------------------
  function linkType(arrow) {
    return state.linkTypes[arrow.from_task.task.id + '>' + arrow.to_task.task.id] || 'FS';
  }

  /* The path of a start-to-start, finish-to-finish or start-to-finish link, as MS Project
   * draws them: out of the predecessor's start (SS, SF) or finish (FF), around the outside
   * of both bars, into the successor's start (SS, from the left) or finish (FF, SF, from the
   * right), with the library's arrowhead turned to match. */
  function typedPath(arrow, type) {
    var from = arrow.from_task.$bar, to = arrow.to_task.$bar;
    var gap = 10, head = 5;
    var fromY = from.getY() + from.getHeight() / 2;
    var toY = to.getY() + to.getHeight() / 2;
    var fx = type === 'FF' ? from.getX() + from.getWidth() : from.getX();
    var tx = type === 'SS' ? to.getX() : to.getX() + to.getWidth();
    var path;
    if (type === 'SS') {
      path = 'M ' + fx + ' ' + fromY + ' H ' + (Math.min(fx, tx) - gap) + ' V ' + toY + ' H ' + tx;
    } else if (type === 'FF') {
      path = 'M ' + fx + ' ' + fromY + ' H ' + (Math.max(fx, tx) + gap) + ' V ' + toY + ' H ' + tx;
    } else if (tx + gap <= fx) { // SF, the successor finishing before the predecessor starts
      path = 'M ' + fx + ' ' + fromY + ' H ' + (tx + gap) + ' V ' + toY + ' H ' + tx;
    } else { // SF overlapping: leave leftwards, cross between the rows, come back from the right
      var midY = (fromY + toY) / 2;
      path = 'M ' + fx + ' ' + fromY + ' H ' + (fx - gap) + ' V ' + midY + ' H ' + (tx + gap) +
        ' V ' + toY + ' H ' + tx;
    }
    return type === 'SS'
      ? path + ' m -' + head + ' -' + head + ' l ' + head + ' ' + head + ' l -' + head + ' ' + head
      : path + ' m ' + head + ' -' + head + ' l -' + head + ' ' + head + ' l ' + head + ' ' + head;
  }

  /* Teach the library's Arrow (reached through its instances: the class is not exported) the
   * other link types, then redraw every arrow; bars dragged later keep their typed arrows. */
  function typeArrows(g) {
    if (!g.arrows || !g.arrows.length) return;
    var proto = Object.getPrototypeOf(g.arrows[0]);
    if (!proto.altitudeTyped) {
      var original = proto.calculate_path;
      proto.calculate_path = function () {
        var type = linkType(this);
        if (type === 'FS') original.call(this);
        else this.path = typedPath(this, type);
      };
      proto.altitudeTyped = true;
    }
    g.arrows.forEach(function (arrow) {
      arrow.update();
      arrow.element.setAttribute('data-type', linkType(arrow));
    });
  }

  /* Classes the library cannot set (one custom_class per bar), link types, and the baseline overlay. */
  function decorate() {
    var g = state.gantt;
    if (!g) return;
    var svg = g.$svg;
    typeArrows(g);
    svg.querySelectorAll('.bar-wrapper[data-id]').forEach(function (el) {
      var t = state.byId[Number(el.getAttribute('data-id'))];
      if (!t) return;
      el.classList.toggle('critical', !!t.critical);
      el.setAttribute('data-critical', t.critical ? 'true' : 'false');
      el.setAttribute('data-row', t.row);
      if (!canEdit || t.summary) {
        el.classList.add('locked');
      } else {
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'button');
        el.setAttribute('aria-label', 'Row ' + t.row + ' ' + t.name + ', ' + t.start.slice(0, 10) + ' to ' +
          t.finish.slice(0, 10) + (t.critical ? ', critical' : '') +
          '. Arrow keys move it by a working day, Shift with arrow keys changes its duration.');
      }
    });
    if (state.refocus !== null) { // back on the bar a keyboard edit just saved (or refused)
      var again = svg.querySelector('.bar-wrapper[data-id="' + state.refocus + '"]');
      state.refocus = null;
      if (again) again.focus();
    }
    var old = svg.querySelector('g.baseline-layer');
    if (old) old.remove();
    if (!state.data || !state.data.baseline) return;
    var layer = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    layer.setAttribute('class', 'baseline-layer');
    var origin = g.gantt_start.getTime();
    var unit = g.config.unit;
    var daysPerColumn = g.config.step * (unit === 'month' ? 30.44 : unit === 'year' ? 365.25 : unit === 'hour' ? 1 / 24 : 1);
    var pxPerDay = g.config.column_width / daysPerColumn;
    g.bars.forEach(function (bar) {
      var t = state.byId[Number(bar.task.id)];
      if (!t || !t.baseline_start) return;
      var start = parseDay(t.baseline_start).getTime();
      var end = parseDay(t.baseline_finish).getTime() + DAY_MS;
      var rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      rect.setAttribute('x', String((start - origin) / DAY_MS * pxPerDay));
      rect.setAttribute('y', String(bar.$bar.getY() + BAR_HEIGHT + 2));
      rect.setAttribute('width', String(Math.max(3, (end - start) / DAY_MS * pxPerDay)));
      rect.setAttribute('height', '4');
      rect.setAttribute('class', 'baseline-bar');
      rect.setAttribute('data-id', t.id);
      layer.appendChild(rect);
    });
    svg.insertBefore(layer, g.layers.bar);
  }

  function drawOutline(visible) {
    outlineEl.textContent = '';
    var spacer = document.createElement('li');
    spacer.className = 'spacer';
    spacer.setAttribute('aria-hidden', 'true');
    var svgTop = state.gantt.$svg.getBoundingClientRect().top - chartEl.getBoundingClientRect().top;
    spacer.style.height = (svgTop + state.gantt.config.header_height) + 'px';
    outlineEl.appendChild(spacer);
    visible.forEach(function (t) {
      var li = document.createElement('li');
      li.style.height = ROW + 'px';
      li.className = 'depth-' + Math.min(depth(t), 5) + (t.critical && !t.summary ? ' critical' : '');
      var label = t.row + ' ' + t.wbs + ' ' + t.name;
      if (t.summary) {
        var button = document.createElement('button');
        button.type = 'button';
        var open = !state.collapsed.has(t.id);
        button.setAttribute('aria-expanded', open ? 'true' : 'false');
        button.dataset.toggle = t.id;
        button.textContent = (open ? '▾ ' : '▸ ') + label;
        li.appendChild(button);
      } else {
        var span = document.createElement('span');
        span.textContent = (t.milestone ? '◆ ' : '') + label;
        if (t.critical) {
          var mark = document.createElement('span');
          mark.className = 'crit-tag';
          mark.textContent = ' critical';
          span.appendChild(mark);
        }
        li.appendChild(span);
      }
      outlineEl.appendChild(li);
    });
  }

  // -- edits ------------------------------------------------------------------------------
  function describe(t) { return '“' + t.row + ' ' + t.name + '”'; }

  function applyPending() {
    var ids = Object.keys(state.pending);
    if (!ids.length || state.busy) return;
    var id = ids[0];
    var change = state.pending[id];
    state.pending = {};
    var t = state.byId[Number(id)];
    if (!t) return;
    var newStart = isoDay(change.start);
    var newEnd = isoDay(change.end);
    var oldStart = t.start.slice(0, 10);
    var oldEnd = t.finish.slice(0, 10);
    if (t.summary) { load('A summary task follows its subtasks; move a subtask instead.', 'error'); return; }
    var body = {};
    var what = [];
    if (newStart !== oldStart) {
      body.constraint_type = 'snet';
      body.constraint_date = newStart;
      what.push('starts no earlier than ' + newStart);
    }
    var oldSpan = workdayDelta(oldStart, oldEnd);
    var newSpan = workdayDelta(newStart, newEnd);
    if (newSpan !== oldSpan && !t.milestone) {
      body.duration_minutes = Math.max(480, t.duration_minutes + (newSpan - oldSpan) * 480);
      what.push('lasts ' + body.duration_minutes / 480 + ' working days');
    }
    if (!what.length) { draw(); return; }
    state.busy = true;
    say('Saving ' + describe(t) + '…', 'busy');
    api('PATCH', '/api/v1/tasks/' + t.id, body, t.version)
      .then(function (res) {
        if (res.status === 409) {
          return load(describe(t) + ' was changed by someone else since you loaded it; reloaded. Your change was not saved.', 'error');
        }
        if (!res.ok) {
          return load('Not saved: ' + ((res.data && res.data.detail) || ('HTTP ' + res.status)), 'error');
        }
        return api('POST', '/api/v1/projects/' + projectId + '/reschedule', {}).then(function (run) {
          if (!run.ok) return load('Saved, but the reschedule failed: ' + ((run.data && run.data.detail) || run.status), 'error');
          return load('Saved: ' + describe(t) + ' ' + what.join(' and ') + '; project rescheduled.', 'ok');
        });
      })
      .catch(function (err) { say('Not saved: ' + err.message, 'error'); })
      .then(function () { state.busy = false; });
  }

  // -- keyboard edits: the same change as a drag, built up key by key --------------------------
  function keyboardPreview() {
    var k = state.keyboard, t = state.byId[k.id];
    var start = shiftWorkdays(t.start.slice(0, 10), k.move);
    var end = shiftWorkdays(t.finish.slice(0, 10), k.move + (t.milestone ? 0 : k.stretch));
    if (end < start) end = start;
    return { start: start, end: end, task: t };
  }

  function keyboardEdit(event) {
    var wrapper = event.target.closest && event.target.closest('.bar-wrapper[data-id]');
    if (!wrapper || !canEdit) return;
    var id = Number(wrapper.getAttribute('data-id'));
    var t = state.byId[id];
    if (!t || t.summary) return;
    if (event.key === 'Escape' && state.keyboard) {
      window.clearTimeout(state.keyboard.timer);
      state.keyboard = null;
      say('Change cancelled; nothing was saved.', '');
      return;
    }
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault(); // the chart would scroll instead
    if (state.busy) { say('Still saving the previous change…', 'busy'); return; }
    if (!state.keyboard || state.keyboard.id !== id) {
      if (state.keyboard) window.clearTimeout(state.keyboard.timer);
      state.keyboard = { id: id, move: 0, stretch: 0, timer: 0 };
    }
    var k = state.keyboard, step = event.key === 'ArrowRight' ? 1 : -1;
    if (event.shiftKey) {
      if (t.milestone) { say('A milestone has no duration; move it with the arrow keys alone.', 'error'); return; }
      var days = Math.round(t.duration_minutes / 480) + k.stretch + step;
      if (days < 1) { say(describe(t) + ' cannot last less than one working day.', 'error'); return; }
      k.stretch += step;
    } else {
      k.move += step;
    }
    var preview = keyboardPreview();
    say(describe(t) + ': ' + isoDay(preview.start) + ' → ' + isoDay(preview.end) +
        ' (saved in a moment; Escape cancels)', 'busy');
    window.clearTimeout(k.timer);
    k.timer = window.setTimeout(function () {
      var done = keyboardPreview();
      state.keyboard = null;
      state.refocus = id;
      state.pending[id] = { start: done.start, end: done.end };
      applyPending();
    }, KEY_PAUSE_MS);
  }
  chartEl.addEventListener('keydown', keyboardEdit);

  // frappe-gantt reports date changes while the bar moves; save once, when the mouse is released.
  document.addEventListener('mouseup', function () { window.setTimeout(applyPending, 0); });

  island.addEventListener('click', function (event) {
    var target = event.target.closest('button');
    if (!target || !island.contains(target)) return;
    if (target.dataset.zoom) {
      state.mode = target.dataset.zoom;
      island.querySelectorAll('[data-zoom]').forEach(function (b) {
        b.setAttribute('aria-pressed', b === target ? 'true' : 'false');
      });
      if (state.gantt) state.gantt.change_view_mode(state.mode);
      drawOutline(visibleTasks());
    } else if (target.dataset.outline) {
      if (target.dataset.outline === 'expand') state.collapsed = new Set();
      else collapseFrom(0);
      draw();
    } else if (target.dataset.toggle) {
      var id = Number(target.dataset.toggle);
      if (state.collapsed.has(id)) state.collapsed.delete(id); else state.collapsed.add(id);
      draw();
      var again = outlineEl.querySelector('[data-toggle="' + id + '"]');
      if (again) again.focus();
    }
  });

  load();
})();
