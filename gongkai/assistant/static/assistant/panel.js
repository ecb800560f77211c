/* 政策问答 panel. Without scripts the button is a link to /wd/, which answers on the server.
   With scripts: the button opens a non-modal dialog (focus moves to the question box, Esc or
   the close button closes it and focus returns to the button); answers stream in as NDJSON
   events and are written into an aria-live region. All text goes in through textContent. */
(function () {
  "use strict";
  var root = document.querySelector("[data-assistant]");
  if (!root || !window.fetch) { return; }
  var opener = root.querySelector("[data-assistant-open]");
  var panel = root.querySelector("#gk-assistant-panel");
  var closer = root.querySelector("[data-assistant-close]");
  var form = root.querySelector("[data-assistant-form]");
  var box = form.querySelector("textarea");
  var submit = form.querySelector("button[type=submit]");
  var log = root.querySelector("[data-assistant-log]");
  var hot = root.querySelector("[data-assistant-hot]");
  var hotList = root.querySelector("[data-assistant-hot-list]");
  var hotLoaded = false;
  var busy = false;

  opener.setAttribute("role", "button");
  opener.setAttribute("aria-haspopup", "dialog");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function link(href, text, className) {
    var a = el("a", className, text);
    a.href = href;
    return a;
  }

  function open() {
    panel.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    root.classList.add("is-open");
    box.focus();
    loadHot();
  }

  function close() {
    panel.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    root.classList.remove("is-open");
    opener.focus();
  }

  opener.addEventListener("click", function (event) {
    event.preventDefault();
    if (panel.hidden) { open(); } else { close(); }
  });
  opener.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); opener.click(); }
  });
  closer.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });

  function loadHot() {
    if (hotLoaded) { return; }
    hotLoaded = true;
    fetch(root.getAttribute("data-hot-url"), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { questions: [] }; })
      .then(function (data) {
        (data.questions || []).forEach(function (item) {
          var li = el("li");
          var b = el("button", "gk-assistant-chip", item.text);
          b.type = "button";
          b.addEventListener("click", function () { ask(item.text); });
          li.appendChild(b);
          hotList.appendChild(li);
        });
        hot.hidden = !hotList.children.length || log.children.length > 0;
      })
      .catch(function () { /* the hot list is optional */ });
  }

  function feedbackBar(done) {
    var bar = el("div", "gk-answer-feedback");
    var label = el("span", null, "这个回答对您有帮助吗？");
    var status = el("span", "gk-feedback-status");
    status.setAttribute("role", "status");
    bar.appendChild(label);
    [["有用", true], ["没用", false]].forEach(function (pair) {
      var b = el("button", null, pair[0]);
      b.type = "button";
      b.addEventListener("click", function () {
        var buttons = bar.querySelectorAll("button");
        Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
        fetch(root.getAttribute("data-feedback-url"), {
          method: "POST",
          credentials: "omit",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question_id: done.question_id, feedback_token: done.feedback_token, helpful: pair[1] })
        }).then(function (r) { return r.json(); })
          .then(function (data) { status.textContent = data.message || "感谢您的评价。"; })
          .catch(function () { status.textContent = "评价未能保存。"; });
      });
      bar.appendChild(b);
    });
    bar.appendChild(status);
    return bar;
  }

  function render(turn, event, state) {
    if (event.event === "message") {
      state.message.textContent = event.text;
    } else if (event.event === "sentence") {
      if (!state.list) { state.list = el("ol", "gk-answer-sentences"); turn.appendChild(state.list); }
      var li = el("li", null, event.text);
      var c = event.citation || {};
      if (c.url) { li.appendChild(document.createTextNode(" ")); li.appendChild(link(c.url, c.basis, "gk-cite")); }
      else if (c.title) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "gk-cite", c.basis)); }
      state.list.appendChild(li);
    } else if (event.event === "citations") {
      if (event.citations && event.citations.length) {
        turn.appendChild(el("h3", null, "依据"));
        var ul = el("ul", "gk-answer-basis");
        event.citations.forEach(function (x) {
          var item = el("li");
          item.appendChild(x.url ? link(x.url, x.basis) : el("span", null, x.basis));
          ul.appendChild(item);
        });
        turn.appendChild(ul);
      }
      if (event.interpretations && event.interpretations.length) {
        turn.appendChild(el("h3", null, "政策解读"));
        var readings = el("ul", "gk-answer-readings");
        event.interpretations.forEach(function (x) {
          var item = el("li");
          item.appendChild(link(x.url, x.title));
          readings.appendChild(item);
        });
        turn.appendChild(readings);
      }
      state.followUps = event.follow_ups || [];
    } else if (event.event === "done") {
      if (event.refused) {
        var links = el("ul", "gk-answer-links");
        var a = el("li"); a.appendChild(link(event.search_url || "/search/", "到站内搜索查找相关文件")); links.appendChild(a);
        var b = el("li"); b.appendChild(link(event.request_url || root.getAttribute("data-request-url"), "申请政府信息公开")); links.appendChild(b);
        turn.appendChild(links);
      }
      if (state.followUps && state.followUps.length) {
        turn.appendChild(el("h3", null, "您可能还想问"));
        var follow = el("div", "gk-answer-followups");
        state.followUps.forEach(function (text) {
          var button = el("button", "gk-assistant-chip", text);
          button.type = "button";
          button.addEventListener("click", function () { ask(text); });
          follow.appendChild(button);
        });
        turn.appendChild(follow);
      }
      if (event.question_id) { turn.appendChild(feedbackBar(event)); }
      turn.classList.toggle("gk-answer-refused", !!event.refused);
    } else if (event.error) {
      state.message.textContent = event.error;
    }
  }

  function ask(text) {
    text = (text || "").trim();
    if (!text || busy) { return; }
    busy = true;
    submit.disabled = true;
    // Once a question is asked the answers need the room (a 360 px phone in 长者模式).
    hot.hidden = true;
    var turn = el("article", "gk-answer");
    var q = el("p", "gk-question", text);
    q.insertBefore(el("span", "visually-hidden", "问："), q.firstChild);
    var state = { message: el("p", "gk-answer-message", "正在查找相关文件…"), list: null, followUps: [] };
    turn.appendChild(q);
    turn.appendChild(state.message);
    log.appendChild(turn);
    box.value = "";
    var buffer = "";
    function handle(line) {
      if (!line.trim()) { return; }
      try { render(turn, JSON.parse(line), state); } catch (e) { /* ignore a broken line */ }
    }
    fetch(root.getAttribute("data-ask-url"), {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": "application/x-ndjson" },
      body: JSON.stringify({ question: text })
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (data) { render(turn, { error: data.error || "暂时无法回答，请稍后再试。" }, state); });
      }
      if (!response.body || !window.TextDecoder) {
        return response.text().then(function (all) { all.split("\n").forEach(handle); });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder("utf-8");
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { handle(buffer); return; }
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split("\n");
          buffer = lines.pop();
          lines.forEach(handle);
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      render(turn, { error: "网络异常，暂时无法回答，请稍后再试。" }, state);
    }).then(function () {
      busy = false;
      submit.disabled = false;
      log.scrollTop = Math.max(0, turn.offsetTop - log.offsetTop);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask(box.value);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask(box.value);
    }
  });
})();
