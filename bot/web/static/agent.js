/*
 * Guiderum agent console: log in, watch the queue, take a chat, talk, note, hand back, close.
 *
 * Everything a citizen wrote is put on the page with textContent, never as HTML, so nothing a
 * citizen types can run in the console. Live updates come over the WebSocket /agent/ws; the
 * REST API /agent/api does the work (with the session's CSRF token on every change).
 */
(function () {
  "use strict";

  const API = "/agent/api";
  const PING_MS = 20000;
  const TYPING_EVERY_MS = 3000;
  const TYPING_SHOWN_MS = 4000;
  const REASONS = {
    asked: "bad om en person",
    button: "tryckte på knappen",
    own_case: "eget ärende",
    complaint: "klagomål",
    failed_answers: "boten förstod inte"
  };
  const TIMES = { morning: "förmiddag", afternoon: "eftermiddag", any: "när som helst" };
  const SENDERS = { citizen: "Medborgare", bot: "Guiderum", agent: "Handläggare", system: "System" };

  const state = {
    me: null,
    csrf: "",
    socket: null,
    pingTimer: null,
    reconnectDelay: 1000,
    openChat: null, // the ChatOut shown
    knownWaiting: new Set(),
    firstQueueLoad: true,
    soundOn: true,
    lastTypingSent: 0,
    typingTimer: null
  };
  const $ = (id) => document.getElementById(id);

  document.addEventListener("DOMContentLoaded", start);

  async function start() {
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", onLogout);
    $("status").addEventListener("change", () => setStatus($("status").value));
    $("sound").addEventListener("click", toggleSound);
    $("accept").addEventListener("click", () => chatAction("accept"));
    $("handback").addEventListener("click", () => chatAction("handback"));
    $("close").addEventListener("click", () => chatAction("close", { outcome: $("outcome").value }));
    $("reply-form").addEventListener("submit", onReply);
    $("reply").addEventListener("input", onReplyInput);
    $("note-form").addEventListener("submit", onNote);
    $("canned").addEventListener("change", onCannedChosen);
    $("canned-form").addEventListener("submit", onCannedSave);
    try {
      const me = await api("GET", "/me");
      await enterConsole(me);
    } catch (error) {
      showLogin();
    }
  }

  // ------------------------------------------------------------------ API

  const api = window.GuiderumStaff.client(API, () => state.csrf);

  // ------------------------------------------------------------------ logging in

  function showLogin() {
    $("console").hidden = true;
    $("login").hidden = false;
    $("username").focus();
  }

  async function onLogin(event) {
    event.preventDefault();
    const error = $("login-error");
    error.hidden = true;
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) {
      error.textContent = "Skriv användarnamn och lösenord.";
      error.hidden = false;
      return;
    }
    try {
      const me = await api("POST", "/login", { username: username, password: password });
      $("password").value = "";
      await enterConsole(me);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  }

  async function onLogout() {
    try {
      await api("POST", "/logout");
    } finally {
      disconnect();
      state.me = null;
      showLogin();
    }
  }

  async function enterConsole(me) {
    state.me = me;
    state.csrf = me.csrf_token;
    $("login").hidden = true;
    $("console").hidden = false;
    $("who").textContent = me.display_name + " (" + me.role + ", " + me.languages.join(", ") + ")";
    const takesChats = me.role === "agent" || me.role === "admin";
    const edits = me.role === "editor" || me.role === "admin";
    $("canned-heading").hidden = !edits;
    $("canned-editor").hidden = !edits;
    for (const link of document.querySelectorAll(".editor-only")) {
      link.hidden = !edits;
    }
    for (const link of document.querySelectorAll(".admin-only")) {
      link.hidden = me.role !== "admin";
    }
    if (edits) {
      await loadAllCanned();
    }
    if (takesChats) {
      await setStatus("online");
      connect();
      await Promise.all([loadQueue(), loadCallbacks()]);
    }
  }

  async function setStatus(value) {
    try {
      await api("PUT", "/me/status", { status: value });
      $("status").value = value;
    } catch (failure) {
      showChatError(failure.message);
    }
  }

  // ------------------------------------------------------------------ live connection

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/agent/ws");
    state.socket = socket;
    socket.addEventListener("open", () => {
      $("connection").hidden = true;
      state.reconnectDelay = 1000;
      clearInterval(state.pingTimer);
      state.pingTimer = setInterval(() => send({ type: "ping" }), PING_MS);
      loadQueue();
    });
    socket.addEventListener("message", (event) => {
      let data = null;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      onEvent(data);
    });
    socket.addEventListener("close", () => {
      clearInterval(state.pingTimer);
      if (state.me && state.socket === socket) {
        $("connection").hidden = false;
        setTimeout(connect, state.reconnectDelay);
        state.reconnectDelay = Math.min(state.reconnectDelay * 2, 30000);
      }
    });
  }

  function disconnect() {
    clearInterval(state.pingTimer);
    const socket = state.socket;
    state.socket = null;
    if (socket) {
      socket.close();
    }
  }

  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(frame));
    }
  }

  function onEvent(event) {
    const data = event.data || {};
    if (event.type === "queue_changed") {
      loadQueue();
      if (state.openChat) {
        reloadOpenChat();
      }
    } else if (event.type === "callbacks_changed") {
      loadCallbacks();
    } else if (event.type === "message") {
      if (state.openChat && state.openChat.conversation_id === data.conversation_id) {
        appendMessage(data.message);
        $("citizen-typing").hidden = true;
      }
    } else if (event.type === "typing") {
      if (state.openChat && state.openChat.conversation_id === data.conversation_id) {
        $("citizen-typing").hidden = false;
        clearTimeout(state.typingTimer);
        state.typingTimer = setTimeout(() => ($("citizen-typing").hidden = true), TYPING_SHOWN_MS);
      }
    }
  }

  // ------------------------------------------------------------------ queue

  async function loadQueue() {
    let data = null;
    try {
      data = await api("GET", "/queue");
    } catch (failure) {
      if (failure.status === 401) {
        disconnect();
        showLogin();
      }
      return;
    }
    const list = $("queue");
    list.replaceChildren();
    const offered = data.waiting.filter((entry) => entry.offered_to_you);
    let fresh = false;
    data.waiting.forEach((entry) => {
      if (entry.offered_to_you && !state.knownWaiting.has(entry.conversation_id)) {
        fresh = true;
      }
      list.appendChild(queueItem(entry));
    });
    state.knownWaiting = new Set(data.waiting.map((entry) => entry.conversation_id));
    if (fresh && !state.firstQueueLoad) {
      beep();
    }
    state.firstQueueLoad = false;
    $("waiting-count").textContent = String(data.waiting.length);
    setBadge(offered.length);

    const mine = $("mine");
    mine.replaceChildren();
    data.mine.forEach((chat) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = chat.language + (chat.topic ? " · " + chat.topic : "");
      button.addEventListener("click", () => openChat(chat.conversation_id));
      const item = document.createElement("li");
      item.appendChild(button);
      mine.appendChild(item);
    });
  }

  function queueItem(entry) {
    const item = document.createElement("li");
    item.className = "ac-queue-item" + (entry.priority ? " ac-queue-item--acute" : "") +
      (entry.offered_to_you ? "" : " ac-queue-item--later");
    const button = document.createElement("button");
    button.type = "button";
    const parts = [];
    if (entry.priority) {
      parts.push("AKUT");
    }
    parts.push(entry.language + (entry.speaks_language ? "" : " (ej ditt språk)"));
    parts.push(entry.topic || "inget ämne");
    parts.push(REASONS[entry.reason] || entry.reason);
    parts.push("väntat " + minutes(entry.waiting_seconds));
    button.textContent = parts.join(" · ");
    button.addEventListener("click", () => openChat(entry.conversation_id));
    item.appendChild(button);
    return item;
  }

  function minutes(seconds) {
    return seconds < 60 ? seconds + " s" : Math.floor(seconds / 60) + " min";
  }

  function setBadge(count) {
    const badge = $("badge");
    badge.hidden = count === 0;
    badge.textContent = count === 0 ? "" : String(count) + " väntar";
    document.title = (count ? "(" + count + ") " : "") + "Guiderum – handläggarkonsol";
  }

  function beep() {
    if (!state.soundOn || typeof window.AudioContext !== "function") {
      return;
    }
    try {
      const audio = new window.AudioContext();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (error) {
      /* no sound available: the badge and title still show the waiting chat */
    }
  }

  function toggleSound() {
    state.soundOn = !state.soundOn;
    $("sound").textContent = state.soundOn ? "Ljud på" : "Ljud av";
    $("sound").setAttribute("aria-pressed", String(state.soundOn));
  }

  // ------------------------------------------------------------------ one chat

  async function openChat(conversationId) {
    clearChatError();
    try {
      state.openChat = await api("GET", "/chats/" + encodeURIComponent(conversationId));
    } catch (failure) {
      showChatError(failure.message);
      return;
    }
    renderChat();
    loadCanned(state.openChat.language);
  }

  async function reloadOpenChat() {
    if (!state.openChat) {
      return;
    }
    try {
      state.openChat = await api("GET", "/chats/" + encodeURIComponent(state.openChat.conversation_id));
      renderChat();
    } catch (error) {
      /* the chat may have been deleted; keep what is shown */
    }
  }

  function renderChat() {
    const chat = state.openChat;
    $("chat").hidden = false;
    $("chat-title").textContent = "Chatt på " + chat.language + (chat.priority ? " – AKUT" : "");
    const meta = [];
    if (chat.topic) {
      meta.push("Ämne: " + chat.topic);
    }
    if (chat.reason) {
      meta.push("Orsak: " + (REASONS[chat.reason] || chat.reason));
    }
    meta.push(chat.held_by_you ? "Du har chatten" : chat.state === "queued" ? "Väntar" : "Status: " + chat.state);
    meta.push("Referens: " + chat.conversation_id);
    $("chat-meta").textContent = meta.join(" · ");
    const waiting = chat.state === "queued";
    $("accept").hidden = !waiting;
    $("handback").hidden = !chat.held_by_you;
    $("close").hidden = !chat.held_by_you;
    $("outcome").parentElement.hidden = !chat.held_by_you;
    $("reply-form").hidden = !chat.held_by_you;
    const transcript = $("transcript");
    transcript.replaceChildren();
    chat.messages.forEach(appendMessage);
    const notes = $("notes");
    notes.replaceChildren();
    chat.notes.forEach((note) => {
      const item = document.createElement("li");
      item.textContent = (note.author || "") + ": " + note.text;
      notes.appendChild(item);
    });
  }

  function appendMessage(message) {
    const item = document.createElement("li");
    item.className = "ac-message ac-message--" + message.sender;
    const who = document.createElement("strong");
    who.textContent = (message.author || SENDERS[message.sender] || message.sender) + ": ";
    const text = document.createElement("span");
    text.textContent = message.text || "";
    item.append(who, text);
    $("transcript").appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  async function chatAction(action, body) {
    if (!state.openChat) {
      return;
    }
    clearChatError();
    const id = state.openChat.conversation_id;
    try {
      await api("POST", "/chats/" + encodeURIComponent(id) + "/" + action, body);
    } catch (failure) {
      showChatError(failure.message);
    }
    await Promise.all([loadQueue(), reloadOpenChat()]);
  }

  async function onReply(event) {
    event.preventDefault();
    const text = $("reply").value.trim();
    if (!text || !state.openChat) {
      showChatError("Skriv ett svar först.");
      return;
    }
    clearChatError();
    try {
      await api("POST", "/chats/" + encodeURIComponent(state.openChat.conversation_id) + "/messages", { text: text });
      $("reply").value = "";
      $("canned").value = "";
    } catch (failure) {
      showChatError(failure.message);
      return;
    }
    await reloadOpenChat();
  }

  function onReplyInput() {
    const now = Date.now();
    if (state.openChat && now - state.lastTypingSent > TYPING_EVERY_MS) {
      state.lastTypingSent = now;
      send({ type: "typing", conversation_id: state.openChat.conversation_id });
    }
  }

  async function onNote(event) {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text || !state.openChat) {
      showChatError("Skriv en anteckning först.");
      return;
    }
    try {
      await api("POST", "/chats/" + encodeURIComponent(state.openChat.conversation_id) + "/notes", { text: text });
      $("note").value = "";
    } catch (failure) {
      showChatError(failure.message);
      return;
    }
    await reloadOpenChat();
  }

  function showChatError(message) {
    const error = $("chat-error");
    error.textContent = message;
    error.hidden = false;
  }

  function clearChatError() {
    $("chat-error").hidden = true;
  }

  // ------------------------------------------------------------------ canned responses

  async function loadCanned(language) {
    const select = $("canned");
    select.replaceChildren(new Option("–", ""));
    try {
      const list = await api("GET", "/canned?language=" + encodeURIComponent(language));
      list.forEach((canned) => {
        const option = new Option(canned.title, String(canned.id));
        option.dataset.text = canned.text;
        select.appendChild(option);
      });
    } catch (error) {
      /* no canned responses: the agent writes freely */
    }
  }

  function onCannedChosen() {
    const option = $("canned").selectedOptions[0];
    if (option && option.dataset.text) {
      $("reply").value = option.dataset.text;
      $("reply").focus();
    }
  }

  async function loadAllCanned() {
    const list = $("canned-all");
    list.replaceChildren();
    const all = await api("GET", "/canned");
    all.forEach((canned) => {
      const item = document.createElement("li");
      item.textContent = canned.language + " · " + canned.title + " ";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Ta bort";
      remove.addEventListener("click", async () => {
        await api("DELETE", "/canned/" + canned.id);
        await loadAllCanned();
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  async function onCannedSave(event) {
    event.preventDefault();
    try {
      await api("POST", "/canned", {
        language: $("canned-language").value.trim(),
        title: $("canned-title").value,
        text: $("canned-text").value
      });
      $("canned-title").value = "";
      $("canned-text").value = "";
      await loadAllCanned();
    } catch (failure) {
      showChatError(failure.message);
    }
  }

  // ------------------------------------------------------------------ call-back requests

  async function loadCallbacks() {
    let list = [];
    try {
      list = await api("GET", "/callbacks");
    } catch (error) {
      return;
    }
    const target = $("callbacks");
    target.replaceChildren();
    list.forEach((callback) => {
      const item = document.createElement("li");
      const phone = document.createElement("a");
      phone.href = "tel:" + callback.phone;
      phone.textContent = callback.phone;
      const info = document.createElement("span");
      info.textContent = " · " + callback.language + " · " + (TIMES[callback.preferred_time] || callback.preferred_time) + " ";
      const done = document.createElement("button");
      done.type = "button";
      done.textContent = "Klar";
      done.addEventListener("click", async () => {
        await api("POST", "/callbacks/" + callback.id + "/done");
        await loadCallbacks();
      });
      item.append(phone, info, done);
      target.appendChild(item);
    });
    $("callback-count").textContent = String(list.length);
  }
})();
