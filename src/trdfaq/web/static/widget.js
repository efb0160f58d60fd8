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
  const TIMEOUT_SECONDS = 15; // an answer not here by then is given up on (attribute timeout)
  // What each kind of failure is called: nothing came back, too slow, the server failed.
  const FAILURE_LABELS = { network: "network_error", timeout: "timeout",
    server_error: "server_error", too_many: "too_many" };

  // Filled in by the server that serves this file (prompts/assistant.yaml's labels and
  // prompts/crisis.yaml's lines for every region, as the core composes them), so the widget
  // can show crisis lines and name its controls even when the API cannot be reached.
  const BUILT_IN = /*@built-in*/null;

  // Used ONLY when this file was not served by trdfaq (BUILT_IN is null) and /api/info has
  // not loaded: it names the controls on screen (so no button is ever blank or unnamed) and
  // says the assistant cannot be reached. Answers and their wording always come from the
  // server: a question waits for /api/info (see ask).
  const FALLBACK = {
    name: "trdfaq",
    open_chat: "Ask about TRD",
    ask: "Ask",
    still_working: "Still working…",
    question_label: "Your question",
    close: "Close",
    in_crisis: "In crisis?",
    hide: "Hide",
    network_error: "Couldn't reach the assistant. Check your connection and try again.",
    retry: "Try again",
  };

  /** The region of a code or alias ("gb" -> "UK"), or "" when it is not one we know. */
  function regionOf(code) {
    const data = BUILT_IN || {};
    const upper = String(code || "").trim().toUpperCase();
    if ((data.regions || {})[upper]) return upper;
    return (data.region_aliases || {})[upper] || "";
  }

  /** The region the browser's language tag names ("en-GB" -> "UK"); INTL for any other
   * country (findahelpline.com lists them all); "" (the default) when it names none. */
  function browserRegion() {
    for (const tag of navigator.languages || [navigator.language || ""]) {
      const country = String(tag).split(/[-_]/).slice(1).find((part) => /^[A-Za-z]{2}$/.test(part));
      if (country) return regionOf(country) || "INTL";
    }
    return "";
  }

  const CSS = `
:host { display: block; }
:host([hidden]) { display: none; }
.root {
  all: initial; display: block; box-sizing: border-box;
  font-family: var(--trdfaq-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--trdfaq-font-size, 1rem); line-height: 1.45;
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
  border: 1px solid var(--trdfaq-border, #c9ced6); border-radius: var(--trdfaq-radius, 0.75em);
  box-shadow: 0 0.4em 1.5em rgb(0 0 0 / 0.14); }
.inline .panel { width: 100%; max-width: var(--trdfaq-width, 28em);
  height: min(var(--trdfaq-height, 38em), 100vh); }
.floating .panel { position: fixed; z-index: 2147483000; right: 1em; bottom: 5.25em;
  width: min(var(--trdfaq-width, 25em), calc(100vw - 2em));
  height: min(var(--trdfaq-height, 38em), calc(100vh - 6.75em)); }
.launcher { position: fixed; z-index: 2147483000; right: 1em; bottom: 1em;
  max-width: calc(100vw - 2em); padding: 0.75em 1.1em; border: 0; border-radius: 999px;
  background: var(--trdfaq-accent, #1a56b8); color: var(--trdfaq-accent-fg, #fff);
  font-weight: 600; cursor: pointer; box-shadow: 0 0.25em 0.9em rgb(0 0 0 / 0.25); }
@media (max-width: 30em) {
  .floating .panel { inset: 0; width: 100vw; height: 100%; border-radius: 0; }
  .floating.expanded .launcher { display: none; }
}
header { flex: none; display: flex; align-items: center; gap: 0.5em; padding: 0.6em 0.75em;
  background: var(--trdfaq-accent, #1a56b8); color: var(--trdfaq-accent-fg, #fff); }
.heading { flex: 1; min-width: 0; }
h2 { margin: 0; font-size: 1.05em; font-weight: 650; overflow-wrap: anywhere; }
.subtitle { margin: 0; font-size: 0.8em; overflow-wrap: anywhere; }
header button { flex: none; border: 2px solid currentColor; border-radius: 0.5em;
  background: transparent; color: inherit; padding: 0.25em 0.6em; cursor: pointer; }
header .help { background: var(--trdfaq-crisis-bg, #8b0000); color: var(--trdfaq-crisis-fg, #fff);
  border-color: var(--trdfaq-crisis-fg, #fff); font-weight: 700; font-size: 0.87em; }
.helpbox { flex: none; max-height: 60%; overflow-y: auto; padding: 0.5em;
  border-bottom: 1px solid var(--trdfaq-border, #c9ced6); }
.helpbox .crisis { margin: 0; }
.helpbox .intro { margin: 0 0 0.5em; font-weight: 600; }
.log { position: relative; flex: 1; min-height: 0; overflow-y: auto; padding: 0.75em;
  display: flex; flex-direction: column; gap: 0.75em; overscroll-behavior: contain; }
.msg { max-width: 100%; overflow-wrap: anywhere; }
.msg p { margin: 0 0 0.5em; }
.msg p:last-child { margin-bottom: 0; }
.user { align-self: flex-end; max-width: 85%; padding: 0.5em 0.75em; border-radius: 0.75em;
  background: var(--trdfaq-user-bg, #e8eefb); white-space: pre-wrap; }
.bot { align-self: stretch; }
.notice { padding: 0.5em 0.6em; border-radius: 0.5em; background: var(--trdfaq-notice-bg, #fff7e0);
  border: 1px solid var(--trdfaq-notice-border, #e2b33b); }
figure { margin: 0 0 0.75em; }
blockquote { margin: 0; padding: 0.5em 0.75em; white-space: pre-line;
  border-left: 4px solid var(--trdfaq-accent, #1a56b8);
  background: var(--trdfaq-surface, #f4f6f9); border-radius: 0 0.5em 0.5em 0; }
mark { background: var(--trdfaq-mark, #fde68a); color: inherit; padding: 0 1px; }
figcaption, .source { margin-top: 0.25em; font-size: 0.87em; color: var(--trdfaq-muted, #4a5260); }
cite { font-style: italic; }
details { margin-top: 0.4em; font-size: 0.93em; }
summary { cursor: pointer; color: var(--trdfaq-accent, #1a56b8); font-weight: 600;
  width: fit-content; }
details figure { margin: 0.5em 0 0 0.75em; }
.more > figure { margin-left: 0; }
.related { margin-top: 0.5em; padding: 0.5em 0.6em; border: 1px dashed var(--trdfaq-border, #c9ced6);
  border-radius: 0.5em; }
.related h3 { margin: 0 0 0.4em; font-size: 0.93em; font-weight: 650;
  color: var(--trdfaq-muted, #4a5260); }
.related blockquote { border-left-color: var(--trdfaq-muted, #4a5260); }
.footer { padding: 0.4em 0.6em; border-left: 4px solid var(--trdfaq-crisis-bg, #8b0000);
  font-size: 0.93em; }
.disclaimer { font-size: 0.82em; color: var(--trdfaq-muted, #4a5260); }
.crisis { padding: 0.75em; border-radius: 0.6em; border: 3px solid var(--trdfaq-crisis-fg, #fff);
  outline: 2px solid var(--trdfaq-crisis-bg, #8b0000);
  background: var(--trdfaq-crisis-bg, #8b0000); color: var(--trdfaq-crisis-fg, #fff); }
.crisis p { margin: 0 0 0.5em; }
.crisis .lead { font-weight: 700; font-size: 1.05em; }
.crisis .question { font-weight: 700; }
.crisis ul { list-style: none; margin: 0.6em 0; padding: 0; display: grid; gap: 0.6em; }
.crisis li { padding-top: 0.5em; border-top: 1px solid rgb(255 255 255 / 0.4); }
.crisis .name { display: block; font-weight: 700; }
.crisis .links { display: flex; flex-wrap: wrap; gap: 0.4em; margin-top: 0.4em; }
.crisis a { display: inline-block; padding: 0.4em 0.75em; border-radius: 0.5em; font-weight: 700;
  background: var(--trdfaq-crisis-fg, #fff); color: var(--trdfaq-crisis-bg, #8b0000);
  text-decoration: underline; }
.crisis a:focus-visible { outline-color: var(--trdfaq-crisis-fg, #fff); }
.crisis .region { font-weight: 400; opacity: 0.9; }
.thinking { color: var(--trdfaq-muted, #4a5260); font-style: italic; }
form { flex: none; display: flex; gap: 0.5em; padding: 0.6em 0.75em 0.4em;
  border-top: 1px solid var(--trdfaq-border, #c9ced6); }
input { flex: 1; min-width: 0; padding: 0.5em 0.6em; border-radius: 0.5em;
  font-size: max(1em, 16px);
  border: 1px solid var(--trdfaq-input-border, #8a93a3); background: var(--trdfaq-bg, #fff); }
.send { flex: none; padding: 0.5em 0.9em; border: 0; border-radius: 0.5em; cursor: pointer;
  font-weight: 600; background: var(--trdfaq-accent, #1a56b8);
  color: var(--trdfaq-accent-fg, #fff); }
.send[aria-disabled="true"] { cursor: progress; opacity: 0.75; }
.status { flex: none; margin: 0 0.75em 0.25em; font-size: 0.9em; color: var(--trdfaq-error, #a3151b); }
.status:empty { display: none; }
.status button { margin-left: 0.4em; padding: 0.1em 0.5em; border-radius: 0.4em; cursor: pointer;
  border: 1px solid currentColor; background: transparent; color: inherit; }
.foot { flex: none; margin: 0; padding: 0.2em 0.75em 0.4em; font-size: 0.75em;
  color: var(--trdfaq-muted, #4a5260); }
.suggestions p { margin: 0 0 0.4em; font-size: 0.87em; color: var(--trdfaq-muted, #4a5260); }
.chips { display: flex; flex-wrap: wrap; gap: 0.4em; }
.chip { max-width: 100%; padding: 0.25em 0.6em; border-radius: 999px; cursor: pointer;
  text-align: left; overflow-wrap: anywhere; font-size: 0.9em;
  border: 1px solid var(--trdfaq-accent, #1a56b8); background: var(--trdfaq-bg, #fff);
  color: var(--trdfaq-accent, #1a56b8); }
.chip:hover, .send:hover, header button:hover { filter: brightness(0.93); }
@media (max-height: 32em) {
  header { padding: 0.25em 0.5em; }
  .subtitle, .foot { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  form { padding: 0.3em 0.5em; }
  .helpbox { max-height: 50%; }
}
@media (max-height: 20em) {
  header button { padding: 0.1em 0.45em; }
  input, .send { padding-top: 0.3em; padding-bottom: 0.3em; }
  .foot { padding: 0 0.75em 0.2em; }
}
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
      this.disclaimers = new Set(); // each shown once per conversation
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

    /** Seconds an answer may take before the widget gives up on it. */
    get timeoutSeconds() {
      const value = Number(this.getAttribute("timeout"));
      return value > 0 ? value : TIMEOUT_SECONDS;
    }

    /** The region for crisis lines: the region attribute, else the browser's language tag. */
    get crisisRegion() {
      const given = this.getAttribute("region");
      return given ? regionOf(given) : browserRegion();
    }

    titleText() {
      return this.getAttribute("title") || (this.info && this.info.name) || FALLBACK.name;
    }

    /** The widget's words for `key`: the server's labels (from /api/info, else built in),
     * else the fallback, else nothing. */
    t(key) {
      const labels = (this.info && this.info.labels) || (BUILT_IN && BUILT_IN.labels) || {};
      return labels[key] || FALLBACK[key] || "";
    }

    /** Put the current words on the controls built before /api/info answered. */
    applyLabels() {
      this.heading.textContent = this.titleText();
      this.subtitle.textContent = this.t("subtitle");
      this.foot.textContent = this.t("footer");
      this.launcher.textContent = this.getAttribute("title") || this.t("open_chat");
      this.closeButton.setAttribute("aria-label", this.t("close"));
      this.helpButton.textContent = this.t(this.lastCrisis ? "get_help" : "in_crisis");
      this.helpBox.setAttribute("aria-label", this.t("crisis_title"));
      this.inputLabel.textContent = this.t("question_label");
      this.setBusy(this.busy);
    }

    build() {
      this.heading = h("h2", { id: "title" });
      this.subtitle = h("p", { class: "subtitle" });
      this.helpButton = h("button", { type: "button", class: "help",
        "aria-expanded": "false", "aria-controls": "helpbox", onclick: () => this.toggleHelp() });
      this.closeButton = h("button", { type: "button", class: "close",
        onclick: () => this.setExpanded(false) }, "×");
      this.helpBox = h("div", { id: "helpbox", class: "helpbox", hidden: true, tabindex: "-1",
        role: "region" });
      // Announcements, outside the log: a crisis reply's headline (assertive), and a short
      // line per answer (polite); the answer itself is read in the log.
      this.alert = h("div", { class: "sr-only", role: "alert" });
      this.announcer = h("div", { class: "sr-only", role: "status", "aria-live": "polite" });
      this.log = h("div", { class: "log", role: "log", "aria-live": "off",
        "aria-labelledby": "title", tabindex: "0" });
      this.suggestions = h("div", { class: "suggestions", role: "group",
        "aria-labelledby": "suggestions-title" });
      this.input = h("input", { id: "q", type: "text", name: "question", autocomplete: "off",
        enterkeyhint: "send", "aria-describedby": "status", oninput: () => this.checkLength() });
      this.status = h("p", { id: "status", class: "status", "aria-live": "assertive" });
      this.inputLabel = h("label", { for: "q", class: "sr-only" });
      this.sendButton = h("button", { type: "submit", class: "send" });
      this.foot = h("p", { class: "foot" });
      this.panel = h("section", { class: "panel", id: "panel", "aria-labelledby": "title",
        onkeydown: (e) => this.onKey(e) },
        h("header", null,
          h("div", { class: "heading" }, this.heading, this.subtitle),
          this.helpButton, this.closeButton),
        this.helpBox,
        this.alert,
        this.announcer,
        this.log,
        h("form", { onsubmit: (e) => { e.preventDefault(); this.ask(this.input.value); } },
          this.inputLabel,
          this.input,
          this.sendButton),
        this.status,
        this.foot);
      this.launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false",
        "aria-controls": "panel", onclick: () => this.setExpanded(!this.expanded) });
      // title="" stops the host's title attribute from becoming a tooltip over everything.
      this.container = h("div", { class: "root", title: "" }, this.launcher, this.panel);
      this.root.append(this.container);
      this.applyLabels();
    }

    get expanded() {
      return this.launcher.getAttribute("aria-expanded") === "true";
    }

    applyMode() {
      const inline = this.hasAttribute("open");
      this.container.classList.toggle("inline", inline);
      this.container.classList.toggle("floating", !inline);
      this.container.classList.toggle("expanded", !inline && this.expanded);
      this.closeButton.hidden = inline;
      this.launcher.hidden = inline;
      this.panel.hidden = !inline && !this.expanded;
    }

    setExpanded(expanded) {
      this.launcher.setAttribute("aria-expanded", String(expanded));
      this.applyMode();
      (expanded ? this.input : this.launcher).focus();
    }

    /** Escape closes the innermost layer only: a fold, then the crisis box, then the panel. */
    onKey(event) {
      if (event.key !== "Escape") return;
      const path = event.composedPath();
      const fold = path.find((node) => node instanceof HTMLDetailsElement && node.open);
      if (fold) {
        fold.open = false;
        fold.querySelector("summary").focus();
      } else if (!this.helpBox.hidden) {
        this.toggleHelp();
      } else if (!this.hasAttribute("open")) {
        this.setExpanded(false);
      } else {
        return;
      }
      event.stopPropagation();
      event.preventDefault();
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
        const response = await this.fetch("api/info", { credentials: "omit" });
        if (!response.ok) throw new Error(String(response.status));
        this.info = await response.json();
      } catch (error) {
        this.showFailure(this.failureOf(error), () => this.loadInfo());
        return;
      }
      this.showStatus("");
      this.applyLabels();
      this.input.placeholder = this.info.placeholder || "";
      this.disclaimers.add(this.info.disclaimer);
      this.append_(h("div", { class: "msg bot" },
        h("p", null, this.info.greeting), h("p", { class: "disclaimer" }, this.info.disclaimer)));
      this.suggest(this.t("examples_title"), this.info.examples || []);
    }

    /** fetch with the widget's time-out: an Error named "TimeoutError" when it runs out. */
    async fetch(path, options) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutSeconds * 1000);
      try {
        return await fetch(new URL(path, this.api), { ...options, signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted) {
          const timeout = new Error("timeout");
          timeout.name = "TimeoutError";
          throw timeout;
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }

    /** A failure's kind: "timeout" or "network" (nothing came back). */
    failureOf(error) {
      return error && error.name === "TimeoutError" ? "timeout" : "network";
    }

    maxChars() {
      return (this.info && this.info.max_question_chars)
        || (BUILT_IN && BUILT_IN.max_question_chars) || 1000;
    }

    /** Say so when the question is over the limit; it is still sent (crisis help comes first
     * whatever its length, and the server explains the limit otherwise). */
    checkLength() {
      const count = Array.from(this.input.value.trim()).length;
      const limit = this.maxChars();
      if (count > limit) {
        this.showStatus(this.t("too_long").replace("{n}", limit.toLocaleString("en"))
          .replace("{count}", count.toLocaleString("en")));
        this.status.dataset.kind = "too_long";
      } else if (this.status.dataset.kind === "too_long") {
        this.showStatus("");
      }
    }

    setBusy(busy) {
      this.busy = busy;
      this.sendButton.textContent = this.t(busy ? "still_working" : "ask");
      // aria-disabled, not disabled: the button keeps its focus and stays announced.
      this.sendButton.setAttribute("aria-disabled", String(busy));
      if (busy) this.log.setAttribute("aria-busy", "true");
      else this.log.removeAttribute("aria-busy");
    }

    async ask(text) {
      const question = String(text || "").trim();
      if (this.busy) {
        if (this.info) this.showStatus(this.t("busy"));
        return;
      }
      if (!this.info) {
        // The words for what follows come with /api/info: wait for it (or its error message).
        this.setBusy(true);
        await this.loadInfo();
        this.setBusy(false);
        if (!this.info) return;
      }
      if (!question) {
        this.showStatus(this.info.empty_question);
        return;
      }
      this.setBusy(true);
      this.lastQuestion = question;
      if (this.status.dataset.kind !== "too_long") this.showStatus("");
      this.input.value = "";
      const bubble = this.append_(h("div", { class: "msg user" },
        h("span", { class: "sr-only" }, this.t("you_asked") + " "), question));
      const thinking = this.append_(h("p", { class: "thinking", "aria-hidden": "true" },
        this.t("thinking")));
      let failure = null;
      try {
        const response = await this.fetch("api/ask", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question, conversation_id: this.conversationId,
            region: this.getAttribute("region") || null }),
          credentials: "omit",
          cache: "no-store",
        });
        if (response.status === 429) {
          failure = ["too_many", null];
        } else if (!response.ok) {
          const body = await response.json().catch(() => null);
          const known = response.status < 500 && body && typeof body.error === "string";
          failure = known ? [null, body.error] : ["server_error", null];
        } else {
          const answer = await response.json();
          this.conversationId = answer.conversation_id || null;
          thinking.remove();
          this.showStatus("");
          this.append_(this.renderAnswer(answer), false);
          this.scrollTo(bubble);
        }
      } catch (error) {
        failure = [this.failureOf(error), null];
      } finally {
        thinking.remove();
        this.setBusy(false);
      }
      if (failure) {
        bubble.remove();
        if (!this.input.value) this.input.value = question;
        const [kind, message] = failure;
        if (kind) this.showFailure(kind, () => this.retry());
        else this.showStatus(message);
      }
    }

    retry() {
      this.ask(this.input.value || this.lastQuestion);
    }

    /** A request that failed: what happened, a retry, and (when nothing came back at all)
     * the built-in crisis lines, which need no server. */
    showFailure(kind, retry) {
      this.showStatus(this.t(FAILURE_LABELS[kind]), kind === "too_many" ? null : retry);
      this.status.dataset.kind = kind;
      if (kind === "network" || kind === "timeout") this.showBuiltInCrisis();
    }

    showStatus(message, retry) {
      this.status.replaceChildren(message || "");
      delete this.status.dataset.kind;
      if (message && retry) {
        this.status.append(h("button", { type: "button", onclick: retry }, this.t("retry")));
      }
    }

    /** The crisis lines for this visitor, as built into the script (null if it has none). */
    builtInCrisis() {
      const all = (BUILT_IN && BUILT_IN.crisis) || {};
      return all[this.crisisRegion] || all[""] || null;
    }

    /** The crisis lines of /api/info, for a script not served by trdfaq (no built-in ones). */
    infoCrisis() {
      const resources = (this.info && this.info.crisis_resources) || [];
      if (!resources.length) return null;
      return { resources: resources.map((r) => ({ ...r, region: (r.regions || []).join("/") })) };
    }

    /** Open the crisis box with the built-in lines, without taking the focus. */
    showBuiltInCrisis() {
      const crisis = this.lastCrisis || this.builtInCrisis();
      if (!crisis) return;
      this.fillHelp(crisis, this.t("offline_crisis"));
      this.helpBox.hidden = false;
      this.helpButton.setAttribute("aria-expanded", "true");
    }

    append_(node, scroll = true) {
      this.log.insertBefore(node, this.suggestions.isConnected ? this.suggestions : null);
      if (scroll) this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    scrollTo(node) {
      this.log.scrollTop = Math.max(0, node.offsetTop - 8);
    }

    renderAnswer(answer) {
      const parts = [];
      const status = answer.status;
      if (answer.crisis) {
        this.lastCrisis = answer.crisis;
        this.applyLabels();
        parts.push(this.renderCrisis(answer.crisis));
        this.alert.textContent = answer.crisis.headline || answer.crisis.message || "";
      }
      if (answer.context_lost) parts.push(h("p", { class: "notice lost" }, this.t("context_lost")));
      if (answer.message) parts.push(h("p", { class: "notice" }, answer.message));
      const quotes = answer.answers || [];
      const shown = quotes.filter((quote, i) => i === 0 || !quote.folded);
      const folded = quotes.filter((quote, i) => i > 0 && quote.folded);
      for (const quote of shown) parts.push(this.renderQuote(quote));
      if (folded.length) {
        parts.push(h("details", { class: "more" },
          h("summary", null, this.t("more_quotes").replace("{n}", String(folded.length))),
          folded.map((quote) => this.renderQuote(quote))));
      }
      if (answer.related && (answer.related.quotes || []).length) {
        parts.push(h("section", { class: "related" },
          h("h3", null, answer.related.label),
          answer.related.quotes.map((quote) => this.renderQuote(quote))));
      }
      if (answer.footer) parts.push(h("p", { class: "footer" }, answer.footer));
      if (answer.disclaimer && !this.disclaimers.has(answer.disclaimer)) {
        parts.push(h("p", { class: "disclaimer" }, answer.disclaimer));
        this.disclaimers.add(answer.disclaimer);
      }
      const topics = status === "no_match";
      this.suggest(this.t(topics ? "topics" : "follow_ups"), answer.follow_ups || []);
      this.announcer.textContent = "";
      this.announcer.textContent = this.t("new_answer");
      return h("article", { class: "msg bot", "data-status": status,
        "aria-label": this.t("answer") }, parts);
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

    /** A crisis reply, all of it in view: the line to call now, a sentence of care, a
     * check-in's question, every resource with its links, then the note and closing. */
    renderCrisis(crisis) {
      const regions = (this.info && this.info.regions) || (BUILT_IN && BUILT_IN.regions) || {};
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
      return h("section", { class: "crisis" },
        crisis.headline ? h("p", { class: "lead" }, crisis.headline) : null,
        crisis.message ? h("p", null, crisis.message) : null,
        crisis.question ? h("p", { class: "question" }, crisis.question) : null,
        h("ul", null, items),
        crisis.note ? h("p", null, crisis.note) : null,
        crisis.closing ? h("p", null, crisis.closing) : null);
    }

    fillHelp(crisis, intro) {
      this.helpBox.replaceChildren(
        intro ? h("p", { class: "intro" }, intro) : null,
        this.renderCrisis(crisis),
        h("button", { type: "button", class: "chip", onclick: () => this.toggleHelp() },
          this.t("hide")));
    }

    /** The "In crisis?" button: the last crisis reply's lines, else the lines for this
     * visitor's region (from the server, or built into the script). */
    toggleHelp() {
      const show = this.helpBox.hidden;
      if (show) {
        const crisis = this.lastCrisis || this.builtInCrisis() || this.infoCrisis();
        if (crisis) this.fillHelp(crisis, null);
        else this.helpBox.replaceChildren(h("p", null, this.t("network_error")));
      }
      this.helpBox.hidden = !show;
      this.helpButton.setAttribute("aria-expanded", String(show));
      (show ? this.helpBox : this.helpButton).focus();
    }

    /** Suggested questions, at the end of the log (they scroll with it, never take a fixed
     * share of the panel). */
    suggest(title, questions) {
      this.suggestions.replaceChildren();
      if (!questions.length) {
        this.suggestions.remove();
        return;
      }
      this.suggestions.append(
        h("p", { id: "suggestions-title" }, title),
        h("div", { class: "chips" }, questions.map((q) =>
          h("button", { type: "button", class: "chip", onclick: () => this.ask(q) }, q))));
      this.log.append(this.suggestions);
    }
  }

  customElements.define("trdfaq-chat", TrdfaqChat);
})();
