/* trdfaq chat widget: <script src="https://HOST/widget.js" defer></script>
 * then <trdfaq-chat api="https://HOST"></trdfaq-chat>. No dependencies, no build step.
 * Every piece of text from the server or the user is inserted as text, never as HTML. */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("trdfaq-chat")) return;

  // Where this script came from: the default API address.
  const script = document.currentScript;
  const SCRIPT_BASE = new URL(".", (script && script.src) || location.href).href;
  const SAFE_HREF = /^(tel:|sms:|https:\/\/)/i;

  // Every word the widget shows comes from the server: GET /api/info `labels` (the `labels`
  // of prompts/assistant.yaml). This fallback is used ONLY before /api/info has loaded or
  // when it fails: it names the controls on screen by then (so no button is ever blank or
  // unnamed) and says the assistant cannot be reached. Nothing else is shown without
  // /api/info: a question waits for it (see ask), so answers, crisis help and their
  // wording always come from the server.
  const FALLBACK = {
    name: "trdfaq",
    open_chat: "Ask about TRD",
    ask: "Ask",
    question_label: "Your question",
    close: "Close",
    network_error: "Couldn't reach the assistant. Check your connection and try again.",
    retry: "Try again",
  };

  const CSS = `
:host { display: block; }
:host([hidden]) { display: none; }
.root {
  all: initial; display: block; box-sizing: border-box;
  font-family: var(--trdfaq-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--trdfaq-font-size, 15px); line-height: 1.45;
  color: var(--trdfaq-fg, #1b1b1f);
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button, input { font: inherit; color: inherit; margin: 0; }
:focus-visible { outline: 3px solid var(--trdfaq-focus, #111827); outline-offset: 2px; }
header :focus-visible { outline-color: var(--trdfaq-accent-fg, #fff); }
.panel { display: flex; flex-direction: column; overflow: hidden; min-width: 0;
  background: var(--trdfaq-bg, #fff); color: var(--trdfaq-fg, #1b1b1f);
  border: 1px solid var(--trdfaq-border, #c9ced6); border-radius: var(--trdfaq-radius, 12px);
  box-shadow: 0 6px 24px rgb(0 0 0 / 0.14); }
.inline .panel { width: 100%; max-width: var(--trdfaq-width, 440px);
  height: var(--trdfaq-height, 600px); }
.floating .panel { position: fixed; z-index: 2147483000; right: 16px; bottom: 84px;
  width: min(var(--trdfaq-width, 400px), calc(100vw - 32px));
  height: min(var(--trdfaq-height, 600px), calc(100vh - 108px)); }
.launcher { position: fixed; z-index: 2147483000; right: 16px; bottom: 16px;
  max-width: calc(100vw - 32px); padding: 12px 18px; border: 0; border-radius: 999px;
  background: var(--trdfaq-accent, #1a56b8); color: var(--trdfaq-accent-fg, #fff);
  font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgb(0 0 0 / 0.25); }
@media (max-width: 480px) {
  .floating .panel { inset: 0; width: 100vw; height: 100%; border-radius: 0; }
}
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px;
  background: var(--trdfaq-accent, #1a56b8); color: var(--trdfaq-accent-fg, #fff); }
h2 { flex: 1; min-width: 0; margin: 0; font-size: 1.05em; font-weight: 650;
  overflow-wrap: anywhere; }
header button { flex: none; border: 2px solid currentColor; border-radius: 8px;
  background: transparent; color: inherit; padding: 4px 10px; cursor: pointer; }
header .help { background: var(--trdfaq-crisis-bg, #8b0000); color: var(--trdfaq-crisis-fg, #fff);
  border-color: var(--trdfaq-crisis-fg, #fff); font-weight: 700; }
.helpbox { flex: none; max-height: 60%; overflow-y: auto; padding: 8px;
  border-bottom: 1px solid var(--trdfaq-border, #c9ced6); }
.helpbox .crisis { margin: 0; }
.log { position: relative; flex: 1; min-height: 0; overflow-y: auto; padding: 12px;
  display: flex; flex-direction: column; gap: 12px; overscroll-behavior: contain; }
.msg { max-width: 100%; overflow-wrap: anywhere; }
.msg p { margin: 0 0 8px; }
.msg p:last-child { margin-bottom: 0; }
.user { align-self: flex-end; max-width: 85%; padding: 8px 12px; border-radius: 12px;
  background: var(--trdfaq-user-bg, #e8eefb); white-space: pre-wrap; }
.bot { align-self: stretch; }
.notice { padding: 8px 10px; border-radius: 8px; background: var(--trdfaq-notice-bg, #fff7e0);
  border: 1px solid var(--trdfaq-notice-border, #e2b33b); }
figure { margin: 0 0 12px; }
blockquote { margin: 0; padding: 8px 12px; white-space: pre-line;
  border-left: 4px solid var(--trdfaq-accent, #1a56b8);
  background: var(--trdfaq-surface, #f4f6f9); border-radius: 0 8px 8px 0; }
mark { background: var(--trdfaq-mark, #fde68a); color: inherit; padding: 0 1px; }
figcaption, .source { margin-top: 4px; font-size: 0.87em; color: var(--trdfaq-muted, #4a5260); }
cite { font-style: italic; }
details { margin-top: 6px; font-size: 0.93em; }
summary { cursor: pointer; color: var(--trdfaq-accent, #1a56b8); font-weight: 600;
  width: fit-content; }
details figure { margin: 8px 0 0 12px; }
.footer { padding: 6px 10px; border-left: 4px solid var(--trdfaq-crisis-bg, #8b0000);
  font-size: 0.93em; }
.disclaimer { font-size: 0.82em; color: var(--trdfaq-muted, #4a5260); }
.crisis { padding: 12px; border-radius: 10px; border: 3px solid var(--trdfaq-crisis-fg, #fff);
  outline: 2px solid var(--trdfaq-crisis-bg, #8b0000);
  background: var(--trdfaq-crisis-bg, #8b0000); color: var(--trdfaq-crisis-fg, #fff); }
.crisis p { margin: 0 0 8px; }
.crisis .lead { font-weight: 700; font-size: 1.05em; }
.crisis ul { list-style: none; margin: 10px 0; padding: 0; display: grid; gap: 10px; }
.crisis li { padding-top: 8px; border-top: 1px solid rgb(255 255 255 / 0.4); }
.crisis .name { display: block; font-weight: 700; }
.crisis .links { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.crisis a { display: inline-block; padding: 6px 12px; border-radius: 8px; font-weight: 700;
  background: var(--trdfaq-crisis-fg, #fff); color: var(--trdfaq-crisis-bg, #8b0000);
  text-decoration: underline; }
.crisis a:focus-visible { outline-color: var(--trdfaq-crisis-fg, #fff); }
.crisis .region { font-weight: 400; opacity: 0.9; }
.thinking { color: var(--trdfaq-muted, #4a5260); font-style: italic; }
form { flex: none; display: flex; gap: 8px; padding: 10px 12px 6px;
  border-top: 1px solid var(--trdfaq-border, #c9ced6); }
input { flex: 1; min-width: 0; padding: 9px 10px; border-radius: 8px;
  border: 1px solid var(--trdfaq-input-border, #8a93a3); background: var(--trdfaq-bg, #fff); }
.send { flex: none; padding: 9px 14px; border: 0; border-radius: 8px; cursor: pointer;
  font-weight: 600; background: var(--trdfaq-accent, #1a56b8);
  color: var(--trdfaq-accent-fg, #fff); }
.status { flex: none; margin: 0 12px 6px; font-size: 0.9em; color: var(--trdfaq-error, #a3151b); }
.status button { margin-left: 6px; padding: 2px 8px; border-radius: 6px; cursor: pointer;
  border: 1px solid currentColor; background: transparent; color: inherit; }
.suggestions { flex: none; max-height: 34%; overflow-y: auto; padding: 0 12px 10px; }
.suggestions p { margin: 0 0 6px; font-size: 0.87em; color: var(--trdfaq-muted, #4a5260); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { max-width: 100%; padding: 4px 10px; border-radius: 999px; cursor: pointer;
  text-align: left; overflow-wrap: anywhere; font-size: 0.9em;
  border: 1px solid var(--trdfaq-accent, #1a56b8); background: var(--trdfaq-bg, #fff);
  color: var(--trdfaq-accent, #1a56b8); }
.chip:hover, .send:hover, header button:hover { filter: brightness(0.93); }
`;

  let sharedSheet = null;

  /** Style a shadow root: a constructable stylesheet (not subject to the page's style-src). */
  function adoptStyles(root) {
    if (root.adoptedStyleSheets !== undefined && "replaceSync" in CSSStyleSheet.prototype) {
      if (!sharedSheet) {
        sharedSheet = new CSSStyleSheet();
        sharedSheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sharedSheet];
    } else {
      const style = document.createElement("style");
      style.textContent = CSS;
      root.append(style);
    }
  }

  /** An element with attributes, listeners and children; strings become text nodes. */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** The quote's text, with the highlighted spans (code point offsets) as <mark>. */
  function highlighted(quote, spans) {
    const chars = Array.from(quote);
    const parts = [];
    let at = 0;
    const valid = (spans || []).filter((s) => Array.isArray(s) && s.length === 2);
    for (const [start, end] of valid.slice().sort((a, b) => a[0] - b[0])) {
      const from = Math.max(at, start);
      const to = Math.min(chars.length, end);
      if (from >= to) continue;
      if (from > at) parts.push(chars.slice(at, from).join(""));
      parts.push(h("mark", null, chars.slice(from, to).join("")));
      at = to;
    }
    if (at < chars.length) parts.push(chars.slice(at).join(""));
    return parts;
  }

  class TrdfaqChat extends HTMLElement {
    static get observedAttributes() { return ["open", "title"]; }

    constructor() {
      super();
      this.info = null;
      this.infoRequest = null;
      this.conversationId = null;
      this.busy = false;
      this.lastCrisis = null;
      this.lastQuestion = "";
      this.root = this.attachShadow({ mode: "open" });
      adoptStyles(this.root);
      this.build();
    }

    connectedCallback() {
      this.applyMode();
      if (!this.info) this.loadInfo();
    }

    attributeChangedCallback(name) {
      if (name === "open") this.applyMode();
      if (name === "title") this.applyLabels();
    }

    get api() {
      const base = this.getAttribute("api") || SCRIPT_BASE;
      return base.endsWith("/") ? base : base + "/";
    }

    titleText() {
      return this.getAttribute("title") || (this.info && this.info.name) || FALLBACK.name;
    }

    /** The widget's words for `key`: the server's labels, else the fallback, else nothing. */
    t(key) {
      const labels = (this.info && this.info.labels) || {};
      return labels[key] || FALLBACK[key] || "";
    }

    /** Put the current words on the controls built before /api/info answered. */
    applyLabels() {
      this.heading.textContent = this.titleText();
      this.launcher.textContent = this.getAttribute("title") || this.t("open_chat");
      this.closeButton.setAttribute("aria-label", this.t("close"));
      this.helpButton.textContent = this.t("get_help");
      this.helpBox.setAttribute("aria-label", this.t("crisis_title"));
      this.inputLabel.textContent = this.t("question_label");
      this.sendButton.textContent = this.t("ask");
    }

    build() {
      this.heading = h("h2", { id: "title" });
      this.helpButton = h("button", { type: "button", class: "help", hidden: true,
        "aria-expanded": "false", "aria-controls": "helpbox", onclick: () => this.toggleHelp() });
      this.closeButton = h("button", { type: "button", class: "close",
        onclick: () => this.setExpanded(false) }, "×");
      this.helpBox = h("div", { id: "helpbox", class: "helpbox", hidden: true, tabindex: "-1",
        role: "region" });
      this.log = h("div", { class: "log", role: "log", "aria-live": "polite",
        "aria-labelledby": "title", tabindex: "0" });
      this.input = h("input", { id: "q", type: "text", name: "question", autocomplete: "off",
        maxlength: "1000", enterkeyhint: "send", "aria-describedby": "status" });
      this.status = h("p", { id: "status", class: "status", "aria-live": "assertive" });
      this.suggestions = h("div", { class: "suggestions", role: "group",
        "aria-labelledby": "suggestions-title" });
      this.inputLabel = h("label", { for: "q", class: "sr-only" });
      this.sendButton = h("button", { type: "submit", class: "send" });
      this.panel = h("section", { class: "panel", id: "panel", "aria-labelledby": "title",
        onkeydown: (e) => this.onKey(e) },
        h("header", null, this.heading, this.helpButton, this.closeButton),
        this.helpBox,
        this.log,
        h("form", { onsubmit: (e) => { e.preventDefault(); this.ask(this.input.value); } },
          this.inputLabel,
          this.input,
          this.sendButton),
        this.status,
        this.suggestions);
      this.launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false",
        "aria-controls": "panel", onclick: () => this.setExpanded(true) });
      // title="" stops the host's title attribute from becoming a tooltip over everything.
      this.container = h("div", { class: "root", title: "" }, this.launcher, this.panel);
      this.root.append(this.container);
      this.applyLabels();
    }

    applyMode() {
      const inline = this.hasAttribute("open");
      this.container.classList.toggle("inline", inline);
      this.container.classList.toggle("floating", !inline);
      this.closeButton.hidden = inline;
      this.launcher.hidden = inline;
      this.panel.hidden = !inline && this.launcher.getAttribute("aria-expanded") !== "true";
    }

    setExpanded(expanded) {
      this.launcher.setAttribute("aria-expanded", String(expanded));
      this.panel.hidden = !expanded;
      (expanded ? this.input : this.launcher).focus();
    }

    onKey(event) {
      if (event.key === "Escape" && !this.hasAttribute("open")) {
        event.stopPropagation();
        this.setExpanded(false);
      }
    }

    /** GET /api/info, one request at a time; resolves once it has loaded or failed. */
    loadInfo() {
      if (!this.infoRequest) {
        this.infoRequest = this.fetchInfo().finally(() => { this.infoRequest = null; });
      }
      return this.infoRequest;
    }

    async fetchInfo() {
      try {
        const response = await fetch(new URL("api/info", this.api), { credentials: "omit" });
        if (!response.ok) throw new Error(String(response.status));
        this.info = await response.json();
      } catch {
        this.showStatus(this.t("network_error"), () => this.loadInfo());
        return;
      }
      this.showStatus("");
      this.applyLabels();
      this.input.placeholder = this.info.placeholder || "";
      this.input.maxLength = this.info.max_question_chars || 1000;
      this.append_(h("div", { class: "msg bot" },
        h("p", null, this.info.greeting), h("p", { class: "disclaimer" }, this.info.disclaimer)));
      this.suggest(this.t("examples_title"), this.info.examples || []);
    }

    async ask(text) {
      const question = String(text || "").trim();
      if (this.busy) return;
      if (!this.info) {
        // The words for what follows come with /api/info: wait for it (or its error message).
        this.busy = true;
        await this.loadInfo();
        this.busy = false;
        if (!this.info) return;
      }
      if (!question) {
        this.showStatus(this.info.empty_question);
        return;
      }
      this.busy = true;
      this.lastQuestion = question;
      this.showStatus("");
      this.input.value = "";
      const bubble = this.append_(h("div", { class: "msg user" },
        h("span", { class: "sr-only" }, this.t("you_asked") + " "), question));
      const thinking = this.append_(h("p", { class: "thinking", "aria-hidden": "true" },
        this.t("thinking")));
      this.log.setAttribute("aria-busy", "true");
      let failure = null;
      try {
        const response = await fetch(new URL("api/ask", this.api), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question, conversation_id: this.conversationId,
            region: this.getAttribute("region") || null }),
          credentials: "omit",
          cache: "no-store",
        });
        if (response.status === 429) {
          failure = [this.t("too_many"), null];
        } else if (!response.ok) {
          const body = await response.json().catch(() => null);
          const known = response.status < 500 && body && typeof body.error === "string";
          failure = known ? [body.error, null] : [this.t("network_error"), () => this.retry()];
        } else {
          const answer = await response.json();
          this.conversationId = answer.conversation_id || null;
          thinking.remove();
          this.append_(this.renderAnswer(answer), false);
          this.scrollTo(bubble);
        }
      } catch {
        failure = [this.t("network_error"), () => this.retry()];
      } finally {
        thinking.remove();
        this.log.removeAttribute("aria-busy");
        this.busy = false;
      }
      if (failure) {
        bubble.remove();
        if (!this.input.value) this.input.value = question;
        this.showStatus(failure[0], failure[1]);
      }
    }

    retry() {
      this.ask(this.input.value || this.lastQuestion);
    }

    showStatus(message, retry) {
      this.status.replaceChildren(message || "");
      if (message && retry) {
        this.status.append(h("button", { type: "button", onclick: retry }, this.t("retry")));
      }
    }

    append_(node, scroll = true) {
      this.log.append(node);
      if (scroll) this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    scrollTo(node) {
      this.log.scrollTop = Math.max(0, node.offsetTop - 8);
    }

    renderAnswer(answer) {
      const parts = [];
      if (answer.crisis) {
        this.lastCrisis = answer.crisis;
        this.helpButton.hidden = false;
        parts.push(this.renderCrisis(answer.crisis, true));
      }
      if (answer.message) parts.push(h("p", { class: "notice" }, answer.message));
      for (const quote of answer.answers || []) parts.push(this.renderQuote(quote));
      if (answer.footer) parts.push(h("p", { class: "footer" }, answer.footer));
      parts.push(h("p", { class: "disclaimer" }, answer.disclaimer));
      const topics = answer.status === "no_match";
      this.suggest(this.t(topics ? "topics" : "follow_ups"), answer.follow_ups || []);
      return h("article", { class: "msg bot", "aria-label": this.t("answer") }, parts);
    }

    sourceLine(source) {
      const publisher = source.publisher || this.t("publisher_unknown");
      const line = [h("cite", null, source.title), ` — ${publisher}`];
      if (source.section && source.section !== source.title) {
        const section = this.t("section").toLowerCase();
        line.push(`, ${section} “${source.section}”`);
      }
      return line;
    }

    renderQuote(quote) {
      const figure = h("figure", null,
        h("blockquote", null, highlighted(quote.quote, quote.highlights)),
        h("figcaption", null, "— ", this.sourceLine(quote.source)));
      const others = quote.corroborated_by || [];
      if (others.length) {
        const template = this.t("corroborated");
        figure.append(h("details", null,
          h("summary", null, template.replace("{n}", String(others.length + 1))),
          h("p", { class: "source" }, this.t("also_said")),
          others.map((other) => h("figure", null,
            h("blockquote", null, other.quote),
            h("figcaption", null, "— ", this.sourceLine(other.source))))));
      }
      return figure;
    }

    renderCrisis(crisis, alert) {
      const regions = (this.info && this.info.regions) || {};
      const items = (crisis.resources || []).map((resource) => {
        const where = String(resource.region || "").split("/").filter(Boolean)
          .map((code) => regions[code] || code).join(", ");
        const links = (resource.links || []).filter((link) => SAFE_HREF.test(link.href))
          .map((link) => {
            const web = link.href.toLowerCase().startsWith("https:");
            return h("a", { href: link.href, target: web ? "_blank" : null,
              rel: web ? "noopener noreferrer" : null }, link.label);
          });
        return h("li", null,
          h("span", { class: "name" }, resource.name,
            where ? h("span", { class: "region" }, ` (${where})`) : null),
          h("span", { class: "contact" }, resource.contact),
          links.length ? h("span", { class: "links" }, links) : null);
      });
      return h("section", { class: "crisis", role: alert ? "alert" : null },
        h("p", { class: "lead" }, crisis.message),
        h("ul", null, items),
        crisis.closing ? h("p", null, crisis.closing) : null);
    }

    toggleHelp() {
      const show = this.helpBox.hidden;
      if (show && this.lastCrisis) {
        this.helpBox.replaceChildren(this.renderCrisis(this.lastCrisis, false),
          h("button", { type: "button", class: "chip", onclick: () => this.toggleHelp() },
            this.t("hide")));
      }
      this.helpBox.hidden = !show;
      this.helpButton.setAttribute("aria-expanded", String(show));
      (show ? this.helpBox : this.helpButton).focus();
    }

    suggest(title, questions) {
      this.suggestions.replaceChildren();
      if (!questions.length) return;
      this.suggestions.append(
        h("p", { id: "suggestions-title" }, title),
        h("div", { class: "chips" }, questions.map((q) =>
          h("button", { type: "button", class: "chip", onclick: () => this.ask(q) }, q))));
    }
  }

  customElements.define("trdfaq-chat", TrdfaqChat);
})();
