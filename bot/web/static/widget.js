/*
 * Guiderum chat widget – citizen chat about ekonomiskt bistånd (City of Stockholm).
 *
 * Embedding (one tag, plain ES2019, no dependencies):
 *   <script src="https://HOST/static/widget.js" defer></script>
 * Optional attributes on that tag:
 *   data-api       base URL of the API (default: the origin widget.js was loaded from)
 *   data-language  preferred language code (default: <html lang>, then navigator.language, then "sv")
 *   data-mode      "inline" renders into #guiderum-chat instead of a floating launcher + panel
 * The script adds a <link> to widget.css from its own folder and builds its DOM with
 * createElement/textContent only, so it runs under a strict CSP and never renders text as HTML.
 *
 * API (JSON; errors are {"error": {"code", "message"}}):
 *   GET  {api}/api/languages                          languages + UI strings
 *   POST {api}/api/conversations                      {language} -> id, token, welcome messages
 *   PUT  {api}/api/conversations/{id}/language        {language} -> reply in the new language
 *   GET  {api}/api/conversations/{id}                 transcript (Authorization: Bearer token)
 *   POST {api}/api/conversations/{id}/messages        {text} or {payload} -> reply messages
 *   GET  {api}/api/conversations/{id}/events?token=   Server-Sent Events: later messages
 * {conversation_id, token} is kept in sessionStorage ("guiderum.conversation") so that a
 * page reload continues the same conversation.
 */
(function () {
  "use strict";

  if (window.guiderumChatLoaded) {
    return;
  }
  window.guiderumChatLoaded = true;

  const STORAGE_KEY = "guiderum.conversation";
  const MAX_LENGTH = 2000;
  const COUNTER_FROM = 1800;
  const REQUEST_TIMEOUT_MS = 90000;
  const LANGUAGES_TIMEOUT_MS = 8000;
  const STYLESHEET_TIMEOUT_MS = 4000;
  const RTL_LANGUAGES = ["ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv"];
  const SENDERS = ["bot", "agent", "citizen"];
  const SENDER_KEYS = { citizen: "you", bot: "assistant", agent: "agent" };
  const LINK_PROTOCOLS = ["http:", "https:", "tel:", "mailto:"];
  // URLs become links; digit groups ("08-508 25 000") are isolated so they stay left-to-right.
  const TEXT_PATTERN = /(https?:\/\/[^\s<>"]+)|(\+?\d+(?:[ \u00a0-]\d+)+)/g;

  // Used only when GET /api/languages fails.
  const FALLBACK_UI = {
    title: "Frågor om ekonomiskt bistånd",
    open_chat: "Öppna chatten",
    close_chat: "Stäng chatten",
    input_label: "Skriv din fråga",
    placeholder: "Skriv här …",
    send: "Skicka",
    typing: "Assistenten skriver …",
    error_network: "Det gick inte att nå tjänsten. Kontrollera din internetanslutning och försök igen.",
    error_generic: "Något gick fel. Försök igen.",
    restart: "Börja om",
    language_label: "Språk",
    you: "Du",
    assistant: "Assistenten",
    agent: "Handläggare",
    new_message: "Nytt meddelande",
    talk_to_person: "Prata med en person",
    queue_position: "Du är nummer {position} i kön",
    queue_wait: "Beräknad väntetid cirka {minutes} min",
    stop_waiting: "Sluta vänta",
    end_person_chat: "Avsluta chatten med personen",
    agent_typing: "{name} skriver …",
    callback_title: "Be om att bli uppringd",
    callback_phone: "Ditt telefonnummer",
    callback_time: "När kan vi ringa?",
    callback_morning: "På förmiddagen (8–12)",
    callback_afternoon: "På eftermiddagen (12–16)",
    callback_any: "När som helst när vi har öppet",
    callback_language: "Språk i samtalet",
    callback_send: "Skicka",
    callback_cancel: "Avbryt"
  };
  const TALK_TO_PERSON = "/contact_person";
  const TYPING_EVERY_MS = 3000;
  const AGENT_TYPING_SHOWN_MS = 4000;
  const CALLBACK_TIMES = ["any", "morning", "afternoon"];

  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    globe: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM3 12h18M12 3c2.4 2.5 3.6 5.5 3.6 9s-1.2 6.5-3.6 9M12 3c-2.4 2.5-3.6 5.5-3.6 9s1.2 6.5 3.6 9",
    external: "M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"
  };

  class ApiError extends Error {
    constructor(code, status, message) {
      super(code);
      this.code = code;
      this.status = status;
      this.serverMessage = message;
    }
  }

  const config = readConfig(document.currentScript || findOwnScript());
  const state = {
    languages: [],
    language: "sv",
    ui: Object.assign({}, FALLBACK_UI),
    conversation: null, // {id, token}
    starting: null, // promise while a conversation is being created
    events: null, // EventSource
    scope: new AbortController(), // aborted when the conversation is reset
    busyCount: 0,
    handoff: null, // {status, position, wait_minutes, callback, agent} while a person is involved
    lastTypingSent: 0,
    agentTypingTimer: null
  };
  let dom = null;

  whenDomReady().then(init).catch(function () {
    /* Without a DOM there is nothing to show. */
  });

  // ---------------------------------------------------------------- setup

  function findOwnScript() {
    const scripts = document.querySelectorAll("script[src]");
    for (let i = scripts.length - 1; i >= 0; i -= 1) {
      if (/\/widget\.js(?:[?#]|$)/.test(scripts[i].src)) {
        return scripts[i];
      }
    }
    return null;
  }

  function readConfig(script) {
    const attr = (name) => (script && script.getAttribute(name)) || "";
    const scriptUrl = new URL(script && script.src ? script.src : "/static/widget.js", document.baseURI);
    let api = scriptUrl.origin;
    try {
      if (attr("data-api")) {
        api = new URL(attr("data-api"), document.baseURI).href;
      }
    } catch (error) {
      api = scriptUrl.origin;
    }
    return {
      api: api.replace(/\/+$/, ""),
      stylesheet: new URL("widget.css", scriptUrl).href,
      inline: attr("data-mode").toLowerCase() === "inline",
      language: attr("data-language")
    };
  }

  function whenDomReady() {
    if (document.readyState !== "loading") {
      return Promise.resolve();
    }
    return new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  }

  function loadStylesheet() {
    return new Promise((resolve) => {
      const links = Array.from(document.querySelectorAll('link[rel~="stylesheet"]'));
      let link = links.find((candidate) => candidate.href === config.stylesheet);
      if (link && link.sheet) {
        resolve();
        return;
      }
      if (!link) {
        link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = config.stylesheet;
        (document.head || document.documentElement).appendChild(link);
      }
      link.addEventListener("load", () => resolve(), { once: true });
      link.addEventListener("error", () => resolve(), { once: true });
      setTimeout(resolve, STYLESHEET_TIMEOUT_MS);
    });
  }

  async function init() {
    const results = await Promise.all([loadLanguages(), loadStylesheet()]);
    state.languages = results[0];
    let mount = null;
    if (config.inline) {
      mount = document.getElementById("guiderum-chat");
      config.inline = Boolean(mount);
    }
    dom = buildWidget();
    (mount || document.body).appendChild(dom.root);
    switchLanguage(pickLanguage());
    startUp();
  }

  function startUp() {
    const stored = readStoredConversation();
    if (stored) {
      runBusy(() => resumeConversation(stored)).catch(showError);
    } else if (config.inline) {
      runBusy(ensureConversation).catch(showError);
    }
  }

  // ---------------------------------------------------------------- languages

  async function loadLanguages() {
    try {
      const data = await apiRequest("GET", "/api/languages", { timeout: LANGUAGES_TIMEOUT_MS });
      const list = Array.isArray(data.languages) ? data.languages.map(normalizeLanguage).filter(Boolean) : [];
      if (list.length) {
        return list;
      }
    } catch (error) {
      /* Fall back to built-in Swedish below. */
    }
    return [{ code: "sv", name: "Svenska", dir: "ltr", ui: {} }];
  }

  function normalizeLanguage(raw) {
    if (!raw || typeof raw.code !== "string" || !raw.code) {
      return null;
    }
    const ui = {};
    if (raw.ui && typeof raw.ui === "object") {
      Object.keys(FALLBACK_UI).forEach((key) => {
        if (typeof raw.ui[key] === "string" && raw.ui[key]) {
          ui[key] = raw.ui[key];
        }
      });
    }
    return {
      code: raw.code,
      name: typeof raw.name === "string" && raw.name ? raw.name : raw.code,
      dir: raw.dir === "rtl" || raw.dir === "ltr" ? raw.dir : directionOf(raw.code),
      ui: ui
    };
  }

  function primaryTag(code) {
    return String(code || "").trim().toLowerCase().split(/[-_]/)[0];
  }

  function directionOf(code) {
    return RTL_LANGUAGES.includes(primaryTag(code)) ? "rtl" : "ltr";
  }

  function findLanguage(code) {
    const wanted = String(code || "").toLowerCase();
    return (
      state.languages.find((language) => language.code.toLowerCase() === wanted) ||
      state.languages.find((language) => language.code.toLowerCase() === primaryTag(wanted)) ||
      null
    );
  }

  function pickLanguage() {
    const candidates = [config.language, document.documentElement.lang, navigator.language];
    for (const candidate of candidates) {
      const language = candidate ? findLanguage(candidate) : null;
      if (language) {
        return language.code;
      }
    }
    return findLanguage("sv") ? "sv" : state.languages[0].code;
  }

  function t(key) {
    return state.ui[key] || FALLBACK_UI[key] || "";
  }

  // Marks a node as translatable: its text (or the given attribute) follows the UI language.
  function i18n(node, key, attribute) {
    node.setAttribute("data-gr-i18n", key);
    if (attribute) {
      node.setAttribute("data-gr-i18n-attr", attribute);
    }
    translateNode(node);
    return node;
  }

  function translateNode(node) {
    const key = node.getAttribute("data-gr-i18n");
    const attribute = node.getAttribute("data-gr-i18n-attr");
    let value = t(key);
    if (key === "you" || key === "assistant" || key === "agent") {
      value = value.replace(/\s*[:：]\s*$/, "");
    }
    if (attribute) {
      node.setAttribute(attribute, value);
    } else {
      node.textContent = value;
    }
  }

  function switchLanguage(code) {
    const language = findLanguage(code);
    state.language = language ? language.code : code;
    if (language) {
      state.ui = Object.assign({}, FALLBACK_UI, language.ui);
    }
    dom.root.setAttribute("lang", state.language);
    dom.root.setAttribute("dir", language ? language.dir : directionOf(code));
    dom.root.querySelectorAll("[data-gr-i18n]").forEach(translateNode);
    updateLanguageControl();
    updateBusy();
    updateCounter();
  }

  // ---------------------------------------------------------------- API

  async function apiRequest(method, path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (opts.token) {
      headers.Authorization = "Bearer " + opts.token;
    }
    const controller = new AbortController();
    const abort = () => controller.abort();
    const outer = opts.signal;
    if (outer) {
      if (outer.aborted) {
        abort();
      }
      outer.addEventListener("abort", abort);
    }
    const timer = setTimeout(abort, opts.timeout || REQUEST_TIMEOUT_MS);
    let response;
    try {
      response = await fetch(config.api + path, {
        method: method,
        headers: headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: controller.signal,
        cache: "no-store"
      });
    } catch (error) {
      throw new ApiError(outer && outer.aborted ? "aborted" : "network", 0, "");
    } finally {
      clearTimeout(timer);
      if (outer) {
        outer.removeEventListener("abort", abort);
      }
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const detail = (data && data.error) || {};
      throw new ApiError(
        typeof detail.code === "string" ? detail.code : "http_" + response.status,
        response.status,
        typeof detail.message === "string" ? detail.message : ""
      );
    }
    if (!data || typeof data !== "object") {
      throw new ApiError("bad_response", response.status, "");
    }
    return data;
  }

  function conversationPath(conversation, suffix) {
    return "/api/conversations/" + encodeURIComponent(conversation.id) + (suffix || "");
  }

  function isGone(error) {
    return Boolean(error) && (error.status === 404 || error.status === 401 ||
      error.code === "not_found" || error.code === "unauthorized");
  }

  function isAborted(error) {
    return Boolean(error) && error.code === "aborted";
  }

  // ---------------------------------------------------------------- conversation

  function readStoredConversation() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.conversation_id === "string" && typeof stored.token === "string") {
        return { id: stored.conversation_id, token: stored.token };
      }
    } catch (error) {
      /* Storage unavailable or corrupt: start fresh. */
    }
    return null;
  }

  function storeConversation(conversation) {
    try {
      if (conversation) {
        const value = { conversation_id: conversation.id, token: conversation.token };
        window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      /* Private mode etc.: the conversation just won't survive a reload. */
    }
  }

  function useConversation(conversation) {
    state.conversation = conversation;
    storeConversation(conversation);
    openEvents();
  }

  // Returns the current conversation, creating one (with its welcome messages) if needed.
  function ensureConversation() {
    if (state.conversation) {
      return Promise.resolve(state.conversation);
    }
    if (!state.starting) {
      const starting = startConversation();
      const clear = () => {
        if (state.starting === starting) {
          state.starting = null;
        }
      };
      starting.then(clear, clear);
      state.starting = starting;
    }
    return state.starting;
  }

  async function startConversation() {
    const signal = state.scope.signal;
    const data = await apiRequest("POST", "/api/conversations", {
      body: { language: state.language },
      signal: signal
    });
    if (signal.aborted) {
      throw new ApiError("aborted", 0, "");
    }
    if (typeof data.conversation_id !== "string" || typeof data.token !== "string") {
      throw new ApiError("bad_response", 0, "");
    }
    useConversation({ id: data.conversation_id, token: data.token });
    applyLanguageFromServer(data.language);
    renderBatch(normalizeMessages(data.messages), 0);
    return state.conversation;
  }

  async function resumeConversation(stored) {
    const signal = state.scope.signal;
    state.conversation = stored;
    let data;
    try {
      data = await apiRequest("GET", conversationPath(stored), { token: stored.token, signal: signal });
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      if (!isGone(error)) {
        openEvents(); // keep the stored conversation; later messages still arrive
        throw error;
      }
      forgetConversation();
      if (config.inline || isPanelOpen()) {
        await ensureConversation();
      }
      return;
    }
    if (signal.aborted) {
      return;
    }
    openEvents();
    applyLanguageFromServer(data.language);
    setConversationState(data.state);
    showHandoff(data.handoff_status);
    const messages = normalizeMessages(data.messages);
    let lastCitizen = -1;
    messages.forEach((message, index) => {
      if (message.sender === "citizen") {
        lastCitizen = index;
      }
    });
    // Quick replies are offered only where the citizen has not answered yet.
    renderBatch(messages, lastCitizen + 1);
  }

  function forgetConversation() {
    closeEvents();
    state.conversation = null;
    state.starting = null;
    storeConversation(null);
  }

  // Drops the current conversation (and any request in flight) and starts a new one.
  function resetConversation() {
    state.scope.abort();
    state.scope = new AbortController();
    forgetConversation();
    dom.log.textContent = "";
    setConversationState(null);
    return runBusy(ensureConversation).catch(showError);
  }

  function applyLanguageFromServer(code) {
    if (typeof code === "string" && code && code !== state.language) {
      switchLanguage(code);
    }
  }

  function setConversationState(value) {
    if (typeof value === "string" && value) {
      dom.root.setAttribute("data-state", value);
    } else {
      dom.root.removeAttribute("data-state");
    }
  }

  // Sends {text} or {payload}; returns "sent", "failed", "restarted" or "stale".
  async function sendMessage(body, displayText, mayRestart) {
    const signal = state.scope.signal;
    clearErrors();
    let shown = null;
    try {
      await runBusy(async () => {
        const conversation = await ensureConversation();
        if (signal.aborted) {
          throw new ApiError("aborted", 0, "");
        }
        shown = renderBatch([{ sender: "citizen", text: displayText, buttons: [], links: [] }], 0);
        const data = await apiRequest("POST", conversationPath(conversation, "/messages"), {
          body: body,
          token: conversation.token,
          signal: signal
        });
        if (!signal.aborted) {
          handleReply(data);
        }
      });
      return signal.aborted ? "stale" : "sent";
    } catch (error) {
      if (signal.aborted || isAborted(error)) {
        return "stale";
      }
      if (shown) {
        shown.remove();
      }
      if (mayRestart && isGone(error)) {
        await resetConversation();
        if (state.conversation && body.text !== undefined) {
          return sendMessage(body, displayText, false);
        }
        return "restarted";
      }
      showError(error);
      return "failed";
    }
  }

  function handleReply(data) {
    applyLanguageFromServer(data.language);
    setConversationState(data.state);
    renderBatch(normalizeMessages(data.messages), 0);
    showHandoff(data.meta ? data.meta.handoff_status : null);
    fitInputToBookingStep(data.meta ? data.meta.booking : null);
  }

  // The booking form asks for a phone number, an e-mail or a name: give phones the right
  // keyboard and let the browser offer what it knows.
  const BOOKING_INPUTS = {
    phone: { inputmode: "tel", autocomplete: "tel" },
    phone_check: { inputmode: "tel", autocomplete: "tel" },
    email: { inputmode: "email", autocomplete: "email" },
    name: { inputmode: "text", autocomplete: "name" }
  };

  function fitInputToBookingStep(booking) {
    const wanted = (booking && BOOKING_INPUTS[booking.step]) || { inputmode: "text", autocomplete: "off" };
    dom.input.setAttribute("inputmode", wanted.inputmode);
    dom.input.setAttribute("autocomplete", wanted.autocomplete);
  }

  // ---------------------------------------------------------------- server-sent events

  function openEvents() {
    closeEvents();
    const conversation = state.conversation;
    if (!conversation || typeof window.EventSource !== "function") {
      return;
    }
    const url = config.api + conversationPath(conversation, "/events") +
      "?token=" + encodeURIComponent(conversation.token);
    try {
      const source = new window.EventSource(url);
      source.addEventListener("message", onStreamMessage);
      source.addEventListener("handoff", onStreamHandoff);
      source.addEventListener("typing", onStreamTyping);
      source.addEventListener("error", function () {
        /* EventSource reconnects by itself; stay quiet. */
      });
      state.events = source;
    } catch (error) {
      state.events = null;
    }
  }

  function closeEvents() {
    if (state.events) {
      state.events.close();
      state.events = null;
    }
  }

  function onStreamMessage(event) {
    let message = null;
    try {
      message = normalizeMessage(JSON.parse(event.data));
    } catch (error) {
      return;
    }
    // The citizen's own messages are already shown; the stream is for later bot/agent messages.
    if (!message || message.sender === "citizen") {
      return;
    }
    renderBatch([message], 0);
    if (!config.inline && !isPanelOpen()) {
      setUnread(true);
    }
  }

  function parseEventData(event) {
    try {
      const data = JSON.parse(event.data);
      return data && typeof data === "object" ? data : null;
    } catch (error) {
      return null;
    }
  }

  function onStreamHandoff(event) {
    const data = parseEventData(event);
    if (!data) {
      return;
    }
    setConversationState(data.state);
    showHandoff(data.handoff_status);
  }

  function onStreamTyping(event) {
    const data = parseEventData(event);
    const name = data && typeof data.name === "string" ? data.name : t("agent");
    dom.typing.classList.add("gr-typing--active");
    dom.typingText.textContent = t("agent_typing").replace("{name}", name);
    clearTimeout(state.agentTypingTimer);
    state.agentTypingTimer = setTimeout(updateBusy, AGENT_TYPING_SHOWN_MS);
  }

  // ---------------------------------------------------------------- reaching a person

  function buildHandoff(refs) {
    refs.handoffText = el("p", { className: "gr-handoff__text", "data-testid": "handoff-status" });
    refs.stopWaiting = el("button", { type: "button", className: "gr-button", "data-testid": "stop-waiting" });
    refs.stopWaiting.addEventListener("click", onStopWaiting);
    refs.callbackOpen = i18n(el("button", { type: "button", className: "gr-button", "data-testid": "callback-open" }), "callback_title");
    refs.callbackOpen.addEventListener("click", () => toggleCallbackForm(true));
    refs.callbackForm = buildCallbackForm(refs);
    refs.handoff = el("div", { className: "gr-handoff", role: "status", hidden: true }, [
      refs.handoffText,
      el("div", { className: "gr-handoff__actions" }, [refs.stopWaiting, refs.callbackOpen]),
      refs.callbackForm
    ]);
    return refs.handoff;
  }

  function buildCallbackForm(refs) {
    const phoneId = uniqueId("phone");
    const timeId = uniqueId("time");
    const languageId = uniqueId("call-language");
    refs.callbackPhone = el("input", {
      id: phoneId, type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: "40",
      className: "gr-input", dir: "ltr", "data-testid": "callback-phone"
    });
    refs.callbackTime = el("select", { id: timeId, className: "gr-select" });
    refs.callbackLanguage = el("select", { id: languageId, className: "gr-select" });
    refs.callbackError = el("p", { className: "gr-error", role: "alert", hidden: true });
    const send = i18n(el("button", { type: "submit", className: "gr-send", "data-testid": "callback-send" }), "callback_send");
    const cancel = i18n(el("button", { type: "button", className: "gr-button" }), "callback_cancel");
    cancel.addEventListener("click", () => toggleCallbackForm(false));
    const form = el("form", { className: "gr-callback", novalidate: true, hidden: true }, [
      i18n(el("label", { className: "gr-label", for: phoneId }), "callback_phone"),
      refs.callbackPhone,
      i18n(el("label", { className: "gr-label", for: timeId }), "callback_time"),
      refs.callbackTime,
      i18n(el("label", { className: "gr-label", for: languageId }), "callback_language"),
      refs.callbackLanguage,
      refs.callbackError,
      el("div", { className: "gr-form__row" }, [send, cancel])
    ]);
    form.addEventListener("submit", onCallbackSubmit);
    return form;
  }

  function fillCallbackChoices() {
    dom.callbackTime.replaceChildren();
    CALLBACK_TIMES.forEach((value) => {
      dom.callbackTime.appendChild(el("option", { value: value, text: t("callback_" + value) }));
    });
    dom.callbackLanguage.replaceChildren();
    state.languages.forEach((language) => {
      const option = el("option", { value: language.code, text: language.name });
      option.selected = language.code === state.language;
      dom.callbackLanguage.appendChild(option);
    });
  }

  function toggleCallbackForm(open) {
    if (open) {
      fillCallbackChoices();
    }
    dom.callbackForm.hidden = !open;
    dom.callbackOpen.hidden = open || !(state.handoff && state.handoff.callback);
    dom.callbackError.hidden = true;
    if (open) {
      dom.callbackPhone.focus();
    }
  }

  function showHandoff(status) {
    state.handoff = status && typeof status === "object" ? status : null;
    if (!dom) {
      return;
    }
    const handoff = state.handoff;
    const active = Boolean(handoff) && (handoff.status === "queued" || handoff.status === "agent");
    dom.handoff.hidden = !handoff || (!active && !handoff.callback);
    if (!handoff) {
      dom.callbackForm.hidden = true;
      return;
    }
    let text = "";
    if (handoff.status === "queued") {
      text = t("queue_position").replace("{position}", String(handoff.position));
      if (handoff.wait_minutes) {
        text += ". " + t("queue_wait").replace("{minutes}", String(handoff.wait_minutes));
      }
    } else if (handoff.status === "agent" && handoff.agent) {
      text = handoff.agent;
    }
    dom.handoffText.textContent = text;
    dom.handoffText.hidden = !text;
    dom.stopWaiting.hidden = !active;
    dom.stopWaiting.textContent = t(handoff.status === "agent" ? "end_person_chat" : "stop_waiting");
    dom.callbackOpen.hidden = !handoff.callback || !dom.callbackForm.hidden;
  }

  async function onStopWaiting() {
    const conversation = state.conversation;
    if (!conversation) {
      return;
    }
    clearErrors();
    try {
      const data = await apiRequest("DELETE", conversationPath(conversation, "/handoff"), {
        token: conversation.token,
        signal: state.scope.signal
      });
      handleReply(data);
    } catch (error) {
      if (!isAborted(error)) {
        showError(error);
      }
    }
  }

  async function onCallbackSubmit(event) {
    event.preventDefault();
    const conversation = state.conversation;
    if (!conversation) {
      return;
    }
    dom.callbackError.hidden = true;
    try {
      const data = await apiRequest("POST", conversationPath(conversation, "/callback"), {
        body: {
          phone: dom.callbackPhone.value,
          preferred_time: dom.callbackTime.value,
          language: dom.callbackLanguage.value
        },
        token: conversation.token,
        signal: state.scope.signal
      });
      dom.callbackPhone.value = "";
      dom.callbackForm.hidden = true;
      renderBatch(normalizeMessages(data.messages), 0);
      showHandoff(data.meta ? data.meta.handoff_status : null);
      if (state.handoff) {
        state.handoff.callback = false; // one request is enough
        showHandoff(state.handoff);
      }
    } catch (error) {
      if (isAborted(error)) {
        return;
      }
      dom.callbackError.textContent = error.serverMessage || t("error_generic");
      dom.callbackError.hidden = false;
      dom.callbackPhone.focus();
    }
  }

  function onTalkToPerson() {
    setLanguageMenu(false);
    sendMessage({ payload: TALK_TO_PERSON }, t("talk_to_person"), true);
  }

  // While a person holds the chat they see when the citizen is writing (at most every 3 s).
  function reportTyping() {
    const conversation = state.conversation;
    const now = Date.now();
    if (!conversation || !state.handoff || state.handoff.status !== "agent" ||
        now - state.lastTypingSent < TYPING_EVERY_MS) {
      return;
    }
    state.lastTypingSent = now;
    apiRequest("POST", conversationPath(conversation, "/typing"), { token: conversation.token })
      .catch(() => undefined);
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((name) => {
      const value = attributes[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "className") {
        node.className = value;
      } else if (name === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach((child) => {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "gr-icon gr-icon--" + name);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function hiddenText(key) {
    return i18n(el("span", { className: "gr-visually-hidden" }), key);
  }

  function uniqueId(name) {
    return "gr-" + name + "-" + Math.random().toString(36).slice(2, 9);
  }

  // ---------------------------------------------------------------- building the widget

  function buildWidget() {
    const titleId = uniqueId("title");
    const root = el("div", {
      className: "gr-root " + (config.inline ? "gr-root--inline" : "gr-root--floating"),
      "data-testid": "guiderum-chat"
    });
    const refs = { root: root };
    const panel = config.inline
      ? el("section", { className: "gr-panel", "aria-labelledby": titleId })
      : el("div", { className: "gr-panel", id: uniqueId("panel"), role: "dialog", hidden: true });
    if (!config.inline) {
      i18n(panel, "title", "aria-label");
      root.appendChild(buildLauncher(refs, panel.id));
    }
    refs.panel = panel;
    panel.appendChild(buildHeader(refs, titleId));
    refs.log = el("div", {
      className: "gr-log",
      role: "log",
      "aria-live": "polite",
      "aria-labelledby": titleId,
      tabindex: "0"
    });
    panel.appendChild(refs.log);
    panel.appendChild(buildHandoff(refs));
    panel.appendChild(buildTyping(refs));
    panel.appendChild(buildForm(refs));
    root.appendChild(panel);
    root.addEventListener("keydown", onRootKeyDown);
    document.addEventListener("click", onDocumentClick);
    return refs;
  }

  function buildLauncher(refs, panelId) {
    refs.unreadText = el("span", { className: "gr-visually-hidden", hidden: true }, [
      document.createTextNode(", "),
      i18n(el("span"), "new_message")
    ]);
    refs.badge = el("span", { className: "gr-launcher__badge", "aria-hidden": "true", hidden: true });
    refs.launcher = el("button", {
      type: "button",
      className: "gr-launcher",
      "aria-expanded": "false",
      "aria-controls": panelId
    }, [icon("chat"), icon("close"), hiddenText("open_chat"), refs.unreadText, refs.badge]);
    refs.launcher.addEventListener("click", () => (isPanelOpen() ? closePanel(true) : openPanel()));
    refs.announcer = el("span", { className: "gr-visually-hidden", role: "status" });
    return el("div", { className: "gr-launcher-wrap" }, [refs.launcher, refs.announcer]);
  }

  function buildHeader(refs, titleId) {
    const actions = el("div", { className: "gr-header__actions" }, [buildLanguageControl(refs)]);
    const person = i18n(el("button", { type: "button", className: "gr-button gr-person", "data-testid": "talk-to-person" }), "talk_to_person");
    person.addEventListener("click", onTalkToPerson);
    actions.appendChild(person);
    const restart = i18n(el("button", { type: "button", className: "gr-button gr-restart" }), "restart");
    restart.addEventListener("click", onRestart);
    actions.appendChild(restart);
    if (!config.inline) {
      const close = el("button", { type: "button", className: "gr-button gr-close" }, [
        icon("close"),
        hiddenText("close_chat")
      ]);
      close.addEventListener("click", () => closePanel(true));
      actions.appendChild(close);
    }
    return el("div", { className: "gr-header" }, [
      i18n(el("h2", { className: "gr-title", id: titleId }), "title"),
      actions
    ]);
  }

  function buildLanguageControl(refs) {
    const menuId = uniqueId("languages");
    refs.languageCurrent = el("span", { className: "gr-lang__current" });
    refs.languageToggle = el("button", {
      type: "button",
      className: "gr-button gr-lang__toggle",
      "aria-expanded": "false",
      "aria-controls": menuId
    }, [
      icon("globe"),
      el("span", { className: "gr-visually-hidden" }, [i18n(el("span"), "language_label"), document.createTextNode(": ")]),
      refs.languageCurrent
    ]);
    refs.languageToggle.addEventListener("click", () => setLanguageMenu(refs.languageMenu.hidden));
    refs.languageMenu = el("ul", { className: "gr-lang__menu", id: menuId, hidden: true });
    state.languages.forEach((language) => {
      const option = el("button", {
        type: "button",
        className: "gr-lang__option",
        lang: language.code,
        dir: language.dir,
        "data-code": language.code,
        text: language.name
      });
      option.addEventListener("click", () => onLanguageChosen(language.code));
      refs.languageMenu.appendChild(el("li", { className: "gr-lang__item" }, [option]));
    });
    refs.languageWrap = el("div", {
      className: "gr-lang",
      hidden: state.languages.length < 2
    }, [refs.languageToggle, refs.languageMenu]);
    // Keyboard focus leaving the control closes the menu (pointer clicks are handled on document).
    refs.languageWrap.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !refs.languageWrap.contains(event.relatedTarget)) {
        setLanguageMenu(false);
      }
    });
    return refs.languageWrap;
  }

  function buildTyping(refs) {
    refs.typingText = el("span", { className: "gr-typing__text" });
    refs.typing = el("div", { className: "gr-typing", role: "status" }, [
      el("span", { className: "gr-typing__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      refs.typingText
    ]);
    return refs.typing;
  }

  function buildForm(refs) {
    const inputId = uniqueId("input");
    refs.counter = el("p", { className: "gr-counter", id: uniqueId("counter"), hidden: true });
    refs.input = el("textarea", {
      className: "gr-input",
      id: inputId,
      name: "message",
      rows: "2",
      maxlength: String(MAX_LENGTH),
      dir: "auto",
      autocomplete: "off",
      autocapitalize: "sentences",
      enterkeyhint: "send",
      "data-testid": "chat-input"
    });
    i18n(refs.input, "placeholder", "placeholder");
    refs.send = el("button", { type: "submit", className: "gr-send", "data-testid": "chat-send" }, [
      i18n(el("span"), "send")
    ]);
    refs.form = el("form", { className: "gr-form", novalidate: true, "aria-busy": "false" }, [
      i18n(el("label", { className: "gr-label", for: inputId }), "input_label"),
      el("div", { className: "gr-form__row" }, [refs.input, refs.send]),
      refs.counter
    ]);
    refs.form.addEventListener("submit", onSubmit);
    refs.input.addEventListener("keydown", onInputKeyDown);
    refs.input.addEventListener("input", updateCounter);
    refs.input.addEventListener("input", reportTyping);
    return refs.form;
  }

  // ---------------------------------------------------------------- rendering messages

  function normalizeMessages(list) {
    return Array.isArray(list) ? list.map(normalizeMessage).filter(Boolean) : [];
  }

  function normalizeMessage(raw) {
    if (!raw || typeof raw !== "object") {
      return null;
    }
    const text = typeof raw.text === "string" ? raw.text.trim() : "";
    const buttons = Array.isArray(raw.buttons)
      ? raw.buttons.filter((b) => b && typeof b.title === "string" && b.title && typeof b.payload === "string")
      : [];
    const links = Array.isArray(raw.links)
      ? raw.links.filter((l) => l && typeof l.url === "string" && l.url)
      : [];
    if (!text && !buttons.length && !links.length) {
      return null;
    }
    return {
      sender: SENDERS.includes(raw.sender) ? raw.sender : "bot",
      author: typeof raw.author === "string" ? raw.author : "",
      text: text,
      buttons: buttons,
      links: links
    };
  }

  // Renders messages; those from index quickRepliesFrom on get their buttons. Returns the first element.
  function renderBatch(messages, quickRepliesFrom) {
    let first = null;
    messages.forEach((message, index) => {
      const item = renderMessage(message, index >= quickRepliesFrom);
      first = first || item;
    });
    reveal(first);
    return first;
  }

  function renderMessage(message, withQuickReplies) {
    const sender = message.sender;
    const item = el("div", { className: "gr-message gr-message--" + sender }, [senderLabel(sender, message.author)]);
    const bubble = el("div", { className: "gr-message__bubble" });
    let textId = null;
    if (sender === "citizen") {
      bubble.setAttribute("dir", "auto");
    } else {
      bubble.setAttribute("lang", state.language);
    }
    if (message.text) {
      textId = uniqueId("text");
      const paragraph = el("p", { className: "gr-message__text", id: textId });
      appendRichText(paragraph, message.text);
      bubble.appendChild(paragraph);
    }
    if (message.links.length) {
      bubble.appendChild(linkList(message.links));
    }
    if (bubble.childNodes.length) {
      item.appendChild(bubble);
    }
    if (withQuickReplies && message.buttons.length) {
      item.appendChild(quickReplyGroup(message.buttons, textId));
    }
    dom.log.appendChild(item);
    return item;
  }

  function senderLabel(sender, author) {
    const visible = sender === "agent";
    const name = author ? el("span", { text: author }) : i18n(el("span"), SENDER_KEYS[sender]);
    return el("span", { className: visible ? "gr-message__sender" : "gr-message__sender gr-visually-hidden" }, [
      name,
      el("span", { className: "gr-visually-hidden", text: ": " })
    ]);
  }

  function appendRichText(parent, text) {
    let last = 0;
    let match;
    TEXT_PATTERN.lastIndex = 0;
    while ((match = TEXT_PATTERN.exec(text)) !== null) {
      const token = match[1] ? match[0].replace(/[.,;:!?)\]]+$/, "") : match[0];
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      parent.appendChild(match[1] ? buildLink(token, token) : el("bdi", { dir: "ltr", text: token }));
      last = match.index + token.length;
      TEXT_PATTERN.lastIndex = last;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  function linkList(links) {
    return el("ul", { className: "gr-links" }, links.map((link) => {
      const title = typeof link.title === "string" && link.title.trim() ? link.title : link.url;
      return el("li", { className: "gr-links__item" }, [buildLink(title, link.url)]);
    }));
  }

  // Only http(s), tel and mailto links are made clickable; anything else is shown as text.
  function buildLink(title, url) {
    let parsed = null;
    try {
      parsed = new URL(url.trim(), config.api + "/");
    } catch (error) {
      parsed = null;
    }
    if (!parsed || !LINK_PROTOCOLS.includes(parsed.protocol)) {
      return document.createTextNode(title);
    }
    const isTel = parsed.protocol === "tel:";
    const link = el("a", { className: "gr-link", href: isTel ? url.trim() : parsed.href }, [
      el("bdi", { text: title })
    ]);
    if (isTel) {
      link.setAttribute("dir", "ltr");
    } else if (parsed.protocol !== "mailto:") {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener");
      link.appendChild(icon("external"));
    }
    return link;
  }

  function quickReplyGroup(buttons, labelledBy) {
    const group = el("div", {
      className: "gr-quick-replies",
      role: "group",
      "aria-labelledby": labelledBy,
      lang: state.language
    });
    buttons.forEach((button) => {
      const node = el("button", { type: "button", className: "gr-quick-reply", text: button.title });
      node.addEventListener("click", () => onQuickReply(group, button));
      group.appendChild(node);
    });
    return group;
  }

  function setGroupDisabled(group, disabled) {
    group.querySelectorAll("button").forEach((button) => {
      button.disabled = disabled;
    });
  }

  function showError(error) {
    if (!dom || isAborted(error)) {
      return;
    }
    let text = t("error_generic");
    if (error && error.code === "network") {
      text = t("error_network");
    } else if (error && error.serverMessage) {
      text = error.serverMessage;
    }
    const notice = el("div", { className: "gr-error", role: "alert" }, [
      el("p", { className: "gr-error__text", dir: "auto", text: text })
    ]);
    dom.log.appendChild(notice);
    reveal(notice);
  }

  function clearErrors() {
    dom.log.querySelectorAll(".gr-error").forEach((notice) => notice.remove());
  }

  // Scrolls so that `first` and what follows is visible; a long answer is shown from its start.
  function reveal(first) {
    if (!first || !dom) {
      return;
    }
    const log = dom.log;
    const bottom = log.scrollHeight - log.clientHeight;
    log.scrollTop = Math.max(0, Math.min(bottom, first.offsetTop - 8));
  }

  // ---------------------------------------------------------------- busy state and input

  async function runBusy(task) {
    state.busyCount += 1;
    updateBusy();
    try {
      return await task();
    } finally {
      state.busyCount -= 1;
      updateBusy();
    }
  }

  function updateBusy() {
    if (!dom) {
      return;
    }
    const busy = state.busyCount > 0;
    if (busy && document.activeElement === dom.send) {
      dom.input.focus(); // keep focus in the widget when the button gets disabled
    }
    dom.form.setAttribute("aria-busy", busy ? "true" : "false");
    dom.input.readOnly = busy;
    dom.send.disabled = busy;
    dom.root.classList.toggle("gr-root--busy", busy);
    dom.typing.classList.toggle("gr-typing--active", busy);
    dom.typingText.textContent = busy ? t("typing") : "";
  }

  function updateCounter() {
    if (!dom) {
      return;
    }
    const length = dom.input.value.length;
    const visible = length >= COUNTER_FROM;
    dom.counter.hidden = !visible;
    dom.counter.classList.toggle("gr-counter--limit", length >= MAX_LENGTH);
    dom.counter.textContent = "";
    if (visible) {
      const format = (n) => {
        try {
          return n.toLocaleString(state.language);
        } catch (error) {
          return String(n);
        }
      };
      dom.counter.appendChild(el("bdi", { dir: "ltr", text: format(length) + " / " + format(MAX_LENGTH) }));
      dom.input.setAttribute("aria-describedby", dom.counter.id);
    } else {
      dom.input.removeAttribute("aria-describedby");
    }
  }

  // Puts focus back in the input, unless the citizen has moved on to something outside the widget.
  function focusInput() {
    if (!isPanelOpen()) {
      return;
    }
    const active = document.activeElement;
    if (!active || active === document.body || dom.root.contains(active)) {
      dom.input.focus();
    }
  }

  // ---------------------------------------------------------------- event handlers

  function onInputKeyDown(event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submitText();
  }

  function onSubmit(event) {
    event.preventDefault();
    submitText();
  }

  async function submitText() {
    if (state.busyCount > 0) {
      return;
    }
    const typed = dom.input.value;
    const text = typed.trim();
    if (!text) {
      dom.input.focus();
      return;
    }
    dom.input.value = "";
    updateCounter();
    const result = await sendMessage({ text: text }, text, true);
    if ((result === "failed" || result === "restarted") && !dom.input.value) {
      dom.input.value = typed; // nothing the citizen wrote is lost
      updateCounter();
    }
    focusInput();
  }

  async function onQuickReply(group, button) {
    if (state.busyCount > 0) {
      return;
    }
    setGroupDisabled(group, true);
    const result = await sendMessage({ payload: button.payload }, button.title, true);
    if (result === "sent") {
      group.remove();
    } else if (group.isConnected) {
      setGroupDisabled(group, false);
    }
    focusInput();
  }

  function onRestart() {
    setLanguageMenu(false);
    resetConversation().then(focusInput);
  }

  function onLanguageChosen(code) {
    setLanguageMenu(false);
    if (code === state.language && state.conversation) {
      dom.languageToggle.focus();
      return;
    }
    switchLanguage(code);
    if (!state.conversation) {
      resetConversation().then(focusInput);
      return;
    }
    // The conversation goes on in the new language; the reply confirms it in that language.
    const conversation = state.conversation;
    const signal = state.scope.signal;
    runBusy(async () => {
      const data = await apiRequest("PUT", conversationPath(conversation, "/language"), {
        body: { language: code },
        token: conversation.token,
        signal: signal
      });
      if (!signal.aborted) {
        handleReply(data);
      }
    }).then(focusInput, (error) => {
      if (isGone(error)) {
        resetConversation().then(focusInput);
      } else if (!isAborted(error)) {
        showError(error);
      }
    });
  }

  function setLanguageMenu(open) {
    dom.languageMenu.hidden = !open;
    dom.languageToggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function updateLanguageControl() {
    const current = findLanguage(state.language);
    dom.languageCurrent.textContent = current ? current.name : state.language;
    dom.languageMenu.querySelectorAll(".gr-lang__option").forEach((option) => {
      if (current && option.getAttribute("data-code") === current.code) {
        option.setAttribute("aria-current", "true");
      } else {
        option.removeAttribute("aria-current");
      }
    });
  }

  function onDocumentClick(event) {
    if (dom && !dom.languageMenu.hidden && !dom.languageWrap.contains(event.target)) {
      setLanguageMenu(false);
    }
  }

  function onRootKeyDown(event) {
    if (event.key !== "Escape" && event.key !== "Esc") {
      return;
    }
    if (!dom.languageMenu.hidden) {
      setLanguageMenu(false);
      dom.languageToggle.focus();
      event.stopPropagation();
    } else if (!config.inline && isPanelOpen()) {
      closePanel(true);
      event.stopPropagation();
    }
  }

  // ---------------------------------------------------------------- launcher panel

  function isPanelOpen() {
    return Boolean(dom) && !dom.panel.hidden;
  }

  function openPanel() {
    dom.panel.hidden = false;
    dom.launcher.setAttribute("aria-expanded", "true");
    dom.root.classList.add("gr-root--open");
    setUnread(false);
    dom.log.scrollTop = dom.log.scrollHeight;
    dom.input.focus();
    if (!state.conversation && !state.starting) {
      runBusy(ensureConversation).catch(showError);
    }
  }

  function closePanel(returnFocus) {
    setLanguageMenu(false);
    dom.panel.hidden = true;
    dom.launcher.setAttribute("aria-expanded", "false");
    dom.root.classList.remove("gr-root--open");
    if (returnFocus) {
      dom.launcher.focus();
    }
  }

  function setUnread(unread) {
    dom.unreadText.hidden = !unread;
    dom.badge.hidden = !unread;
    dom.announcer.textContent = unread ? t("new_message") : "";
  }
})();
